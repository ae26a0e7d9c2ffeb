package build

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/initbin"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
)

// KindInit labels init images (wisp init push).
const KindInit = "init"

// initLayer returns the init layer for the board: the embedded init, or
// the init layer of the image ref names (for the board's platform), whose
// /init must be a static ELF for the board. It also returns the source to
// record ("" for the embedded one).
func (src Sources) initLayer(ctx context.Context, p *boards.Profile, ref string, override []byte) (mutate.Addendum, string, error) {
	if ref == "" {
		bin := override
		if bin == nil {
			var err error
			if bin, err = initbin.For(boards.GOARCH(p.Platform.Architecture)); err != nil {
				return mutate.Addendum{}, "", err
			}
		}
		add, err := initLayer(src.Store, bin)
		return add, "", err
	}
	img, used, err := src.image(ctx, ref, Platform(p), src.Pull)
	if err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init: %w", err)
	}
	add, err := roleLayer(img, layers.RoleInit)
	if err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init %s: %w", ref, err)
	}
	bin, err := readInit(add.Layer)
	if err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init %s: %w", ref, err)
	}
	if err := elfcheck.Check(bytes.NewReader(bin), elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
		return mutate.Addendum{}, "", fmt.Errorf("--init %s: /init: %w", ref, err)
	}
	return add, used, nil
}

// roleLayer returns the one layer of img with the role, keeping its
// annotations.
func roleLayer(img v1.Image, role layers.Role) (mutate.Addendum, error) {
	m, err := img.Manifest()
	if err != nil {
		return mutate.Addendum{}, err
	}
	ls, err := img.Layers()
	if err != nil {
		return mutate.Addendum{}, err
	}
	for i, d := range m.Layers {
		if layers.Role(d.Annotations[layers.AnnotationRole]) == role {
			return mutate.Addendum{Layer: ls[i], Annotations: d.Annotations, History: v1.History{
				Created: v1.Time{Time: epoch.Time()}, CreatedBy: "wisp: " + string(role) + " from an image"}}, nil
		}
	}
	return mutate.Addendum{}, fmt.Errorf("the image has no layer annotated %s=%s", layers.AnnotationRole, role)
}

// readInit returns the /init of an init image's layer, which must hold
// that file and nothing else: the layer is stacked as it is, and anything
// more would reach the appliance beside wisp's files.
func readInit(l v1.Layer) ([]byte, error) {
	rc, err := l.Uncompressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	tr := tar.NewReader(limits.Reader(rc, "the init layer", limits.Binary))
	var bin []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch name := path.Clean("/" + h.Name); {
		case name == "/" && h.Typeflag == tar.TypeDir:
		case name == "/init" && h.Typeflag == tar.TypeReg && bin == nil:
			if bin, err = limits.ReadAll(tr, "/init", limits.Binary); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("the init layer holds %s: it may hold /init and nothing else", limits.Text(h.Name, 200))
		}
	}
	if bin == nil {
		return nil, fmt.Errorf("the init layer has no /init")
	}
	return bin, nil
}

// InitArches are the architectures wisp embeds an init for.
var InitArches = []string{"amd64", "arm64", "riscv64"}

// InitIndex is the multi-platform image of inits that wisp init push
// publishes: one image per architecture, each a single init layer,
// labelled dev.wisp.kind=init. bins gives the init binary of an
// architecture (initbin.For for the embedded ones).
func InitIndex(version string, bins func(goarch string) ([]byte, error)) (v1.ImageIndex, error) {
	var idx v1.ImageIndex = mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, arch := range InitArches {
		bin, err := bins(arch)
		if err != nil {
			return nil, err
		}
		add, err := layers.Init(bin)
		if err != nil {
			return nil, err
		}
		p := &boards.Profile{Platform: boards.Platform{OS: "linux", Architecture: arch}}
		img, err := compose(p, map[string]string{layers.LabelKind: KindInit, layers.LabelVersion: version}, v1.Config{}, add)
		if err != nil {
			return nil, err
		}
		pl := Platform(p)
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &pl}})
	}
	return idx, nil
}
