package flash

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// host is the machine Check looks at: where /proc and /sys are, and how a
// file's type and device number are read. Tests use a temporary tree and
// a stat that makes some of its files block devices.
type host struct {
	root  string                          // "/" on the real machine
	stat  func(name string) (node, error) // follows symlinks, like os.Stat
	fstat func(f *os.File) (node, error)  // of an open file
}

// node is what Check needs from a stat.
type node struct {
	mode fs.FileMode // as os.Stat reports it
	dev  string      // "major:minor" of a device node, "" otherwise
	size int64       // a regular file's size
	file string      // "device:inode" of the file itself
}

func (n node) isBlock() bool { return n.mode&fs.ModeDevice != 0 && n.mode&fs.ModeCharDevice == 0 }

var realHost = host{root: "/", stat: statNode, fstat: fstatNode}

// path returns where an absolute path the kernel names (/sys/…, /proc/…,
// or a device in a mount table) is found on h.
func (h host) path(abs string) string { return filepath.Join(h.root, abs) }

// read returns a file's content with surrounding white space trimmed, or
// "" if it cannot be read (sysfs attributes differ between drivers).
func read(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
