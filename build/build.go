package build

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/initbin"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// Request is one appliance to build.
type Request struct {
	Board  *boards.Profile
	Binary string // path of the user's static binary
	// Base is a store tag or digest; "" means BaseTag(board, "latest").
	Base     string
	Network  *config.Network // nil: no network configuration
	Hostname string          // "" means the board name
	User     config.User
	Args     []string // arguments after argv[0]
	Env      []string
	// Tag names the appliance in the store; "" means <binary>:<board>.
	Tag string
	// Out receives the artifacts (kernel, initrd.img); "" skips them.
	Out string
	// Version is recorded in the dev.wisp.version label.
	Version string
	// Init overrides the embedded init binary (tests).
	Init []byte
}

// Result describes a built appliance.
type Result struct {
	Tag       string
	Digest    v1.Hash
	Base      string // tag@digest of the base used
	Modules   []string
	Artifacts *Artifacts
}

// ErrNotBase is returned when --base names an image that is not a wisp
// base for the board.
var ErrNotBase = errors.New("not a wisp base")

// Build validates the binary, composes and stores the appliance image and,
// if req.Out is set, writes its artifacts.
func Build(ctx context.Context, s *oci.Store, req Request) (*Result, error) {
	p := req.Board
	if req.Out != "" {
		if err := checkOut(req.Out); err != nil {
			return nil, err
		}
	}
	if err := elfcheck.CheckFile(req.Binary, elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
		return nil, err
	}
	base, baseCfg, baseRef, err := loadBase(s, p, req.Base)
	if err != nil {
		return nil, err
	}
	kernel, modules, err := baseLayers(base, baseRef)
	if err != nil {
		return nil, err
	}
	mods, load, err := selectModules(s, modules, p.Modules)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", baseRef, err)
	}
	initBin := req.Init
	if initBin == nil {
		if initBin, err = initbin.For(boards.GOARCH(p.Platform.Architecture)); err != nil {
			return nil, err
		}
	}
	ini, err := layers.Init(initBin)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(req.Binary)
	dest := path.Join("/app", name)
	app, err := layers.Binary(req.Binary, dest)
	if err != nil {
		return nil, err
	}
	cfg := appConfig(req, dest, load)
	conf, err := layers.Config(cfg)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{
		layers.LabelKind:          layers.KindAppliance,
		layers.LabelBoard:         p.Name,
		layers.LabelCmdline:       p.Kernel.Cmdline,
		layers.LabelKernelVersion: baseCfg.Config.Labels[layers.LabelKernelVersion],
		layers.LabelBase:          baseRef,
		layers.LabelVersion:       req.Version,
	}
	img, err := compose(p, labels, v1.Config{
		Entrypoint: cfg.Exec.Args[:1],
		Cmd:        cfg.Exec.Args[1:],
		Env:        cfg.Exec.Env,
		User:       fmt.Sprintf("%d:%d", cfg.User.UID, cfg.User.GID),
	}, append(kernel, mods, ini, app, conf)...)
	if err != nil {
		return nil, err
	}
	tag := req.Tag
	if tag == "" {
		tag = name + ":" + p.Name
	}
	desc, err := s.WriteImage(img, tag)
	if err != nil {
		return nil, fmt.Errorf("storing appliance: %w", err)
	}
	res := &Result{Tag: tag, Digest: desc.Digest, Base: baseRef, Modules: load}
	if req.Out != "" {
		if res.Artifacts, err = WriteArtifacts(ctx, img, p, req.Out); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func appConfig(req Request, dest string, load []string) *config.Config {
	host := req.Hostname
	if host == "" {
		host = req.Board.Name
	}
	var network *config.Network
	if req.Network != nil {
		n := *req.Network
		n.Interface = req.Board.Network.Interface
		network = &n
	}
	return &config.Config{
		Version:  config.Version,
		Hostname: host,
		Modules:  load,
		Network:  network,
		User:     req.User,
		Exec:     config.Exec{Path: dest, Args: append([]string{path.Base(dest)}, req.Args...), Env: req.Env},
	}
}

// loadBase finds the base in the store and checks it is one for the board.
func loadBase(s *oci.Store, p *boards.Profile, ref string) (v1.Image, *v1.ConfigFile, string, error) {
	if ref == "" {
		ref = BaseTag(p.Name, "latest")
	}
	img, err := s.Image(ref)
	if errors.Is(err, oci.ErrNotFound) {
		return nil, nil, "", fmt.Errorf("base %s is not in the local store %s: import one with `wisp base import --target %s --kernel-deb FILE.deb`", ref, s.Dir(), p.Name)
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("base %s: %w", ref, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, nil, "", fmt.Errorf("base %s: %w", ref, err)
	}
	if l := cf.Config.Labels; l[layers.LabelKind] != layers.KindBase || l[layers.LabelBoard] != p.Name {
		return nil, nil, "", fmt.Errorf("%s: %w for %s (its labels say kind %q, board %q)", ref, ErrNotBase, p.Name, l[layers.LabelKind], l[layers.LabelBoard])
	}
	d, err := img.Digest()
	if err != nil {
		return nil, nil, "", err
	}
	if !strings.HasPrefix(ref, "sha256:") {
		ref += "@" + d.String()
	}
	return img, cf, ref, nil
}

// baseLayers returns the base's firmware and kernel layers, as addenda
// keeping their annotations, and its modules layer.
func baseLayers(base v1.Image, ref string) ([]mutate.Addendum, v1.Layer, error) {
	m, err := base.Manifest()
	if err != nil {
		return nil, nil, err
	}
	ls, err := base.Layers()
	if err != nil {
		return nil, nil, err
	}
	var keep []mutate.Addendum
	var modules v1.Layer
	for i, d := range m.Layers {
		switch layers.Role(d.Annotations[layers.AnnotationRole]) {
		case layers.RoleFirmware, layers.RoleKernel:
			keep = append(keep, mutate.Addendum{Layer: ls[i], Annotations: d.Annotations, History: v1.History{
				Created: v1.Time{Time: layers.Epoch()}, CreatedBy: "wisp: from base " + d.Annotations[layers.AnnotationRole]}})
		case layers.RoleModules:
			modules = ls[i]
		}
	}
	if len(keep) == 0 || modules == nil {
		return nil, nil, fmt.Errorf("base %s: %w: it lacks a kernel or modules layer", ref, ErrNotBase)
	}
	return keep, modules, nil
}
