package flash

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
)

const (
	chunkSize = 4 << 20  // bytes per write and per verified chunk
	syncEvery = 64 << 20 // a block device is synced this often while writing
)

// Write checks target as Check does (with the same options), copies the
// image file to it, waits until the device has it all and verifies it by
// reading it back (ErrVerify names the first byte that differs). Progress
// goes to WithProgress. Cancelling ctx stops it between chunks; the error
// then wraps ctx.Err() and says the target is partially written.
func Write(ctx context.Context, image, target string, opts ...Option) error {
	c := newConfig(opts)
	img, size, err := openImage(image)
	if err != nil {
		return err
	}
	defer img.Close()
	t, err := c.host.check(target, size, c.force)
	if err != nil {
		return err
	}
	sums, err := c.copy(ctx, img, t, size)
	if err != nil {
		return err
	}
	if c.afterSync != nil {
		if err := c.afterSync(t.Path); err != nil {
			return err
		}
	}
	return c.verify(ctx, img, t, size, sums)
}

func openImage(name string) (*os.File, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("reading image %s: %w", name, bare(err))
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
		err = fmt.Errorf("reading image %s: %w", name, bare(err))
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("reading image %s: not a regular file", name)
	case fi.Size() == 0:
		err = fmt.Errorf("reading image %s: the file is empty", name)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// copy writes size bytes of img to t and returns the SHA-256 of each chunk.
func (c *config) copy(ctx context.Context, img io.Reader, t *Target, size int64) ([][sha256.Size]byte, error) {
	f, err := openTarget(t.Path, t.Block)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	partial := func(done int64, err error) error {
		return fmt.Errorf("writing %s: %w; stopped after %s of %s, so it is partially written and will not boot: write it again",
			t.Path, err, humanSize(done), humanSize(size))
	}
	buf := make([]byte, chunkSize)
	var sums [][sha256.Size]byte
	c.progress(PhaseWrite, 0, size)
	for done := int64(0); done < size; {
		if err := ctx.Err(); err != nil {
			return nil, partial(done, err)
		}
		n, err := io.ReadFull(img, buf[:min(chunkSize, size-done)])
		if err != nil {
			return nil, partial(done, fmt.Errorf("reading the image: %w", err))
		}
		if _, err := f.WriteAt(buf[:n], done); err != nil {
			return nil, partial(done, bare(err))
		}
		sums = append(sums, sha256.Sum256(buf[:n]))
		done += int64(n)
		if t.Block && done%syncEvery == 0 {
			if err := f.Sync(); err != nil {
				return nil, partial(done, bare(err))
			}
		}
		c.progress(PhaseWrite, done, size)
	}
	c.progress(PhaseSync, 0, size)
	if err := f.Sync(); err != nil {
		return nil, partial(size, fmt.Errorf("syncing: %w", bare(err)))
	}
	if err := flush(f, t.Block); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, partial(size, fmt.Errorf("closing: %w", bare(err)))
	}
	c.progress(PhaseSync, size, size)
	return sums, nil
}
