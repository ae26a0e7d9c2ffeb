package image

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Stats describes a written image.
type Stats struct {
	ImageBytes     int64 // the whole image: 1 MiB before the partition, then the partition
	PartitionBytes int64
	ContentBytes   int64 // sum of the file sizes
	Files          int   // regular files
	ClusterBytes   int
	SHA256         [sha256.Size]byte // of the image file, hashed as it was written
}

// copyBufferBytes is the size of each read from a boot file and write
// into the image.
const copyBufferBytes = 1 * mib

// Write makes a disk image at path: an MBR partition table with one
// bootable FAT32 (type 0x0C, LBA) partition starting at 1 MiB (LBA 2048),
// holding every regular file and directory of boot. The image is written
// front to back in one pass, hashed as it goes, to a temporary file next
// to path and renamed only when complete; on error, path is untouched and
// the temporary file removed. It is not fsynced (no more than cp or go
// build output): a sync costs a noticeable part of a warm build
// (bench/notes.md), and the image can always be made again; `wisp flash` syncs the device it writes.
// Equal options and equal boot files (names and bytes) give an identical
// image.
func Write(path string, boot fs.FS, opts ...Option) (*Stats, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	entries, err := readTree(boot)
	if err != nil {
		return nil, err
	}
	root, nodes, err := buildTree(entries, o.label)
	if err != nil {
		return nil, err
	}
	l, err := planLayout(root, o.maxSize)
	if err != nil {
		return nil, err
	}
	pl := &plan{root: root, nodes: nodes, layout: l}
	if pl.fat, pl.used, err = allocate(l, root, nodes); err != nil {
		return nil, err
	}
	// The IDs are in the first sectors, so every digest is needed before
	// the first byte is written: those the caller did not give are read
	// now.
	if pl.id, err = contentID(boot, entries, o); err != nil {
		return nil, err
	}
	st := &Stats{ImageBytes: partitionStart + l.partitionBytes, PartitionBytes: l.partitionBytes, ClusterBytes: int(l.clusterBytes)}
	for _, e := range entries {
		if !e.dir {
			st.Files++
			st.ContentBytes += e.size
		}
	}

	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// A new file reads as zeros: the writer skips what is zero (the gap
	// before the partition, the free clusters) rather than writing it.
	if err := f.Truncate(st.ImageBytes); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	w := newImageWriter(f)
	err = writeVolume(w, boot, pl, o)
	if err == nil {
		err = w.skipTo(st.ImageBytes)
	}
	st.SHA256 = w.close()
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := errors.Join(f.Chmod(0o644), f.Close()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	done = true
	return st, nil
}

// plan is what Write decides before it writes a byte.
type plan struct {
	root   *node
	nodes  []*node // in the order of the entries, which is that of their clusters
	layout layout
	fat    []byte // one FAT
	used   uint32 // clusters
	id     []byte // contentID: the volume ID and the disk signature
}

// writeVolume writes the MBR and then the partition, front to back: the
// reserved sectors, both FATs, the root directory, and every directory
// and file in the order of the plan's nodes.
func writeVolume(w *imageWriter, boot fs.FS, p *plan, o *options) error {
	le, l := binary.LittleEndian, p.layout
	if err := w.write(mbr(l, le.Uint32(p.id[4:8]))); err != nil {
		return err
	}
	if err := w.skipTo(partitionStart); err != nil {
		return err
	}
	if err := w.write(reservedArea(l, o.label, le.Uint32(p.id[0:4]), p.used)); err != nil {
		return err
	}
	for range fatCount {
		if err := w.write(p.fat); err != nil {
			return err
		}
	}
	data := int64(partitionStart) + l.dataStart()
	at := func(n *node) int64 { return data + int64(n.cluster-rootClus)*l.clusterBytes }
	for _, d := range append([]*node{p.root}, p.nodes...) {
		if d.cluster == 0 { // an empty file
			continue
		}
		if err := w.skipTo(at(d)); err != nil {
			return err
		}
		if d.dir {
			size := max(1, clustersOf(d.dirBytes(), l.clusterBytes)) * l.clusterBytes
			if err := w.write(encodeDir(d, o.label, o.time, size)); err != nil {
				return err
			}
			continue
		}
		if err := w.copyFile(boot, d.entry); err != nil {
			return fmt.Errorf("writing %s: %w", d.name, err)
		}
	}
	return nil
}

// zeros is what skipTo hashes.
var zeros [64 << 10]byte

// imageWriter writes the image front to back. A goroutine hashes every
// byte of it, the zeros skipped included, while the next bytes are read
// and written: on two cores the hash costs a warm Pi build no time of
// its own.
type imageWriter struct {
	f    *os.File
	off  int64
	sums chan chunk  // to the hasher, in order
	bufs chan []byte // copy buffers, back from the hasher
	sum  chan [sha256.Size]byte
}

// A chunk is bytes to hash; a copy buffer goes back to bufs once hashed.
type chunk struct {
	b       []byte
	recycle bool
}

// copyBuffers is how many copy buffers are in flight between reading,
// writing and hashing.
const copyBuffers = 3

func newImageWriter(f *os.File) *imageWriter {
	w := &imageWriter{f: f, sums: make(chan chunk, 64), bufs: make(chan []byte, copyBuffers), sum: make(chan [sha256.Size]byte, 1)}
	for range copyBuffers {
		w.bufs <- make([]byte, copyBufferBytes)
	}
	go func() {
		h := sha256.New()
		for c := range w.sums {
			h.Write(c.b)
			if c.recycle {
				w.bufs <- c.b[:cap(c.b)]
			}
		}
		var sum [sha256.Size]byte
		w.sum <- [sha256.Size]byte(h.Sum(sum[:0]))
	}()
	return w
}

// close ends the hashing and returns the SHA-256 of what was written.
func (w *imageWriter) close() [sha256.Size]byte {
	close(w.sums)
	return <-w.sum
}

// write writes b, which must not change afterwards: it is hashed later.
func (w *imageWriter) write(b []byte) error {
	return w.send(b, false)
}

func (w *imageWriter) send(b []byte, recycle bool) error {
	n, err := w.f.Write(b)
	w.sums <- chunk{b[:n], recycle}
	w.off += int64(n)
	return err
}

// skipTo moves to off; the bytes in between stay zero.
func (w *imageWriter) skipTo(off int64) error {
	if off < w.off {
		return fmt.Errorf("internal error: writing at %d, already at %d", off, w.off)
	}
	if off == w.off {
		return nil
	}
	for n := off - w.off; n > 0; {
		k := min(n, int64(len(zeros)))
		w.sums <- chunk{zeros[:k], false}
		n -= k
	}
	w.off = off
	_, err := w.f.Seek(off, io.SeekStart)
	return err
}

// copyFile writes the content of e, which must be e.size bytes.
func (w *imageWriter) copyFile(boot fs.FS, e entry) error {
	src, err := boot.Open(e.name)
	if err != nil {
		return err
	}
	defer src.Close()
	for left := e.size; left > 0; {
		buf := <-w.bufs
		n, err := io.ReadFull(src, buf[:min(left, int64(len(buf)))])
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			w.bufs <- buf
			return fmt.Errorf("file shrank while copying: %d bytes, not %d", e.size-left+int64(n), e.size)
		}
		if err != nil {
			w.bufs <- buf
			return err
		}
		if err := w.send(buf[:n], true); err != nil {
			return err
		}
		left -= int64(n)
	}
	// Whatever is left must be nothing: the file may not have grown.
	var one [1]byte
	if n, err := src.Read(one[:]); n > 0 {
		return fmt.Errorf("file grew while copying: more than %d bytes", e.size)
	} else if err != nil && err != io.EOF {
		return err
	}
	return nil
}

// contentID is a SHA-256 of the label, the time and every entry's name,
// size and content digest, from which the volume ID and the disk
// signature are taken, so that images of different files have different
// IDs. Digests the caller gave (WithDigests) are used as they are.
func contentID(boot fs.FS, entries []entry, o *options) ([]byte, error) {
	sum := sha256.New()
	fmt.Fprintf(sum, "wisp boot partition\x00%s\x00%d\x00", o.label, o.time.Unix())
	for _, e := range entries {
		var sz [8]byte
		binary.BigEndian.PutUint64(sz[:], uint64(e.size))
		fmt.Fprintf(sum, "%s\x00%t\x00%s", e.name, e.dir, sz[:])
		if e.dir {
			continue
		}
		d := o.digests[e.name]
		if d == nil {
			var err error
			if d, err = digest(boot, e.name); err != nil {
				return nil, fmt.Errorf("reading boot file %s: %w", e.name, err)
			}
		}
		sum.Write(d)
	}
	return sum.Sum(nil), nil
}

func digest(boot fs.FS, name string) ([]byte, error) {
	f, err := boot.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
