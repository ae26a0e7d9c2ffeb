package initrd

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/spill"
)

// A segmented initrd is a series of newc archives, one per layer (all
// gzip'd or none), concatenated: the kernel unpacks
// "(cpio | compressed cpio)*" in order, later entries replacing earlier
// ones. A layer's segment depends only on
// that layer, so segments of unchanged layers can be reused from build to
// build. Stacking segments equals flattening (Write) unless a layer holds
// whiteouts or a name changes kind (file versus directory) between layers;
// Stackable says which.

// Segment is one layer's part of a segmented initrd.
type Segment struct {
	Archive   *spill.Buffer   `json:"-"`         // newc archive, compressed as asked; nil if the layer has only boot/ files
	Kinds     map[string]byte `json:"kinds"`     // each name's kind: 'd' directory, 'f' anything else
	Whiteouts bool            `json:"whiteouts"` // the layer deletes things
	Stats     Stats           `json:"stats"`
}

// ErrNotStackable is returned by Stackable when only a full flatten gives
// the right tree.
var ErrNotStackable = errors.New("layers cannot be stacked as segments")

// LayerSegment makes the segment of one layer, sending its boot/ files to
// boot.
func LayerSegment(l v1.Layer, boot BootFunc, opts ...Option) (*Segment, error) {
	o := settings(opts)
	rc, err := l.Uncompressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := spill.New(o.spillDir, spill.Threshold)
	zw, err := o.compressor(buf)
	if err != nil {
		return nil, err
	}
	sp := newSplitter(NewWriter(zw), boot, o)
	if err := sp.split(tar.NewReader(rc)); err != nil {
		return nil, err
	}
	// Read to the end so a layer that fails its digest check fails here.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, fmt.Errorf("reading layer: %w", err)
	}
	seg := &Segment{Kinds: sp.kinds, Whiteouts: sp.whiteouts}
	if sp.st.Entries > 0 {
		st, err := sp.close()
		if err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		seg.Archive = buf
		seg.Stats = *st
	} else {
		buf.Close()
		seg.Stats = *sp.st
	}
	if seg.Archive != nil {
		seg.Stats.Compressed = seg.Archive.Len()
	}
	return seg, nil
}

// Stackable reports whether concatenating the segments, in order, gives
// the tree flattening their layers gives.
func Stackable(segs []*Segment) error {
	kinds := map[string]byte{}
	for i, s := range segs {
		if s.Whiteouts {
			return fmt.Errorf("%w: layer %d deletes files (whiteouts)", ErrNotStackable, i)
		}
		for name, k := range s.Kinds {
			if prev, ok := kinds[name]; ok && prev != k {
				return fmt.Errorf("%w: %s is a directory in one layer and not in another", ErrNotStackable, name)
			}
			kinds[name] = k
		}
	}
	return nil
}

// WriteSegments writes a segmented initrd: the /dev/console segment, then
// each segment's archive.
func WriteSegments(w io.Writer, segs []*Segment, opts ...Option) (*Stats, error) {
	var head bytes.Buffer
	zw, err := settings(opts).compressor(&head)
	if err != nil {
		return nil, err
	}
	sp := newSplitter(NewWriter(zw), nil, options{})
	if err := sp.console(); err != nil {
		return nil, err
	}
	st, err := sp.close()
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	total := *st
	total.Compressed = int64(head.Len())
	if _, err := w.Write(head.Bytes()); err != nil {
		return nil, err
	}
	for _, s := range segs {
		if s.Archive != nil {
			if _, err := io.Copy(w, s.Archive.Reader()); err != nil {
				return nil, err
			}
		}
		total.Entries += s.Stats.Entries
		total.Bytes += s.Stats.Bytes
		total.BootFiles += s.Stats.BootFiles
		total.BootBytes += s.Stats.BootBytes
		total.Compressed += s.Stats.Compressed
	}
	return &total, nil
}

func settings(opts []Option) options {
	o := options{compression: Gzip}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}
