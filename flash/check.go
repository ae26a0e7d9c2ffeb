package flash

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Check inspects target before anything is written to it and returns what
// it found, or why it refuses (ErrPartition, ErrMounted, ErrNotRemovable,
// ErrReadOnly, ErrTooSmall, ErrNotDevice; a missing target wraps
// fs.ErrNotExist). imageSize is the size of the image to be written.
// Regular files pass whatever their size: they grow. WithForce overrides
// ErrNotRemovable and nothing else.
func Check(target string, imageSize int64, opts ...Option) (*Target, error) {
	c := newConfig(opts)
	t, _, err := c.host.check(target, imageSize, c.force)
	return t, err
}

// check returns the target and the node it checked.
func (h host) check(target string, imageSize int64, force bool) (*Target, node, error) {
	fail := func(format string, args ...any) (*Target, node, error) {
		return nil, node{}, fmt.Errorf("checking %s: "+format, append([]any{target}, args...)...)
	}
	path, err := filepath.EvalSymlinks(target)
	if err != nil {
		return fail("%w", bare(err))
	}
	if path, err = filepath.Abs(path); err != nil {
		return fail("%w", err)
	}
	n, err := h.stat(path)
	switch {
	case err != nil:
		return fail("%w", bare(err))
	case n.mode.IsRegular():
		return &Target{Path: path, Size: n.size}, n, nil
	case !n.isBlock():
		return fail("%w: %s is %s", ErrNotDevice, path, kind(n.mode))
	}

	d, err := h.disk(n.dev)
	if err != nil {
		return fail("%w", err)
	}
	if d.parent != "" {
		return fail("%w (%s): write the image to the whole disk, %s", ErrPartition, d.name, devPath(d.parent))
	}
	t := &Target{Path: path, Size: d.size, Block: true, Removable: d.removable, Bus: d.bus, Model: d.model, Serial: d.serial}
	uses, err := h.uses(newFamily(d.dir))
	if err != nil {
		return fail("%w", err)
	}
	switch {
	case len(uses) > 0:
		return fail("%w: %s; %s", ErrMounted, strings.Join(uses, ", "), advice(uses))
	case !t.Removable && !force:
		return fail("%w: %s is neither removable nor on USB or an SD card, so it may be an internal disk; force to write it anyway", ErrNotRemovable, t.Describe())
	case d.readOnly:
		return fail("%w: %s; is the card's lock switch on?", ErrReadOnly, t.Describe())
	case d.size == 0:
		return fail("%w: %s has no medium (is a card in the reader?)", ErrTooSmall, path)
	case d.size < imageSize:
		return fail("%w: the image is %s (%d bytes), %s is %s (%d bytes)",
			ErrTooSmall, humanSize(imageSize), imageSize, path, humanSize(d.size), d.size)
	}
	return t, n, nil
}

// advice says how to free a device in use.
func advice(uses []string) string {
	for _, u := range uses {
		if strings.HasSuffix(u, " as swap") {
			return "unmount it (swapoff for swap) first"
		}
	}
	return "unmount it first"
}

// kind names a file type for an error message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}
