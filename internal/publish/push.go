package build

import (
	"context"
	"fmt"

	"github.com/wispboot/wisp/layers"
)

// PushStored pushes a stored image (tag or digest) of the given wisp kind
// to ref and returns REF@digest.
func PushStored(ctx context.Context, src Sources, local, ref, kind string) (string, error) {
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
	return src.push(ctx, ref, d)
}
