package compose

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/epoch"
)

// Image stacks layers into an OCI image (OCI media types) for a
// platform, created at epoch.Time(): how every wisp image is made.
func Image(p v1.Platform, c v1.Config, adds ...mutate.Addendum) (v1.Image, error) {
	cfg := &v1.ConfigFile{
		Architecture: p.Architecture,
		OS:           p.OS,
		Variant:      p.Variant,
		Created:      v1.Time{Time: epoch.Time()},
		Config:       c,
		RootFS:       v1.RootFS{Type: "layers"},
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err := mutate.ConfigFile(img, cfg)
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, adds...)
}

// ForBoard stacks layers into an image for the board's platform, with
// labels.
func ForBoard(p *boards.Profile, labels map[string]string, c v1.Config, adds ...mutate.Addendum) (v1.Image, error) {
	c.Labels = labels
	return Image(p.ImagePlatform(), c, adds...)
}

// Appliance stacks an appliance's layers, with its labels and, as the
// image config's entrypoint, arguments, environment and user, what its
// config.json runs: what a container runtime would run of it.
func Appliance(p *boards.Profile, labels map[string]string, c *config.Config, adds ...mutate.Addendum) (v1.Image, error) {
	return ForBoard(p, labels, v1.Config{
		Entrypoint: []string{c.Exec.Path},
		Cmd:        c.Exec.Args[1:],
		Env:        c.Exec.Env,
		User:       fmt.Sprintf("%d:%d", c.User.UID, c.User.GID),
	}, adds...)
}
