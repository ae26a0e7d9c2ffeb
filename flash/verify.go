package flash

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// verify reads size bytes of t back and compares each chunk's SHA-256
// with the one written; at the first chunk that differs it compares bytes
// with the image to name the offset.
func (c *config) verify(ctx context.Context, img io.ReaderAt, d *Device, size int64, sums [][sha256.Size]byte) error {
	t := &d.Target
	f := io.NewSectionReader(d.f, 0, size)
	buf := make([]byte, chunkSize)
	c.progress(PhaseVerify, 0, size)
	for i, done := 0, int64(0); done < size; i++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("verifying %s: %w; stopped after %s of %s: it is written but not verified",
				t.Path, err, humanSize(done), humanSize(size))
		}
		got := buf[:min(chunkSize, size-done)]
		n, err := io.ReadFull(f, got)
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("verifying %s: %w: it ends at byte %d, the image at byte %d", t.Path, ErrVerify, done+int64(n), size)
		case err != nil:
			return fmt.Errorf("verifying %s: %w", t.Path, bare(err))
		}
		if sha256.Sum256(got) != sums[i] {
			off := firstDiff(img, got, done)
			return fmt.Errorf("verifying %s: %w: it differs from the image at byte %d (%s in); write it again, and if that fails too the card may be worn out or fake",
				t.Path, ErrVerify, off, humanSize(off))
		}
		done += int64(n)
		c.progress(PhaseVerify, done, size)
	}
	return nil
}

// firstDiff returns the offset of the first byte of got, read back at off,
// that differs from the image; off if the image cannot be read there or
// has changed since it was written.
func firstDiff(img io.ReaderAt, got []byte, off int64) int64 {
	want := make([]byte, len(got))
	if _, err := img.ReadAt(want, off); err != nil {
		return off
	}
	for i := range got {
		if got[i] != want[i] {
			return off + int64(i)
		}
	}
	return off
}
