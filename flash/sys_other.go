//go:build !linux

package flash

import (
	"fmt"
	"os"
)

// statNode is the real host's stat. Without device numbers every device
// fails Check: block devices are supported on Linux only.
func statNode(name string) (node, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return node{}, err
	}
	return node{mode: fi.Mode(), size: fi.Size()}, nil
}

// fstatNode is the real host's stat of an open file.
func fstatNode(f *os.File) (node, error) {
	fi, err := f.Stat()
	if err != nil {
		return node{}, err
	}
	return node{mode: fi.Mode(), size: fi.Size(), file: f.Name()}, nil
}

// openTarget opens path for writing.
func openTarget(path string, _ bool) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, bare(err))
	}
	return f, nil
}

// flush does nothing: the read-back may come from the page cache.
func flush(*os.File, bool) error { return nil }
