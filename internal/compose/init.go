package compose

import (
	"archive/tar"
	"fmt"
	"io"
	"path"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
)

// ReadInit returns the /init of an init image's layer, which must hold
// that file and nothing else: the layer is stacked as it is, and anything
// more would reach the appliance beside wisp's files.
func ReadInit(l v1.Layer) ([]byte, error) {
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
		pl := v1.Platform{OS: "linux", Architecture: arch}
		img, err := Image(pl, v1.Config{Labels: map[string]string{layers.LabelKind: layers.KindInit, layers.LabelVersion: version}}, add)
		if err != nil {
			return nil, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &pl}})
	}
	return idx, nil
}
