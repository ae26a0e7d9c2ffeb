// Package spill is a write-once buffer that keeps its bytes in memory up
// to a threshold and moves them to an unlinked temporary file beyond it,
// so that a large layer or initrd segment costs disk, not RAM, and
// leaves nothing behind whatever happens to the process.
package spill

import (
	"bytes"
	"io"
	"os"
)

// Threshold is the most a Buffer keeps in memory by default.
const Threshold = 16 << 20

// Buffer is written once, then read any number of times (concurrently
// too) through Reader. Its zero value is not usable: call New.
type Buffer struct {
	dir string
	max int
	mem bytes.Buffer
	f   *os.File // once spilled; unlinked
	n   int64
}

// New returns a buffer that spills to a file in dir ("" for the system's
// temporary directory) once it holds more than max bytes.
func New(dir string, max int) *Buffer { return &Buffer{dir: dir, max: max} }

func (b *Buffer) Write(p []byte) (int, error) {
	if b.f == nil && b.mem.Len()+len(p) > b.max {
		if err := b.spill(); err != nil {
			return 0, err
		}
	}
	var n int
	var err error
	if b.f != nil {
		n, err = b.f.Write(p)
	} else {
		n, err = b.mem.Write(p)
	}
	b.n += int64(n)
	return n, err
}

// spill moves what is in memory to a new, already unlinked file.
func (b *Buffer) spill() error {
	f, err := os.CreateTemp(b.dir, "spill-*")
	if err != nil {
		return err
	}
	os.Remove(f.Name()) // the file lives as long as it is open
	if _, err := f.Write(b.mem.Bytes()); err != nil {
		f.Close()
		return err
	}
	b.f = f
	b.mem = bytes.Buffer{}
	return nil
}

// Len is the number of bytes written.
func (b *Buffer) Len() int64 { return b.n }

// Spilled reports whether the bytes are in a file.
func (b *Buffer) Spilled() bool { return b.f != nil }

// Reader reads the bytes written so far from the start.
func (b *Buffer) Reader() io.Reader {
	if b.f != nil {
		return io.NewSectionReader(b.f, 0, b.n)
	}
	return bytes.NewReader(b.mem.Bytes())
}

// Bytes returns the bytes written, reading them back from the file if
// they were spilled.
func (b *Buffer) Bytes() ([]byte, error) {
	if b.f == nil {
		return b.mem.Bytes(), nil
	}
	return io.ReadAll(b.Reader())
}

// Close releases the file of a spilled buffer; the buffer is then empty.
func (b *Buffer) Close() error {
	b.mem = bytes.Buffer{}
	b.n = 0
	if b.f == nil {
		return nil
	}
	err := b.f.Close()
	b.f = nil
	return err
}
