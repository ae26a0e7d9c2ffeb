package publish

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// Push uploads a stored image to ref and returns REF@digest. An
// appliance's firmware and kernel layers are mounted from its base's
// repository when the base came from a registry, so they are not
// uploaded again.
func Push(ctx context.Context, src oci.Sources, ref string, digest v1.Hash) (string, error) {
	if src.Remote == nil {
		return "", fmt.Errorf("--push %s: no registry access was configured", ref)
	}
	img, err := src.Store.Image(digest.String())
	if err != nil {
		return "", err
	}
	m, err := baseMount(img)
	if err != nil {
		return "", err
	}
	return src.Remote.Push(ctx, ref, img, m)
}

// PushStored pushes a stored image (tag or digest) of the given wisp kind
// to ref and returns REF@digest.
func PushStored(ctx context.Context, src oci.Sources, local, ref, kind string) (string, error) {
	img, err := src.Store.Image(local)
	if err != nil {
		return "", err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return "", err
	}
	if got := cf.Config.Labels[layers.LabelKind]; got != kind {
		return "", fmt.Errorf("%s is not a wisp %s (its dev.wisp.kind label is %q)", local, kind, got)
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return Push(ctx, src, ref, d)
}

// baseMount names the layers an appliance shares with its base, to be
// mounted from the base's repository when the base came from a registry.
func baseMount(img v1.Image) (oci.Mount, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return oci.Mount{}, err
	}
	base := cf.Config.Labels[layers.LabelBase]
	if !oci.IsRegistryRef(base) {
		return oci.Mount{}, nil
	}
	m, err := img.Manifest()
	if err != nil {
		return oci.Mount{}, err
	}
	mount := oci.Mount{From: base}
	for _, l := range m.Layers {
		switch layers.Role(l.Annotations[layers.AnnotationRole]) {
		case layers.RoleFirmware, layers.RoleKernel:
			mount.Layers = append(mount.Layers, l.Digest)
		}
	}
	return mount, nil
}
