package build

import (
	"context"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// BaseTag is the store tag of a board's base for a kernel version;
// version "latest" names the most recently imported one.
func BaseTag(board, version string) string { return "base-" + board + ":" + version }

// Imported describes a base stored by ImportDeb.
type Imported struct {
	Tags          []string
	Digest        v1.Hash
	KernelVersion string
	ModuleCount   int
}

// ImportDeb makes a board base from a Debian kernel package and stores it
// as BaseTag(board, version) and BaseTag(board, "latest").
func ImportDeb(ctx context.Context, s *oci.Store, p *boards.Profile, deb io.Reader) (*Imported, error) {
	k := layers.Kernel{File: p.Kernel.File, Format: p.Kernel.Format, Arch: p.Platform.Architecture}
	b, err := layers.ImportDeb(ctxReader{ctx, deb}, k, s.TempDir())
	if err != nil {
		return nil, err
	}
	defer b.Close()
	if b.Architecture != p.Platform.Architecture {
		return nil, fmt.Errorf("the package is for %s, board %s is %s", b.Architecture, p.Name, p.Platform.Architecture)
	}
	img, err := compose(p, map[string]string{
		layers.LabelKind:          layers.KindBase,
		layers.LabelBoard:         p.Name,
		layers.LabelKernelVersion: b.KernelVersion,
	}, v1.Config{}, b.Kernel, b.Modules)
	if err != nil {
		return nil, err
	}
	tags := []string{BaseTag(p.Name, b.KernelVersion), BaseTag(p.Name, "latest")}
	desc, err := s.WriteImage(img, tags[0])
	if err != nil {
		return nil, fmt.Errorf("storing base: %w", err)
	}
	if err := s.Tag(tags[1], desc); err != nil {
		return nil, err
	}
	return &Imported{Tags: tags, Digest: desc.Digest, KernelVersion: b.KernelVersion, ModuleCount: b.ModuleCount}, nil
}

// compose stacks layers into an OCI image for the board's platform.
func compose(p *boards.Profile, labels map[string]string, c v1.Config, adds ...mutate.Addendum) (v1.Image, error) {
	c.Labels = labels
	return Compose(Platform(p), c, adds...)
}

// Compose stacks layers into an OCI image (OCI media types) for a
// platform, created at layers.Epoch(): how every wisp image is made.
func Compose(p v1.Platform, c v1.Config, adds ...mutate.Addendum) (v1.Image, error) {
	cfg := &v1.ConfigFile{
		Architecture: p.Architecture,
		OS:           p.OS,
		Variant:      p.Variant,
		Created:      v1.Time{Time: layers.Epoch()},
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

// ctxReader stops a long read when the context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ImportDebFile is ImportDeb on a file; errors name the file.
func ImportDebFile(ctx context.Context, s *oci.Store, p *boards.Profile, file string) (*Imported, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("kernel package: %w", err)
	}
	defer f.Close()
	im, err := ImportDeb(ctx, s, p, f)
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w", file, err)
	}
	return im, nil
}
