package appliance

import (
	"bytes"
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/internal/initbin"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// initLayer returns the init layer for the board: the embedded init, or
// the init layer of the image ref names (for the board's platform), whose
// /init must be a static ELF for the board. It also returns the source to
// record ("" for the embedded one).
func initLayer(ctx context.Context, src oci.Sources, p *boards.Profile, ref string, override []byte) (mutate.Addendum, string, error) {
	if ref == "" {
		bin := override
		if bin == nil {
			var err error
			if bin, err = initbin.For(boards.GOARCH(p.Platform.Architecture)); err != nil {
				return mutate.Addendum{}, "", err
			}
		}
		add, err := binaryInitLayer(src.Store, bin)
		return add, "", err
	}
	img, used, err := src.Image(ctx, ref, p.ImagePlatform(), "")
	if err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init: %w", err)
	}
	add, err := compose.RoleLayer(img, layers.RoleInit)
	if err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init %s: %w", ref, err)
	}
	bin, err := compose.ReadInit(add.Layer)
	if err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init %s: %w", ref, err)
	}
	if err := elfcheck.Check(bytes.NewReader(bin), elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init %s: /init: %w", ref, err)
	}
	return add, used, nil
}
