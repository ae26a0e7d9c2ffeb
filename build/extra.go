package build

import (
	"context"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// extraLayers makes the --layer and --ca-certs layers, in order.
func (src Sources) extraLayers(ctx context.Context, req Request) ([]mutate.Addendum, error) {
	var adds []mutate.Addendum
	for _, l := range req.Layers {
		fi, err := os.Stat(l)
		switch {
		case err == nil && fi.IsDir():
			add, err := layers.ExtraFromDir(l)
			if err != nil {
				return nil, fmt.Errorf("--layer: %w", err)
			}
			adds = append(adds, add)
		case err == nil:
			add, err := layers.ExtraFromTar(l)
			if err != nil {
				return nil, fmt.Errorf("--layer: %w", err)
			}
			adds = append(adds, add)
		case oci.IsRegistryRef(l):
			img, used, err := src.image(ctx, l, Platform(req.Board), src.Pull)
			if err != nil {
				return nil, fmt.Errorf("--layer: %w", err)
			}
			ls, err := img.Layers()
			if err != nil {
				return nil, fmt.Errorf("--layer %s: %w", l, err)
			}
			for _, layer := range ls {
				adds = append(adds, layers.ExtraFrom(layer, used))
			}
		default:
			return nil, fmt.Errorf("--layer %s: %w, and it is not a registry reference", l, err)
		}
	}
	if req.CACerts != "" {
		add, err := layers.CACerts(req.CACerts)
		if err != nil {
			return nil, fmt.Errorf("--ca-certs: %w", err)
		}
		adds = append(adds, add)
	}
	return adds, nil
}
