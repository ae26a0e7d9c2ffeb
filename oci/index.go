package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/limits"
)

// refName is the OCI annotation that names a manifest in index.json.
const refName = "org.opencontainers.image.ref.name"

// Tag is one name in the store.
type Tag struct {
	Name       string
	Descriptor v1.Descriptor
}

func (s *Store) readIndex() (*v1.IndexManifest, error) {
	b, err := os.ReadFile(s.path("index.json"))
	if errors.Is(err, os.ErrNotExist) {
		return &v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading store index: %w", err)
	}
	im, err := v1.ParseIndexManifest(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("reading store index %s: %w", s.path("index.json"), err)
	}
	return im, nil
}

// Tag points name at desc, replacing any earlier manifest of that name.
// The manifest must already be in the store.
func (s *Store) Tag(name string, desc v1.Descriptor) error {
	if !s.HasBlob(desc.Digest) {
		return fmt.Errorf("tagging %s: manifest %s: %w", name, desc.Digest, ErrNotFound)
	}
	return s.setTag(name, desc)
}

func (s *Store) setTag(name string, desc v1.Descriptor) error {
	return s.locked(func() error {
		im, err := s.readIndex()
		if err != nil {
			return err
		}
		kept := im.Manifests[:0]
		for _, m := range im.Manifests {
			if m.Annotations[refName] != name {
				kept = append(kept, m)
			} else if m.Digest == desc.Digest && m.MediaType == desc.MediaType && m.Size == desc.Size {
				return nil // already so: nothing to write, nor to sync
			}
		}
		desc.Annotations = map[string]string{refName: name}
		im.Manifests = append(kept, desc)
		sort.SliceStable(im.Manifests, func(i, j int) bool {
			return im.Manifests[i].Annotations[refName] < im.Manifests[j].Annotations[refName]
		})
		b, err := json.MarshalIndent(im, "", "  ")
		if err != nil {
			return err
		}
		// The blobs it names are synced one by one; their directory
		// entries once, here, before the index that names them.
		if err := syncDir(s.path("blobs", "sha256")); err != nil {
			return err
		}
		return s.writeFileAtomic(s.path("index.json"), b, true)
	})
}

// Tags lists the named manifests in the store, sorted by name.
func (s *Store) Tags() ([]Tag, error) {
	im, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	var tags []Tag
	for _, m := range im.Manifests {
		if n := m.Annotations[refName]; n != "" {
			tags = append(tags, Tag{Name: n, Descriptor: m})
		}
	}
	return tags, nil
}

// Resolve returns the descriptor of a tag, or of a manifest digest
// ("sha256:…") held in the store.
func (s *Store) Resolve(name string) (v1.Descriptor, error) {
	tags, err := s.Tags()
	if err != nil {
		return v1.Descriptor{}, err
	}
	for _, t := range tags {
		if t.Name == name || t.Descriptor.Digest.String() == name {
			return t.Descriptor, nil
		}
	}
	if h, err := v1.NewHash(name); err == nil && s.HasBlob(h) {
		b, err := s.readBlob(h, limits.Manifest)
		if err != nil {
			return v1.Descriptor{}, err
		}
		return v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: h, Size: int64(len(b))}, nil
	}
	return v1.Descriptor{}, fmt.Errorf("%q: %w", name, ErrNotFound)
}
