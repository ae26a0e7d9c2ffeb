package oci

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Sources say where images come from: the local store, and registries
// through it.
type Sources struct {
	Store  *Store
	Remote *Remote    // nil: the local store only
	Pull   PullPolicy // for bases, inits, layers and appliances; "" means PullMissing
}

// Image returns what ref names for platform p: a store tag or digest, or
// a registry reference pulled into the store by policy ("" means the
// Sources' own). It also returns the reference to record for the image:
// tag@digest, repository@digest, or the digest alone.
func (src Sources) Image(ctx context.Context, ref string, p v1.Platform, policy PullPolicy) (v1.Image, string, error) {
	if !IsRegistryRef(ref) {
		img, err := src.Store.Image(ref)
		if err != nil {
			return nil, "", err
		}
		d, err := img.Digest()
		if err != nil {
			return nil, "", err
		}
		if ref == d.String() {
			return img, ref, nil
		}
		return img, ref + "@" + d.String(), nil
	}
	if src.Remote == nil {
		return nil, "", fmt.Errorf("%s is a registry reference and no registry access was configured", ref)
	}
	if policy == "" {
		policy = src.Pull
	}
	if policy == "" {
		policy = PullMissing
	}
	pl, err := src.Store.Pull(ctx, src.Remote, ref, p, policy)
	if err != nil {
		return nil, "", err
	}
	return pl.Image, pl.Source(), nil
}
