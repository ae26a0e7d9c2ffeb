package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
	"github.com/wispboot/wisp/oci"
)

// Request is one appliance to build.
type Request struct {
	Board *boards.Profile
	// Binary is a local file or a registry reference of an image whose
	// entrypoint (or BinaryPath) is the binary.
	Binary     string
	BinaryPath string
	// Base is a store tag or digest, or a registry reference; "" means the
	// store's latest import for the board, else the board's default base.
	Base string
	// Init is a registry reference of an init image; "" means the init
	// embedded in wisp.
	Init     string
	Network  *config.Network // nil: no network configuration
	Hostname string          // "" means the board name
	// NTP servers set the clock at boot; ClockFloor (Unix seconds) is the
	// earliest time the clock may show, 0 meaning ClockFloor().
	NTP        []string
	ClockFloor int64
	// Capabilities are kept as ambient capabilities; Sysctls are set at
	// boot, after config.Hardening's that they do not override; TmpSize
	// bounds /tmp; TmpExec lets the binary execute files on /tmp, /run
	// and /dev; CmdlineAppend is added to the board's kernel command
	// line.
	Capabilities  []string
	Sysctls       []config.Sysctl
	TmpSize       string
	TmpExec       bool
	CmdlineAppend string
	// Layers are extra layers, stacked in order before the app: tar files,
	// directories, or image references (all their layers). CACerts is a
	// PEM bundle installed as /etc/ssl/certs/ca-certificates.crt.
	Layers  []string
	CACerts string
	// User, Args and Env override what an image binary's config says;
	// nil means "as the image says" (65534:65534, no args, no env for a
	// file). Env entries override image entries of the same name.
	User *config.User
	Args []string
	Env  []string
	// Tag names the appliance in the store; "" means <binary>:<board>.
	Tag string
	// Out receives the artifacts (kernel, initrd.img); "" skips them.
	Out string
	// Push, if set, is the registry reference the appliance is pushed to.
	Push string
	// Version is recorded in the dev.wisp.version label.
	Version string
	// InitBinary overrides the embedded init binary (tests).
	InitBinary []byte
	// Warn receives warnings (one line each); nil drops them.
	Warn io.Writer
}

// Result describes a built appliance.
type Result struct {
	Tag       string     `json:"tag"`
	Digest    v1.Hash    `json:"digest"`
	Base      string     `json:"base"`
	Binary    string     `json:"binary"`
	Init      string     `json:"init,omitempty"`
	Modules   []string   `json:"modules"`
	Pushed    string     `json:"pushed,omitempty"`
	Artifacts *Artifacts `json:"artifacts,omitempty"`
}

// ErrNotBase is returned when --base names an image that is not a wisp
// base for the board.
var ErrNotBase = errors.New("not a wisp base")

// Build validates the binary, composes and stores the appliance image,
// pushes it if asked and, if req.Out is set, writes its artifacts.
func Build(ctx context.Context, src Sources, req Request) (*Result, error) {
	p := req.Board
	if req.Out != "" {
		if err := checkOut(req.Out); err != nil {
			return nil, err
		}
	}
	bin, err := src.binary(ctx, req)
	if err != nil {
		return nil, err
	}
	defer bin.close()
	if err := elfcheck.CheckFile(bin.file, elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
		if bin.image != nil {
			return nil, fmt.Errorf("%s in %s: %w", bin.image.Path, req.Binary, errors.Unwrap(err))
		}
		return nil, err
	}
	// What goes into the initramfs is bounded by the board's RAM before
	// it is compressed or flattened: the binary, then the extra layers.
	budget := initramfsBudget(p)
	if fi, err := os.Stat(bin.file); err != nil {
		return nil, fmt.Errorf("binary: %w", err)
	} else if err := budget.Spend(fi.Size()); err != nil {
		return nil, fmt.Errorf("binary %s: %w", req.Binary, err)
	}
	dest := path.Join("/app", bin.name)
	app, err := layers.Binary(bin.file, dest, layers.SpillTo(src.Store.TempDir()), layers.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	// Compressing the app layer is the longest step of a warm build; it
	// starts now, on its own core, and storing the image waits for it.
	go app.Layer.Digest()
	extra, err := src.extraLayers(ctx, req, budget)
	if err != nil {
		return nil, err
	}
	base, baseRef, err := src.baseImage(ctx, p, req.Base)
	if err != nil {
		return nil, err
	}
	baseCfg, err := checkBase(base, baseRef, p)
	if err != nil {
		return nil, err
	}
	kernel, modules, err := baseLayers(base, baseRef)
	if err != nil {
		return nil, err
	}
	mods, load, err := selectModules(ctx, src.Store, modules, p.Modules, p.StripModuleSignatures)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", baseRef, err)
	}
	ini, initRef, err := src.initLayer(ctx, p, req.Init, req.InitBinary)
	if err != nil {
		return nil, err
	}
	cfg, err := appConfig(req, bin, dest, load)
	if err != nil {
		return nil, err
	}
	conf, err := layers.Config(cfg)
	if err != nil {
		return nil, err
	}
	source, err := bin.source()
	if err != nil {
		return nil, err
	}
	labels := map[string]string{
		layers.LabelKind:          layers.KindAppliance,
		layers.LabelBoard:         p.Name,
		layers.LabelCmdline:       strings.TrimSpace(p.Kernel.Cmdline + " " + req.CmdlineAppend),
		layers.LabelKernelVersion: baseCfg.Config.Labels[layers.LabelKernelVersion],
		layers.LabelBase:          baseRef,
		layers.LabelBinary:        source,
		layers.LabelVersion:       req.Version,
	}
	if initRef != "" {
		labels[layers.LabelInit] = initRef
	}
	adds := slices.Concat(kernel, []mutate.Addendum{mods, ini}, extra, []mutate.Addendum{app, conf})
	img, err := compose(p, labels, v1.Config{
		Entrypoint: []string{dest},
		Cmd:        cfg.Exec.Args[1:],
		Env:        cfg.Exec.Env,
		User:       fmt.Sprintf("%d:%d", cfg.User.UID, cfg.User.GID),
	}, adds...)
	if err != nil {
		return nil, err
	}
	a := &appliance{img: img, cmdline: labels[layers.LabelCmdline]}
	for _, add := range adds {
		a.layers = append(a.layers, layerRole{add.Layer, layers.Role(add.Annotations[layers.AnnotationRole])})
	}
	tag := req.Tag
	if tag == "" {
		tag = bin.name + ":" + p.Name
	}
	// Storing the image (which compresses the new layers) and writing the
	// artifacts (which read them uncompressed) are independent: on two
	// cores they overlap, as long as the artifacts are written from the
	// layers as composed, not from img (see appliance).
	var artifacts *Artifacts
	artifactsDone := make(chan error, 1)
	go func() {
		var err error
		if req.Out != "" {
			artifacts, err = writeArtifacts(ctx, a, p, req.Out, src.Store)
		}
		artifactsDone <- err
	}()
	desc, err := src.Store.WriteImage(img, tag)
	aerr := <-artifactsDone
	// The output directory changes only once everything else succeeded.
	defer artifacts.discard()
	if err == nil && aerr != nil {
		return nil, aerr
	}
	if err != nil {
		return nil, fmt.Errorf("storing appliance: %w", err)
	}
	res := &Result{Tag: tag, Digest: desc.Digest, Base: baseRef, Binary: source, Init: initRef, Modules: load, Artifacts: artifacts}
	if req.Push != "" {
		pushed, err := src.push(ctx, req.Push, desc.Digest)
		if err != nil {
			return nil, err
		}
		res.Pushed = pushed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := artifacts.commit(); err != nil {
		return nil, err
	}
	return res, nil
}

// push uploads a stored image and returns REF@digest.
func (src Sources) push(ctx context.Context, ref string, digest v1.Hash) (string, error) {
	if src.Remote == nil {
		return "", fmt.Errorf("--push %s: no registry access was configured", ref)
	}
	img, err := src.Store.Image(digest.String())
	if err != nil {
		return "", err
	}
	m, err := baseMount(img)
	if err != nil {
		return "", err
	}
	return src.Remote.Push(ctx, ref, img, m)
}

// baseMount names the layers an appliance shares with its base, to be
// mounted from the base's repository when the base came from a registry.
func baseMount(img v1.Image) (oci.Mount, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return oci.Mount{}, err
	}
	base := cf.Config.Labels[layers.LabelBase]
	if !oci.IsRegistryRef(base) {
		return oci.Mount{}, nil
	}
	m, err := img.Manifest()
	if err != nil {
		return oci.Mount{}, err
	}
	mount := oci.Mount{From: base}
	for _, l := range m.Layers {
		switch layers.Role(l.Annotations[layers.AnnotationRole]) {
		case layers.RoleFirmware, layers.RoleKernel:
			mount.Layers = append(mount.Layers, l.Digest)
		}
	}
	return mount, nil
}

// appConfig merges the flags over what the binary's image says.
func appConfig(req Request, bin *binary, dest string, load []string) (*config.Config, error) {
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
	user := config.Nobody
	args, env := req.Args, req.Env
	if ib := bin.image; ib != nil {
		if args == nil {
			args = ib.Args
		}
		env = mergeEnv(ib.Env, req.Env)
		if u, ok, err := numericUser(ib.User); err != nil {
			return nil, fmt.Errorf("binary %s: %w", req.Binary, err)
		} else if ok && u.UID != 0 {
			user = u
		} else if ok && req.User == nil && req.Warn != nil {
			fmt.Fprintf(req.Warn, "warning: the image %s runs as root; the appliance runs it as %d:%d (say --user 0:0 to keep root, which is discouraged)\n", req.Binary, user.UID, user.GID)
		}
	}
	if req.User != nil {
		user = *req.User
		if user.UID == 0 && req.Warn != nil {
			fmt.Fprintln(req.Warn, "warning: the binary will run as root (--user 0:0); an appliance's one process rarely needs to, and --cap can grant single privileges instead")
		}
	}
	floor := req.ClockFloor
	if floor == 0 {
		floor = ClockFloor()
	}
	return &config.Config{
		Version:      config.Version,
		Hostname:     host,
		Modules:      load,
		Sysctls:      config.WithHardening(req.Sysctls),
		TmpSize:      req.TmpSize,
		TmpExec:      req.TmpExec,
		Network:      network,
		Clock:        config.Clock{Floor: floor, NTP: req.NTP},
		User:         user,
		Capabilities: req.Capabilities,
		Exec:         config.Exec{Path: dest, Args: append([]string{path.Base(dest)}, args...), Env: env},
	}, nil
}

// ClockFloor is the default earliest time of an appliance's clock, its
// build time: SOURCE_DATE_EPOCH when set (the reproducible-builds
// definition of build time), else the current day, midnight UTC — so that
// rebuilds on one day are identical, and certificates issued before the
// build are valid on boards without a real-time clock.
func ClockFloor() int64 {
	if t, ok := epoch.Set(); ok {
		return t.Unix()
	}
	return time.Now().UTC().Truncate(24 * time.Hour).Unix()
}

// numericUser reads an image config User: "UID" or "UID:GID" (GID
// defaults to UID). Names cannot be resolved without the image's
// /etc/passwd, so they are an error.
func numericUser(s string) (config.User, bool, error) {
	if s == "" {
		return config.User{}, false, nil
	}
	us, gs, hasGID := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(us, 10, 32)
	if err != nil {
		return config.User{}, false, fmt.Errorf("its config says User %q, which is not numeric: pass --user UID:GID", s)
	}
	gid := uid
	if hasGID {
		if gid, err = strconv.ParseUint(gs, 10, 32); err != nil {
			return config.User{}, false, fmt.Errorf("its config says User %q, which is not numeric: pass --user UID:GID", s)
		}
	}
	return config.User{UID: uint32(uid), GID: uint32(gid)}, true, nil
}

// mergeEnv returns base with the entries of over replacing those of the
// same name, in base's order, new names last.
func mergeEnv(base, over []string) []string {
	out := append([]string(nil), base...)
	for _, kv := range over {
		k, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, b := range out {
			if bk, _, _ := strings.Cut(b, "="); bk == k {
				out[i], replaced = kv, true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

// checkBase insists on a wisp base for the board.
func checkBase(img v1.Image, ref string, p *boards.Profile) (*v1.ConfigFile, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", ref, err)
	}
	if l := cf.Config.Labels; l[layers.LabelKind] != layers.KindBase || l[layers.LabelBoard] != p.Name {
		return nil, fmt.Errorf("%s: %w for %s (its labels say kind %q, board %q)", ref, ErrNotBase, p.Name, l[layers.LabelKind], l[layers.LabelBoard])
	}
	return cf, nil
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
				Created: v1.Time{Time: epoch.Time()}, CreatedBy: "wisp: from base " + d.Annotations[layers.AnnotationRole]}})
		case layers.RoleModules:
			modules = ls[i]
		}
	}
	if len(keep) == 0 || modules == nil {
		return nil, nil, fmt.Errorf("base %s: %w: it lacks a kernel or modules layer", ref, ErrNotBase)
	}
	return keep, modules, nil
}

// initramfsBudget bounds what a board's initramfs holds: while the kernel
// unpacks it, archive and contents are both in RAM, and the app needs room
// to run, so its contents alone may take at most half the RAM (fitsRAM
// then checks the archive too).
func initramfsBudget(p *boards.Profile) *limits.Budget {
	ram := int64(p.Memory()) << 20
	if ram <= 0 {
		ram = 2 * limits.Image
	}
	return &limits.Budget{What: "the initramfs", Why: fmt.Sprintf("half of board %s's %d MiB of RAM", p.Name, ram>>20), Limit: ram / 2}
}
