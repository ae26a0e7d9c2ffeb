package artifacts

import (
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/initrd"
	"github.com/wispboot/wisp/internal/spill"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
	"github.com/wispboot/wisp/oci"
)

// The initrd is written as one archive (a segment) per layer, and the
// kernel unpacks them in order, later entries replacing earlier ones:
// the same tree as flattening the image, when initrd.Stackable says so.
// The segments and boot files of the layers that recur from build to
// build are kept in the store, so a warm build makes only the app's and
// the config's. Figures: bench/notes.md.

// segmentFormat names how segments are made; it is part of their memo
// key, so a change of format never reuses an old segment. v2: base layers
// are checked to hold only boot/.
const segmentFormat = "newc v2"

// segmentKey names a layer's segment and boot files: they depend on the
// layer, the segment format and the compression, nothing else.
type segmentKey struct {
	Kind        string             `json:"kind"`   // "segment"
	Format      string             `json:"format"` // segmentFormat
	Compression initrd.Compression `json:"compression"`
	Layer       v1.Hash            `json:"layer"`
}

// cachedRoles are the layers whose segments (and boot files) are kept in
// the store: those that recur from build to build. App and config layers
// change with every build and are not kept.
var cachedRoles = map[layers.Role]bool{
	layers.RoleFirmware: true, layers.RoleKernel: true, layers.RoleModules: true,
	layers.RoleInit: true, layers.RoleExtra: true,
}

// segmentRecord is what the store remembers of a layer's segment.
type segmentRecord struct {
	Segment initrd.Segment `json:"segment"`
	Archive string         `json:"archive,omitempty"` // digest of Segment.Archive's blob; "" if none
	Boot    []bootRecord   `json:"boot"`
}

type bootRecord struct {
	Name string  `json:"name"`
	Size int64   `json:"size"`
	Blob v1.Hash `json:"blob"`
}

// writeInitrd writes the appliance's initrd to w as per-layer segments,
// reusing the segments and boot files of recurring layers from the store
// (s may be nil: nothing is kept). If the layers cannot be stacked
// (whiteouts, a name changing kind), it flattens the whole image instead;
// boot may then be called twice for a file and must replace what it
// wrote.
//
// What the initrd holds is spent from content, and the boot files from
// bootLimit, as each layer is read: a layer over either (a gzip bomb in
// a pulled appliance) is refused before it is held in memory. The base's
// firmware and kernel layers may hold nothing but boot/.
func writeInitrd(s *oci.Store, a *Appliance, w io.Writer, c initrd.Compression, boot initrd.BootFunc, content *limits.Budget, bootLimit int64) (*initrd.Stats, error) {
	var segs []*initrd.Segment
	var bootBytes int64
	for _, l := range a.Layers {
		opts := []initrd.Option{initrd.WithCompression(c), initrd.WithMaxBytes(content.Limit-content.Used(), bootLimit-bootBytes)}
		if s != nil {
			opts = append(opts, initrd.WithSpill(s.TempDir()))
		}
		if l.Role == layers.RoleFirmware || l.Role == layers.RoleKernel {
			opts = append(opts, initrd.BootOnly())
		}
		var seg *initrd.Segment
		var err error
		if s != nil && cachedRoles[l.Role] {
			seg, err = cachedSegment(s, l.Layer, c, boot, opts)
		} else {
			seg, err = initrd.LayerSegment(l.Layer, boot, opts...)
		}
		if err != nil {
			return nil, fmt.Errorf("%s layer: %w", l.Role, err)
		}
		if err := content.Spend(seg.Stats.Bytes); err != nil {
			return nil, fmt.Errorf("%s layer: %w", l.Role, err)
		}
		bootBytes += seg.Stats.BootBytes
		if err := limits.Check("the boot files", bootBytes, bootLimit); err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	if err := initrd.Stackable(segs); errors.Is(err, initrd.ErrNotStackable) {
		return initrd.Write(a.Image, w, boot, initrd.WithCompression(c), initrd.WithMaxBytes(content.Limit, bootLimit))
	}
	return initrd.WriteSegments(w, segs, initrd.WithCompression(c))
}

// cachedSegment returns a layer's segment from the store, replaying its
// boot files to boot, or makes it and keeps it.
func cachedSegment(s *oci.Store, l v1.Layer, c initrd.Compression, boot initrd.BootFunc, opts []initrd.Option) (*initrd.Segment, error) {
	digest, err := l.Digest()
	if err != nil {
		return nil, err
	}
	if c == "" {
		c = initrd.Gzip
	}
	key := segmentKey{Kind: "segment", Format: segmentFormat, Compression: c, Layer: digest}
	var rec segmentRecord
	if ok, _ := s.Memo(key, &rec); ok {
		if seg, err := replay(s, rec, boot); err == nil {
			return seg, nil
		}
	}
	rec = segmentRecord{}
	seg, err := initrd.LayerSegment(l, func(name string, size int64, r io.Reader) error {
		bw, err := s.NewBlobWriter()
		if err != nil {
			return err
		}
		defer bw.Abort()
		tee := io.TeeReader(r, bw)
		if err := boot(name, size, tee); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, tee); err != nil { // what boot did not read
			return err
		}
		h, n, err := bw.Commit()
		if err != nil {
			return err
		}
		rec.Boot = append(rec.Boot, bootRecord{Name: name, Size: n, Blob: h})
		return nil
	}, opts...)
	if err != nil {
		return nil, err
	}
	if seg.Archive != nil {
		bw, err := s.NewBlobWriter()
		if err != nil {
			return nil, err
		}
		defer bw.Abort()
		if _, err := io.Copy(bw, seg.Archive.Reader()); err != nil {
			return nil, err
		}
		h, _, err := bw.Commit()
		if err != nil {
			return nil, err
		}
		rec.Archive = h.String()
	}
	rec.Segment = *seg
	if err := s.SetMemo(key, rec); err != nil {
		return nil, err
	}
	return seg, nil
}

// storedBlob is a boot file that replay reads from a store blob. Its
// digest is known before it is read, so the writers of artifacts can take
// it as the file's SHA-256, skip a kernel that is already in place, or
// link the blob's file (Name) instead of copying it, verifying it (Check)
// on the side.
type storedBlob interface {
	io.Reader
	Digest() v1.Hash
	Name() string
	Check() error
}

var _ storedBlob = (*oci.BlobReader)(nil)

// replay loads a remembered segment and sends its boot files to boot.
func replay(s *oci.Store, rec segmentRecord, boot initrd.BootFunc) (*initrd.Segment, error) {
	// Both kinds of blob are copied as they are, so they are verified as
	// they stream (one read, not two); a corrupt one fails the replay and
	// the segment is made again.
	seg := rec.Segment
	if rec.Archive != "" {
		h, err := v1.NewHash(rec.Archive)
		if err != nil {
			return nil, err
		}
		rc, err := s.BlobStream(h)
		if err != nil {
			return nil, err
		}
		seg.Archive = spill.New(s.TempDir(), spill.Threshold)
		_, err = io.Copy(seg.Archive, rc)
		rc.Close()
		if err != nil {
			seg.Archive.Close()
			return nil, err
		}
	}
	for _, b := range rec.Boot {
		rc, err := s.BlobStream(b.Blob)
		if err != nil {
			return nil, err
		}
		err = boot(b.Name, b.Size, rc)
		if err == nil && !rc.Unread() {
			_, err = io.Copy(io.Discard, rc) // the rest, to reach the check
		}
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("writing boot file %s: %w", b.Name, err)
		}
	}
	return &seg, nil
}
