package image

import (
	"encoding/binary"
	"fmt"
	"path"
	"time"
)

// Fields of a 32-byte directory entry (Microsoft FAT specification,
// "Directory Entry") and of a long-name entry ("Long File Name
// Implementation").
const (
	dirEntryBytes = 32
	dirAttr       = 11
	dirCreateTime = 14
	dirCreateDate = 16
	dirAccessDate = 18
	dirHighClus   = 20
	dirWriteTime  = 22
	dirWriteDate  = 24
	dirLowClus    = 26
	dirFileSize   = 28

	attrVolumeID  = 0x08
	attrDirectory = 0x10
	attrLFN       = 0x0f // read-only|hidden|system|volume ID: part of a long name

	lfnChars    = 13   // UTF-16 code units per long-name entry
	lfnLast     = 0x40 // in the ordinal of the last (first written) long-name entry
	lfnChecksum = 13

	// maxDirEntries is how many 32-byte entries a directory may hold: a
	// directory is at most 2 MiB ("FAT Directory Structure").
	maxDirEntries = 65536
)

// lfnOffsets are where a long-name entry holds its 13 characters.
var lfnOffsets = [lfnChars]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}

// node is a file or directory of the partition, with the names and the
// place it gets there.
type node struct {
	entry
	short    [11]byte // 8.3 name, padded with spaces
	long     bool     // long-name entries come before the 8.3 entry
	cluster  uint32   // first cluster; 0 for an empty file
	parent   *node
	children []*node // of a directory, sorted by name
}

// slots is how many directory entries n's names take in its directory.
func (n *node) slots() int64 {
	if !n.long {
		return 1
	}
	return 1 + lfnSlots(path.Base(n.name))
}

// dirBytes is the size of directory n's entries: the volume label in
// the root, "." and ".." elsewhere, then every child's.
func (n *node) dirBytes() int64 {
	slots := int64(2)
	if n.parent == nil {
		slots = 1
	}
	for _, c := range n.children {
		slots += c.slots()
	}
	return slots * dirEntryBytes
}

// lfnSlots is how many long-name entries a name takes: one per 13
// characters.
func lfnSlots(name string) int64 {
	return int64(len(name)+lfnChars-1) / lfnChars
}

// buildTree makes the directory tree of entries (sorted by name, as
// readTree returns them) and gives every name its 8.3 name. It returns
// the root and the nodes in the order of entries.
func buildTree(entries []entry, label string) (*node, []*node, error) {
	root := &node{entry: entry{name: ".", dir: true}}
	dirs := map[string]*node{".": root}
	nodes := make([]*node, len(entries))
	for i, e := range entries {
		parent := dirs[path.Dir(e.name)]
		if parent == nil {
			return nil, nil, fmt.Errorf("boot file %s: its directory is not in the list", e.name)
		}
		n := &node{entry: e, parent: parent}
		parent.children = append(parent.children, n)
		if e.dir {
			dirs[e.name] = n
		}
		nodes[i] = n
	}
	for _, d := range dirs {
		names := make([]string, len(d.children))
		for i, c := range d.children {
			names[i] = path.Base(c.name)
		}
		l := ""
		if d == root {
			l = label
		}
		short, long := shortNames(names, l)
		for i, c := range d.children {
			c.short, c.long = short[i], long[i]
		}
		if d.dirBytes() > maxDirEntries*dirEntryBytes {
			return nil, nil, fmt.Errorf("directory %s has too many entries for FAT (at most %d, long names taking one per 13 characters)", d.name, maxDirEntries)
		}
	}
	return root, nodes, nil
}

// encodeDir returns the entries of directory d, its clusters' worth of
// bytes: what is left after the entries is zero, which ends the list.
func encodeDir(d *node, label string, t time.Time, size int64) []byte {
	b := make([]byte, size)
	date, tm := fatDateTime(t)
	off := 0
	put := func(short [11]byte, attr byte, cluster uint32, fileSize uint32) {
		e := b[off : off+dirEntryBytes]
		copy(e, short[:])
		e[dirAttr] = attr
		le := binary.LittleEndian
		le.PutUint16(e[dirCreateTime:], tm)
		le.PutUint16(e[dirCreateDate:], date)
		le.PutUint16(e[dirAccessDate:], date)
		le.PutUint16(e[dirWriteTime:], tm)
		le.PutUint16(e[dirWriteDate:], date)
		le.PutUint16(e[dirHighClus:], uint16(cluster>>16))
		le.PutUint16(e[dirLowClus:], uint16(cluster))
		le.PutUint32(e[dirFileSize:], fileSize)
		off += dirEntryBytes
	}
	if d.parent == nil {
		put(label83(label), attrVolumeID, 0, 0)
	} else {
		// ".." of a directory in the root points at 0, not at the
		// root's cluster ("FAT Directory Structure").
		up := d.parent.cluster
		if d.parent.parent == nil {
			up = 0
		}
		put([11]byte{'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}, attrDirectory, d.cluster, 0)
		put([11]byte{'.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}, attrDirectory, up, 0)
	}
	for _, c := range d.children {
		if c.long {
			off += putLongName(b[off:], path.Base(c.name), checksum(c.short))
		}
		if c.dir {
			put(c.short, attrDirectory, c.cluster, 0)
		} else {
			put(c.short, 0, c.cluster, uint32(c.size))
		}
	}
	return b
}

// putLongName writes the long-name entries of name into b, the last part
// first, and returns their length. Names are ASCII (checkName), so each
// byte is one UTF-16 code unit; a name that does not fill its last entry
// is ended by 0x0000 and padded with 0xFFFF.
func putLongName(b []byte, name string, sum byte) int {
	n := int(lfnSlots(name))
	for i := range n {
		e := b[i*dirEntryBytes : (i+1)*dirEntryBytes]
		ord := n - i // entries are stored last part first
		e[0] = byte(ord)
		if i == 0 {
			e[0] |= lfnLast
		}
		e[dirAttr] = attrLFN
		e[lfnChecksum] = sum
		for j, o := range lfnOffsets {
			k := (ord-1)*lfnChars + j
			var u uint16 = 0xffff
			switch {
			case k < len(name):
				u = uint16(name[k])
			case k == len(name):
				u = 0
			}
			binary.LittleEndian.PutUint16(e[o:], u)
		}
	}
	return n * dirEntryBytes
}

// checksum is the checksum of an 8.3 name that its long-name entries
// carry (Microsoft FAT specification, "ChkSum").
func checksum(short [11]byte) byte {
	var sum byte
	for _, c := range short {
		sum = (sum&1)<<7 + sum>>1 + c
	}
	return sum
}

// fatDateTime encodes t (clamped to FAT's range, in UTC) as a FAT date and
// time (Microsoft FAT specification, "Date and Time Formats").
func fatDateTime(t time.Time) (date, tm uint16) {
	date = uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day())
	tm = uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2)
	return date, tm
}
