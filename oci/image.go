package oci

import (
	"bytes"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/limits"
)

// WriteImage stores every blob of img and tags it. An empty tag stores the
// image without naming it. It returns the manifest descriptor.
func (s *Store) WriteImage(img v1.Image, tag string) (v1.Descriptor, error) {
	layers, err := img.Layers()
	if err != nil {
		return v1.Descriptor{}, err
	}
	for _, l := range layers {
		if err := s.WriteLayer(l); err != nil {
			return v1.Descriptor{}, err
		}
	}
	m, err := img.Manifest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	cfgName := m.Config.Digest // ConfigName would fetch and hash the config
	if !s.HasBlob(cfgName) {
		cfg, err := img.RawConfigFile()
		if err != nil {
			return v1.Descriptor{}, err
		}
		if err := s.WriteBlob(cfgName, bytes.NewReader(cfg)); err != nil {
			return v1.Descriptor{}, err
		}
	}
	desc, err := partial.Descriptor(img)
	if err != nil {
		return v1.Descriptor{}, err
	}
	raw, err := img.RawManifest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	if err := s.WriteBlob(desc.Digest, bytes.NewReader(raw)); err != nil {
		return v1.Descriptor{}, err
	}
	desc.Annotations = nil
	if tag != "" {
		if err := s.setTag(tag, *desc); err != nil {
			return v1.Descriptor{}, err
		}
	}
	return *desc, nil
}

// WriteLayer stores a layer's compressed blob unless the store has it.
func (s *Store) WriteLayer(l v1.Layer) error {
	d, err := l.Digest()
	if err != nil {
		return err
	}
	if s.HasBlob(d) {
		return nil
	}
	rc, err := l.Compressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	return s.WriteBlob(d, rc)
}

// Image returns the image a tag or digest names.
func (s *Store) Image(name string) (v1.Image, error) {
	desc, err := s.Resolve(name)
	if err != nil {
		return nil, err
	}
	raw, err := s.readBlob(desc.Digest, limits.Manifest)
	if err != nil {
		return nil, fmt.Errorf("reading manifest of %s: %w", name, err)
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("reading manifest of %s: %w", name, err)
	}
	if !m.MediaType.IsImage() && m.MediaType != "" {
		return nil, fmt.Errorf("%s is a %s, not an image manifest", name, m.MediaType)
	}
	if err := checkManifest(m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return partial.CompressedToImage(&storeImage{s: s, raw: raw, m: m})
}

// Layer returns a stored layer from its descriptor and diff ID, e.g. one
// remembered with Memo.
func (s *Store) Layer(desc v1.Descriptor, diffID v1.Hash) (v1.Layer, error) {
	if !s.HasBlob(desc.Digest) {
		return nil, fmt.Errorf("layer %s: %w", desc.Digest, ErrNotFound)
	}
	return partial.CompressedToLayer(&storeLayer{s: s, desc: desc, diffID: diffID})
}

type storeImage struct {
	s   *Store
	raw []byte
	m   *v1.Manifest
	cfg *v1.ConfigFile
}

var _ partial.CompressedImageCore = (*storeImage)(nil)

func (i *storeImage) RawConfigFile() ([]byte, error) {
	return i.s.readBlob(i.m.Config.Digest, limits.Config)
}
func (i *storeImage) RawManifest() ([]byte, error) { return i.raw, nil }

func (i *storeImage) MediaType() (types.MediaType, error) {
	if i.m.MediaType == "" {
		return types.OCIManifestSchema1, nil
	}
	return i.m.MediaType, nil
}

func (i *storeImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if h == i.m.Config.Digest {
		return &storeLayer{s: i.s, desc: i.m.Config}, nil
	}
	if i.cfg == nil {
		cfg, err := partial.ConfigFile(i)
		if err != nil {
			return nil, err
		}
		i.cfg = cfg
	}
	for n, d := range i.m.Layers {
		if d.Digest == h {
			l := &storeLayer{s: i.s, desc: d}
			if n < len(i.cfg.RootFS.DiffIDs) {
				l.diffID = i.cfg.RootFS.DiffIDs[n]
			}
			return l, nil
		}
	}
	return nil, fmt.Errorf("layer %s: %w", h, ErrNotFound)
}

// storeLayer is a compressed layer blob with its manifest descriptor, so
// its annotations travel with it through mutate.Append.
type storeLayer struct {
	s      *Store
	desc   v1.Descriptor
	diffID v1.Hash
}

func (l *storeLayer) Digest() (v1.Hash, error)            { return l.desc.Digest, nil }
func (l *storeLayer) Size() (int64, error)                { return l.desc.Size, nil }
func (l *storeLayer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }
func (l *storeLayer) Compressed() (io.ReadCloser, error)  { return l.s.Blob(l.desc.Digest) }
func (l *storeLayer) Descriptor() (*v1.Descriptor, error) { d := l.desc; return &d, nil }
func (l *storeLayer) DiffID() (v1.Hash, error) {
	if l.diffID.Hex == "" {
		return v1.Hash{}, fmt.Errorf("layer %s: diff ID unknown", l.desc.Digest)
	}
	return l.diffID, nil
}
