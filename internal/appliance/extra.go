package appliance

import (
	"context"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
	"github.com/wispboot/wisp/oci"
)

// extraLayers makes the --layer and --ca-certs layers, in order, each
// checked by layers.CheckExtra and spent from the initramfs budget.
func extraLayers(ctx context.Context, src oci.Sources, in settings.Inputs, budget *limits.Budget) ([]mutate.Addendum, error) {
	var adds []mutate.Addendum
	for _, l := range in.Layers {
		fi, err := os.Stat(l)
		switch {
		case err == nil && fi.IsDir():
			add, err := layers.ExtraFromDir(ctx, l, budget)
			if err != nil {
				return nil, fmt.Errorf("--layer: %w", err)
			}
			adds = append(adds, add)
		case err == nil:
			add, err := layers.ExtraFromTar(ctx, l, budget)
			if err != nil {
				return nil, fmt.Errorf("--layer: %w", err)
			}
			adds = append(adds, add)
		case oci.IsRegistryRef(l):
			img, used, err := src.Image(ctx, l, in.Board.ImagePlatform(), "")
			if err != nil {
				return nil, fmt.Errorf("--layer: %w", err)
			}
			ls, err := img.Layers()
			if err != nil {
				return nil, fmt.Errorf("--layer %s: %w", l, err)
			}
			for i, layer := range ls {
				add, err := layers.ExtraFrom(ctx, layer, fmt.Sprintf("%d of %s", i, used), budget)
				if err != nil {
					return nil, fmt.Errorf("--layer: %w", err)
				}
				adds = append(adds, add)
			}
		default:
			return nil, fmt.Errorf("--layer %s: %w, and it is not a registry reference", l, err)
		}
	}
	if in.CACerts != "" {
		add, err := layers.CACerts(in.CACerts)
		if err != nil {
			return nil, fmt.Errorf("--ca-certs: %w", err)
		}
		adds = append(adds, add)
	}
	return adds, nil
}
