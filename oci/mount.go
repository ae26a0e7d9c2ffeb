package oci

import (
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Mount names layers of an image being pushed that a repository (From, a
// reference) already holds: the registry is asked to mount them from there
// instead of receiving them again. Registries scope blobs per repository,
// so this is what keeps a base's kernel from being uploaded with every
// appliance. Mounting only happens within one registry.
type Mount struct {
	From   string
	Layers []v1.Hash
}

// mountingImage presents some layers of an image as mountable.
type mountingImage struct {
	v1.Image
	from   name.Reference
	layers map[v1.Hash]bool
}

func withMounts(img v1.Image, m Mount, r *Remote) v1.Image {
	if m.From == "" || len(m.Layers) == 0 {
		return img
	}
	from, err := r.ParseRef(m.From)
	if err != nil {
		return img
	}
	set := map[v1.Hash]bool{}
	for _, h := range m.Layers {
		set[h] = true
	}
	return &mountingImage{Image: img, from: from, layers: set}
}

func (mi *mountingImage) wrap(l v1.Layer) v1.Layer {
	if d, err := l.Digest(); err == nil && mi.layers[d] {
		return &remote.MountableLayer{Layer: l, Reference: mi.from}
	}
	return l
}

func (mi *mountingImage) Layers() ([]v1.Layer, error) {
	ls, err := mi.Image.Layers()
	if err != nil {
		return nil, err
	}
	out := make([]v1.Layer, len(ls))
	for i, l := range ls {
		out[i] = mi.wrap(l)
	}
	return out, nil
}

func (mi *mountingImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	l, err := mi.Image.LayerByDigest(h)
	if err != nil {
		return nil, err
	}
	return mi.wrap(l), nil
}
