package appliance

import (
	"context"
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
	"github.com/wispboot/wisp/oci"
)

// ErrNotAppliance is returned when a reference names an image that is
// not a wisp appliance.
var ErrNotAppliance = errors.New("not a wisp appliance")

// Loaded is a built appliance, found by reference.
type Loaded struct {
	Image v1.Image
	Ref   string // tag@digest or repository@digest
	Board *boards.Profile
}

// Load finds an appliance by store tag or digest, or pulls it
// from a registry (by the pull policy), and looks up its board from the
// dev.wisp.board label. board, if not nil, overrides that lookup (for
// boards from a profile file).
func Load(ctx context.Context, src oci.Sources, ref string, board *boards.Profile) (*Loaded, error) {
	img, used, err := src.Image(ctx, ref, oci.AnyPlatform, "")
	if errors.Is(err, oci.ErrNotFound) {
		return nil, fmt.Errorf("%s is neither in the local store nor a registry reference (like registry.example/app:tag)", ref)
	}
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	l := cf.Config.Labels
	if l[layers.LabelKind] != layers.KindAppliance {
		return nil, fmt.Errorf("%s: %w (its dev.wisp.kind label is %q)", ref, ErrNotAppliance, l[layers.LabelKind])
	}
	// The label is the image's word: it may only name a built-in board
	// (boards.Lookup reads no file); a custom board's profile comes from
	// the command line.
	label := limits.Text(l[layers.LabelBoard], 100)
	if board == nil {
		if board, err = boards.Lookup(l[layers.LabelBoard]); err != nil {
			return nil, fmt.Errorf("%s was built for board %q, which is not built into wisp: pass its profile with --target FILE.json", ref, label)
		}
	} else if board.Name != l[layers.LabelBoard] {
		return nil, fmt.Errorf("%s was built for board %q, not %s", ref, label, board.Name)
	}
	return &Loaded{Image: img, Ref: used, Board: board}, nil
}

// Image finds any image by store tag or digest, or registry reference.
func Image(ctx context.Context, src oci.Sources, ref string) (v1.Image, string, error) {
	img, used, err := src.Image(ctx, ref, oci.AnyPlatform, "")
	if errors.Is(err, oci.ErrNotFound) {
		return nil, "", fmt.Errorf("%s is neither in the local store nor a registry reference (like registry.example/app:tag)", ref)
	}
	return img, used, err
}
