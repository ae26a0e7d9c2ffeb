package flash

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
)

const (
	chunkSize = 4 << 20  // bytes per write and per verified chunk
	syncEvery = 64 << 20 // a block device is synced this often while writing
)

// Write checks target as Check does (with the same options), opens it,
// copies the image file to it, waits until the device has it all and
// verifies it by reading it back (ErrVerify names the first byte that
// differs): Open, then Device.Write. Progress goes to WithProgress.
// Cancelling ctx stops it between chunks; the error then wraps ctx.Err()
// and says the target is partially written.
func Write(ctx context.Context, image, target string, opts ...Option) error {
	img, size, err := openImage(image)
	if err != nil {
		return err
	}
	img.Close()
	d, err := Open(target, size, opts...)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Write(ctx, image)
}

// A Device is a target checked and opened once: everything written or
// read back goes through its descriptor, so a symbolic link that points
// elsewhere after the question, or a card swapped for another, cannot
// receive what was meant for the device the user confirmed.
type Device struct {
	Target
	f    *os.File
	node node // what was checked, and what the descriptor must still be
	c    *config
}

// Open checks target as Check does, opens it (exclusively, for a block
// device) and makes sure the descriptor is the device checked. Describe
// what it returns in the question to the user; Write after the answer.
func Open(target string, imageSize int64, opts ...Option) (*Device, error) {
	c := newConfig(opts)
	t, n, err := c.host.check(target, imageSize, c.force)
	if err != nil {
		return nil, err
	}
	f, err := openTarget(t.Path, t.Block)
	if err != nil {
		return nil, err
	}
	d := &Device{Target: *t, f: f, node: n, c: c}
	if err := d.same(); err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}

// ErrChanged: the target is no longer the device that was checked.
var ErrChanged = errors.New("target changed")

// same makes sure the descriptor is still the device Open checked: the
// same device number or file, and, for a block device, the same size,
// model and serial as sysfs now says for that device number (a card
// swapped for another may get the number of the one removed, while the
// descriptor stays on the one that is gone).
func (d *Device) same() error {
	changed := func(what string, was, now any) error {
		return fmt.Errorf("writing %s: %w: its %s was %v when checked and is %v now; nothing was written: check the device and run wisp flash again", d.Path, ErrChanged, what, was, now)
	}
	n, err := d.c.host.fstat(d.f)
	if err != nil {
		return fmt.Errorf("writing %s: %w", d.Path, bare(err))
	}
	switch {
	case n.file != d.node.file:
		return changed("file", d.node.file, n.file)
	case n.dev != d.node.dev:
		return changed("device number", d.node.dev, n.dev)
	case !d.Block:
		return nil
	}
	disk, err := d.c.host.disk(n.dev)
	if err != nil {
		return changed("device", d.Target.Describe(), err)
	}
	switch {
	case disk.size != d.Size:
		return changed("size", humanSize(d.Size), humanSize(disk.size))
	case disk.model != d.Model:
		return changed("model", d.Model, disk.model)
	case disk.serial != d.Serial:
		return changed("serial", d.Serial, disk.serial)
	}
	if end, err := d.f.Seek(0, io.SeekEnd); err == nil && end != d.Size && d.c.host.root == "/" {
		return changed("size", humanSize(d.Size), humanSize(end))
	}
	return nil
}

// Close closes the device.
func (d *Device) Close() error { return d.f.Close() }

// Write copies the image file to the device, after checking once more
// that it is the one Open found, waits until the device has it all and
// verifies it by reading it back through the same descriptor.
func (d *Device) Write(ctx context.Context, image string) error {
	img, size, err := openImage(image)
	if err != nil {
		return err
	}
	defer img.Close()
	if d.Block && size > d.Size {
		return fmt.Errorf("checking %s: %w: the image is %s (%d bytes), %s is %s (%d bytes)",
			d.Path, ErrTooSmall, humanSize(size), size, d.Path, humanSize(d.Size), d.Size)
	}
	if err := d.same(); err != nil {
		return err
	}
	sums, err := d.c.copy(ctx, img, d, size)
	if err != nil {
		return err
	}
	if d.c.afterSync != nil {
		if err := d.c.afterSync(d.Path); err != nil {
			return err
		}
	}
	return d.c.verify(ctx, img, d, size, sums)
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

// copy writes size bytes of img to d and returns the SHA-256 of each chunk.
func (c *config) copy(ctx context.Context, img io.Reader, d *Device, size int64) ([][sha256.Size]byte, error) {
	f, t := d.f, &d.Target
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
	c.progress(PhaseSync, size, size)
	return sums, nil
}
