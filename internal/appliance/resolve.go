package build

import (
	"context"
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/oci"
)

// Sources says where images come from.
type Sources struct {
	Store  *oci.Store
	Remote *oci.Remote    // nil: the local store only
	Pull   oci.PullPolicy // for bases, inits and appliances; "" means missing
}

// image returns what ref names for platform: a store tag or digest, or a
// registry reference pulled into the store (by the pull policy). It
// returns the image and the reference to record for it (tag@digest or
// repository@digest).
func (src Sources) image(ctx context.Context, ref string, p v1.Platform, policy oci.PullPolicy) (v1.Image, string, error) {
	if !oci.IsRegistryRef(ref) {
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
		policy = oci.PullMissing
	}
	pl, err := src.Store.Pull(ctx, src.Remote, ref, p, policy)
	if err != nil {
		return nil, "", err
	}
	return pl.Image, pl.Source(), nil
}

// Platform is the OCI platform of a board.
func Platform(p *boards.Profile) v1.Platform {
	return v1.Platform{OS: p.Platform.OS, Architecture: p.Platform.Architecture, Variant: p.Platform.Variant}
}

// baseImage finds the base: ref if given, else the store's latest import
// for the board, else the board's default base reference.
func (src Sources) baseImage(ctx context.Context, p *boards.Profile, ref string) (v1.Image, string, error) {
	if ref == "" {
		img, used, err := src.image(ctx, BaseTag(p.Name, "latest"), Platform(p), src.Pull)
		if !errors.Is(err, oci.ErrNotFound) {
			return img, used, err
		}
		hint := fmt.Sprintf("import one with `wisp base import --target %s --kernel-deb FILE.deb`, or pass --base REF", p.Name)
		if p.Base == "" || src.Remote == nil {
			return nil, "", fmt.Errorf("no base for %s in the local store %s: %s", p.Name, src.Store.Dir(), hint)
		}
		img, used, err = src.image(ctx, p.Base, Platform(p), src.Pull)
		if err != nil {
			return nil, "", fmt.Errorf("no base for %s in the local store, and the board's default base failed: %w; %s", p.Name, err, hint)
		}
		return img, used, nil
	}
	img, used, err := src.image(ctx, ref, Platform(p), src.Pull)
	if errors.Is(err, oci.ErrNotFound) {
		return nil, "", fmt.Errorf("base %s is not in the local store %s: import one with `wisp base import --target %s --kernel-deb FILE.deb`, or give a registry reference", ref, src.Store.Dir(), p.Name)
	}
	return img, used, err
}
