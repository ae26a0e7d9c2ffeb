package flash

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// statNode is the real host's stat.
func statNode(name string) (node, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return node{}, err
	}
	return nodeOf(fi), nil
}

// fstatNode is the real host's stat of an open file.
func fstatNode(f *os.File) (node, error) {
	fi, err := f.Stat()
	if err != nil {
		return node{}, err
	}
	return nodeOf(fi), nil
}

func nodeOf(fi fs.FileInfo) node {
	n := node{mode: fi.Mode(), size: fi.Size()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		n.file = fmt.Sprintf("%d:%d", st.Dev, st.Ino)
		if fi.Mode()&fs.ModeDevice != 0 {
			n.dev = fmt.Sprintf("%d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev))
		}
	}
	return n
}

// openTarget opens path for writing and reading back. A block device is
// opened with O_EXCL, which on Linux claims it: the open fails with EBUSY
// while the kernel uses the disk or a partition of it (mounted, swap,
// RAID, device-mapper), whatever mount namespace that happens in.
func openTarget(path string, block bool) (*os.File, error) {
	flags := os.O_RDWR
	if block {
		flags |= unix.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0)
	err = bare(err)
	switch {
	case errors.Is(err, unix.EBUSY):
		return nil, fmt.Errorf("opening %s: %w: the kernel is using it (mounted, swap, RAID or LVM)", path, ErrMounted)
	case err != nil:
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return f, nil
}

// flush makes the read-back come from the device, not from memory.
// BLKFLSBUF drops a block device's buffer cache but needs CAP_SYS_ADMIN;
// without it, and for regular files, fadvise(DONTNEED) drops the clean
// pages, which after fsync is all of them.
func flush(f *os.File, block bool) error {
	fd := int(f.Fd())
	if block && unix.IoctlSetInt(fd, unix.BLKFLSBUF, 0) == nil {
		return nil
	}
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("flushing the cache of %s: %w", f.Name(), err)
	}
	return nil
}
