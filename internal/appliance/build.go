package appliance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/internal/appbinary"
	"github.com/wispboot/wisp/internal/artifacts"
	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/internal/publish"
	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// Result describes a built appliance.
type Result struct {
	Tag       string            `json:"tag"`
	Digest    v1.Hash           `json:"digest"`
	Base      string            `json:"base"`
	Binary    string            `json:"binary"`
	Init      string            `json:"init,omitempty"`
	Modules   []string          `json:"modules"`
	Pushed    string            `json:"pushed,omitempty"`
	Artifacts *artifacts.Output `json:"artifacts,omitempty"`
}

// ErrNotBase is returned when --base names an image that is not a wisp
// base for the board.
var ErrNotBase = compose.ErrNotBase

// Build makes the appliance of in with the settings set: it validates the
// binary, composes and stores the appliance image, pushes it if out.Push
// is set and, if out.Out is, writes its artifacts there. The output
// directory changes only once everything else has succeeded.
func Build(ctx context.Context, src oci.Sources, in settings.Inputs, set settings.Settings, out settings.Outputs, opts ...Option) (*Result, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	p := in.Board
	if err := settings.Check(&set); err != nil {
		return nil, err
	}
	if _, err := set.Network(p.Network.Interface); err != nil {
		return nil, err
	}
	if out.Out != "" {
		if err := artifacts.CheckOut(out.Out); err != nil {
			return nil, err
		}
	}
	finder := appbinary.Finder{Images: src, Platform: p.ImagePlatform(), Pull: src.Pull, TempDir: src.Store.TempDir(), MaxSize: p.InitramfsBudget().Limit}
	bin, err := finder.Find(ctx, in.Binary, in.BinaryPath)
	if err != nil {
		return nil, err
	}
	defer bin.Close()
	if err := elfcheck.CheckFile(bin.File, elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
		if bin.Image != nil {
			return nil, fmt.Errorf("%s in %s: %w", bin.Image.Path, in.Binary, errors.Unwrap(err))
		}
		return nil, err
	}
	// What goes into the initramfs is bounded by the board's RAM before
	// it is compressed or flattened: the binary, then the extra layers.
	budget := p.InitramfsBudget()
	if fi, err := os.Stat(bin.File); err != nil {
		return nil, fmt.Errorf("binary: %w", err)
	} else if err := budget.Spend(fi.Size()); err != nil {
		return nil, fmt.Errorf("binary %s: %w", in.Binary, err)
	}
	dest := path.Join("/app", bin.Name)
	app, err := layers.Binary(bin.File, dest, layers.SpillTo(src.Store.TempDir()), layers.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	// Compressing the app layer is the longest step of a warm build; it
	// starts now, on its own core, and storing the image waits for it.
	go app.Layer.Digest()
	extra, err := extraLayers(ctx, src, in, budget)
	if err != nil {
		return nil, err
	}
	base, baseRef, err := baseImage(ctx, src, p, in.Base)
	if err != nil {
		return nil, err
	}
	baseCfg, err := compose.CheckBase(base, baseRef, p)
	if err != nil {
		return nil, err
	}
	kernel, modules, err := compose.BaseLayers(base, baseRef)
	if err != nil {
		return nil, err
	}
	mods, load, err := selectModules(ctx, src.Store, modules, p.Modules, p.StripModuleSignatures)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", baseRef, err)
	}
	ini, initRef, err := initLayer(ctx, src, p, in.Init, o.init)
	if err != nil {
		return nil, err
	}
	var d compose.Defaults
	if ib := bin.Image; ib != nil {
		d = compose.Defaults{From: in.Binary, Args: ib.Args, Env: ib.Env, User: ib.User}
	}
	cfg, err := compose.Config(p, &set, d, dest, load, o.warn)
	if err != nil {
		return nil, err
	}
	conf, err := layers.Config(cfg)
	if err != nil {
		return nil, err
	}
	source, err := bin.Source()
	if err != nil {
		return nil, err
	}
	labels := map[string]string{
		layers.LabelKind:          layers.KindAppliance,
		layers.LabelBoard:         p.Name,
		layers.LabelCmdline:       strings.TrimSpace(p.Kernel.Cmdline + " " + set.CmdlineAppend),
		layers.LabelKernelVersion: baseCfg.Config.Labels[layers.LabelKernelVersion],
		layers.LabelBase:          baseRef,
		layers.LabelBinary:        source,
		layers.LabelVersion:       o.version,
	}
	if initRef != "" {
		labels[layers.LabelInit] = initRef
	}
	adds := slices.Concat(kernel, []mutate.Addendum{mods, ini}, extra, []mutate.Addendum{app, conf})
	img, err := compose.Appliance(p, labels, cfg, adds...)
	if err != nil {
		return nil, err
	}
	a := &artifacts.Appliance{Image: img, Cmdline: labels[layers.LabelCmdline]}
	for _, add := range adds {
		a.Layers = append(a.Layers, artifacts.Layer{Layer: add.Layer, Role: layers.Role(add.Annotations[layers.AnnotationRole])})
	}
	tag := out.Tag
	if tag == "" {
		tag = bin.Name + ":" + p.Name
	}
	// Storing the image (which compresses the new layers) and writing the
	// artifacts (which read them uncompressed) are independent: on two
	// cores they overlap, as long as the artifacts are written from the
	// layers as composed, not from img (see artifacts.Appliance).
	var written *artifacts.Output
	artifactsDone := make(chan error, 1)
	go func() {
		var err error
		if out.Out != "" {
			written, err = artifacts.Write(ctx, a, p, out.Out, src.Store)
		}
		artifactsDone <- err
	}()
	desc, err := src.Store.WriteImage(img, tag)
	aerr := <-artifactsDone
	// The output directory changes only once everything else succeeded.
	defer written.Discard()
	if err == nil && aerr != nil {
		return nil, aerr
	}
	if err != nil {
		return nil, fmt.Errorf("storing appliance: %w", err)
	}
	res := &Result{Tag: tag, Digest: desc.Digest, Base: baseRef, Binary: source, Init: initRef, Modules: load, Artifacts: written}
	if out.Push != "" {
		pushed, err := publish.Push(ctx, src, out.Push, desc.Digest)
		if err != nil {
			return nil, err
		}
		res.Pushed = pushed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := written.Commit(); err != nil {
		return nil, err
	}
	return res, nil
}

// FindBinary finds the binary a build for in would use, as Build finds
// it. done removes a copy taken out of an image.
func FindBinary(ctx context.Context, src oci.Sources, in settings.Inputs) (path string, done func(), err error) {
	p := in.Board
	finder := appbinary.Finder{Images: src, Platform: p.ImagePlatform(), Pull: src.Pull, TempDir: src.Store.TempDir(), MaxSize: p.InitramfsBudget().Limit}
	bin, err := finder.Find(ctx, in.Binary, in.BinaryPath)
	if err != nil {
		return "", nil, err
	}
	return bin.File, bin.Close, nil
}
