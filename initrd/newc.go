package initrd

import (
	"fmt"
	"io"

	"github.com/wispboot/wisp/limits"
)

// File type bits of st_mode, as the kernel's initramfs unpacker reads them.
const (
	ModeDir     = 0o040000
	ModeRegular = 0o100000
	ModeSymlink = 0o120000
	ModeChar    = 0o020000
	ModeBlock   = 0o060000
	ModeFIFO    = 0o010000
)

// Record is the header of one newc entry.
type Record struct {
	Name       string // relative path, e.g. "dev/console"
	Mode       uint32 // type bits | permissions
	UID, GID   uint32
	Mtime      int64
	Size       int64 // content length: the file, or a symlink's target
	RdevMajor  uint32
	RdevMinor  uint32
	Nlink      uint32 // 0 means 1 (2 for directories)
	noInodeNum bool
}

// Writer writes a newc ("070701") cpio archive. Inode numbers count up
// from 1 so equal input gives equal bytes. The library
// github.com/cavaliergopher/cpio is not used for writing: it cannot encode
// device numbers, and /dev/console needs them.
type Writer struct {
	w       io.Writer
	ino     uint32
	remain  int64 // content bytes still owed for the current entry
	pad     int64 // padding after the current entry's content
	written int64
}

// NewWriter starts an archive on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// WriteHeader starts an entry; its content follows with Write.
func (w *Writer) WriteHeader(r Record) error {
	if err := w.finishEntry(); err != nil {
		return err
	}
	if r.Size < 0 || r.Size > limits.NewcEntry {
		return fmt.Errorf("cpio: %s: %w", r.Name, &limits.Exceeded{What: "a newc entry", Limit: limits.NewcEntry, Size: r.Size})
	}
	nlink := r.Nlink
	if nlink == 0 {
		nlink = 1
		if r.Mode&0o170000 == ModeDir {
			nlink = 2
		}
	}
	w.ino++
	ino := w.ino
	if r.noInodeNum {
		ino = 0
	}
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, r.Mode, r.UID, r.GID, nlink, uint32(r.Mtime), uint32(r.Size),
		0, 0, r.RdevMajor, r.RdevMinor, len(r.Name)+1, 0)
	if err := w.raw([]byte(hdr + r.Name + "\x00")); err != nil {
		return err
	}
	if err := w.raw(make([]byte, pad4(w.written))); err != nil {
		return err
	}
	w.remain, w.pad = r.Size, pad4(r.Size)
	return nil
}

// Write writes content of the current entry.
func (w *Writer) Write(p []byte) (int, error) {
	if int64(len(p)) > w.remain {
		return 0, fmt.Errorf("cpio: entry content longer than its header says")
	}
	n, err := w.w.Write(p)
	w.remain -= int64(n)
	w.written += int64(n)
	return n, err
}

// Close writes the trailer and pads the archive to 512 bytes, as cpio(1)
// does. It does not close the underlying writer.
func (w *Writer) Close() error {
	if err := w.WriteHeader(Record{Name: "TRAILER!!!", noInodeNum: true}); err != nil {
		return err
	}
	return w.raw(make([]byte, (512-w.written%512)%512))
}

func (w *Writer) finishEntry() error {
	if w.remain != 0 {
		return fmt.Errorf("cpio: %d content bytes missing from the previous entry", w.remain)
	}
	err := w.raw(make([]byte, w.pad))
	w.pad = 0
	return err
}

func (w *Writer) raw(b []byte) error {
	n, err := w.w.Write(b)
	w.written += int64(n)
	return err
}

func pad4(n int64) int64 { return (4 - n%4) % 4 }
