package registrytestdata

import (
	"bytes"
	"context"
	"io/fs"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/kernelpkg"
	"github.com/wispboot/wisp/layers"
)

// KernelVersion is the kernel of the base-qemu-amd64 layout.
const KernelVersion = "6.1.0-99-amd64"

var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
)

func nothing() {}

// baseQEMUAMD64 is a board base made as wisp base import makes it, from
// fixture.KernelDeb: a kernel layer (boot/vmlinux) and a modules layer.
func baseQEMUAMD64(tmp string) (artifact, func(), error) {
	deb := bytes.NewReader(fixture.KernelDeb(KernelVersion).Bytes())
	b, err := kernelpkg.ImportDeb(context.Background(), deb, kernelpkg.Kernel{File: "vmlinux", Format: kernelpkg.FormatELF, Arch: "amd64"}, tmp)
	if err != nil {
		return artifact{}, nil, err
	}
	img, err := compose.Image(amd64, v1.Config{Labels: map[string]string{
		layers.LabelKind:          layers.KindBase,
		layers.LabelBoard:         "qemu-amd64",
		layers.LabelKernelVersion: b.KernelVersion,
	}}, b.Kernel, b.Modules)
	if err != nil {
		b.Close()
		return artifact{}, nil, err
	}
	return artifact{ref: "base-qemu-amd64:" + KernelVersion, platform: &amd64, add: img}, b.Close, nil
}

// svcConfig is the config of the FROM-scratch app images.
var svcConfig = v1.Config{
	Entrypoint: []string{"/svc"},
	Cmd:        []string{"--port", "8080"},
	Env:        []string{"PATH=/", "GREETING=hi"},
	User:       "1000:1000",
}

// scratchApp is a FROM-scratch image holding /svc for p.
func scratchApp(p v1.Platform) (v1.Image, error) {
	return app(p, svcConfig, "COPY svc /svc", layers.Bytes("svc", 0o755, fixture.TinyELF(p.Architecture)))
}

// appIndex is a multi-arch app: linux/amd64 and linux/arm64/v8.
func appIndex(string) (artifact, func(), error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range []v1.Platform{amd64, arm64} {
		img, err := scratchApp(p)
		if err != nil {
			return artifact{}, nil, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return artifact{ref: "app-index:1.0", add: idx}, nothing, nil
}

// appARM64Only is the arm64 image of app-index alone.
func appARM64Only(string) (artifact, func(), error) {
	img, err := scratchApp(arm64)
	return artifact{ref: "app-arm64-only:1.0", platform: &arm64, add: img}, nothing, err
}

// appKo is shaped like what ko builds: a distroless-like base layer, then
// the Go binary at /ko-app/<name>.
func appKo(string) (artifact, func(), error) {
	passwd := "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	base := []layers.File{
		layers.Bytes("etc/passwd", 0o644, []byte(passwd)),
		{Path: "usr/bin/app", Mode: fs.ModeSymlink | 0o777, Link: "/ko-app/hello"},
	}
	img, err := app(amd64, v1.Config{
		Entrypoint: []string{"/ko-app/hello"},
		Env:        []string{"PATH=/usr/local/bin:/usr/bin:/ko-app", "KO_DATA_PATH=/var/run/ko"},
	}, "base", base...)
	if err == nil {
		img, err = appendLayer(img, "ko build ./cmd/hello", layers.Bytes("ko-app/hello", 0o755, fixture.TinyELF("amd64")))
	}
	return artifact{ref: "app-ko:1.0", platform: &amd64, add: img}, nothing, err
}

// app is an image for p with config c and one layer of files.
func app(p v1.Platform, c v1.Config, createdBy string, files ...layers.File) (v1.Image, error) {
	img, err := compose.Image(p, c)
	if err != nil {
		return nil, err
	}
	return appendLayer(img, createdBy, files...)
}

// appendLayer adds a layer of files with a history entry.
func appendLayer(img v1.Image, createdBy string, files ...layers.File) (v1.Image, error) {
	l, err := layers.Layer(files)
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{Created: v1.Time{Time: epoch.Time()}, CreatedBy: createdBy}})
}
