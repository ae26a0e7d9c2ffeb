package appliance

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/internal/appbinary"
	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// testRegistry is an in-process registry holding the registry-testdata
// layouts: the fake base and the app images.
type testRegistry struct {
	host    string
	counter *registrytest.Counter
}

func newTestRegistry(t *testing.T) *testRegistry {
	t.Helper()
	host, c := registrytest.InProcess(t, nil)
	r := &testRegistry{host: host, counter: c}
	r.put(t, "wisp/base-qemu-amd64:6.1", fixture.LayoutImage(t, "base-qemu-amd64"))
	r.put(t, "app:1", fixture.LayoutIndex(t, "app-index"))
	r.put(t, "ko:1", fixture.LayoutImage(t, "app-ko"))
	r.put(t, "arm64-only:1", fixture.LayoutImage(t, "app-arm64-only"))
	return r
}

// put pushes an image or index as repo:tag with ggcr, not through wisp.
func (r *testRegistry) put(t *testing.T, repoTag string, x any) string {
	return registrytest.Put(t, r.host, repoTag, x)
}

func (r *testRegistry) ref(repoTag string) string { return r.host + "/" + repoTag }

func (r *testRegistry) sources(t *testing.T) oci.Sources {
	t.Helper()
	s, err := oci.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return oci.Sources{Store: s, Remote: oci.NewRemote(), Pull: oci.PullMissing}
}

func qemuAMD64(t *testing.T) *boards.Profile {
	t.Helper()
	p, err := boards.Lookup("qemu-amd64")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBuildFromRegistry builds from a base and an app index in a registry,
// pushes the appliance and reads it back.
func TestBuildFromRegistry(t *testing.T) {
	reg := newTestRegistry(t)
	src := reg.sources(t)
	ctx := context.Background()
	res, err := build(ctx, src, job{
		Board: qemuAMD64(t), Binary: reg.ref("app:1"), Base: reg.ref("wisp/base-qemu-amd64:6.1"),
		InitBinary: fixture.TinyELF("amd64"), Push: reg.ref("appliance:1"), Version: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	baseDigest, err := fixture.LayoutImage(t, "base-qemu-amd64").Digest()
	if err != nil {
		t.Fatal(err)
	}
	if want := reg.ref("wisp/base-qemu-amd64") + "@" + baseDigest.String(); res.Base != want {
		t.Errorf("base = %s, want %s", res.Base, want)
	}
	if !strings.HasPrefix(res.Binary, reg.ref("app")+"@sha256:") {
		t.Errorf("binary source = %s", res.Binary)
	}
	if want := reg.ref("appliance:1") + "@" + res.Digest.String(); res.Pushed != want {
		t.Errorf("pushed = %s, want %s", res.Pushed, want)
	}
	pushed, err := remote.Image(mustRef(t, reg.ref("appliance:1")))
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(pushed); err != nil {
		t.Errorf("validate.Image(pushed appliance): %v", err)
	}
	d, err := Describe(context.Background(), pushed, reg.ref("appliance:1"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Description{Kind: "appliance", Board: "qemu-amd64", Base: res.Base, Binary: res.Binary, WispVersion: "test",
		Entrypoint: []string{"/app/svc"}, Args: []string{"--port", "8080"}, Env: []string{"PATH=/", "GREETING=hi"},
		User: &config.User{UID: 1000, GID: 1000}}
	if d.Kind != want.Kind || d.Board != want.Board || d.Base != want.Base || d.Binary != want.Binary || d.WispVersion != want.WispVersion ||
		!reflect.DeepEqual(d.Entrypoint, want.Entrypoint) || !reflect.DeepEqual(d.Args, want.Args) || !reflect.DeepEqual(d.Env, want.Env) || d.User == nil || *d.User != *want.User {
		t.Errorf("pushed appliance describes as\n%+v\nwant\n%+v", d, want)
	}
	var roles []string
	for _, l := range d.Layers {
		roles = append(roles, l.Role)
	}
	if got := strings.Join(roles, ","); got != "kernel,modules,init,app,config" {
		t.Errorf("pushed layer roles %s", got)
	}

	// A second build reuses the stored base: no request for it.
	before := len(reg.counter.Requests("/wisp/base-qemu-amd64/"))
	if _, err := build(ctx, src, job{Board: qemuAMD64(t), Binary: reg.ref("app:1"), Base: reg.ref("wisp/base-qemu-amd64:6.1"), InitBinary: []byte("i")}); err != nil {
		t.Fatal(err)
	}
	if after := reg.counter.Requests("/wisp/base-qemu-amd64/"); len(after) != before {
		t.Errorf("second build asked the registry for the base again: %v", after[min(before, len(after)):])
	}
}

// TestRepushUploadsOnlyNewBlobs pushes an appliance, changes only the
// binary, and pushes again: only the new blobs travel.
func TestRepushUploadsOnlyNewBlobs(t *testing.T) {
	reg := newTestRegistry(t)
	src := reg.sources(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "svc")
	build := func(elf []byte) *Result {
		t.Helper()
		if err := os.WriteFile(bin, elf, 0o755); err != nil {
			t.Fatal(err)
		}
		res, err := build(context.Background(), src, job{Board: qemuAMD64(t), Binary: bin, Base: reg.ref("wisp/base-qemu-amd64:6.1"),
			InitBinary: []byte("init"), Push: reg.ref("svc-appliance:1")})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	_, _, m0 := reg.counter.Snapshot()
	n0 := len(reg.counter.Uploaded())
	first := build(fixture.TinyELF("amd64"))
	n1 := len(reg.counter.Uploaded())
	second := build(fixture.TinyELFAligned("amd64", 0x1000)) // other bytes, same name
	_, _, m2 := reg.counter.Snapshot()
	up := reg.counter.Uploaded()

	// First push: every blob but the base's kernel layer, which the
	// registry holds already (mounted from, or deduplicated with, the base).
	m, _ := manifestOf(t, src, first.Digest)
	want := map[string]string{m.Config.Digest.String(): "config-blob"}
	for _, l := range m.Layers {
		if role := l.Annotations[layers.AnnotationRole]; role != "kernel" {
			want[l.Digest.String()] = role
		}
	}
	if got := up[n0:n1]; !sameSet(got, want) {
		t.Errorf("first push uploaded %v, want %v", got, want)
	}
	// Re-push: exactly the blobs the second appliance does not share with
	// the first — never the kernel, modules or init.
	newOnes := newBlobs(t, src, first.Digest, second.Digest)
	if got := up[n1:]; !sameSet(got, newOnes) {
		t.Errorf("re-push uploaded %v, want %v", got, newOnes)
	}
	for _, role := range newOnes {
		if role == "kernel" || role == "modules" || role == "init" {
			t.Errorf("an app change made the %s layer new", role)
		}
	}
	if m2-m0 != 2 {
		t.Errorf("two pushes put %d manifests, want 2", m2-m0)
	}
}

func sameSet(got []string, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, d := range got {
		if _, ok := want[d]; !ok {
			return false
		}
	}
	return true
}

func manifestOf(t *testing.T, src oci.Sources, d v1.Hash) (*v1.Manifest, v1.Image) {
	t.Helper()
	img, err := src.Store.Image(d.String())
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	return m, img
}

// newBlobs maps the digests of the blobs of b that a does not have to
// their role ("config-blob" for the image config).
func newBlobs(t *testing.T, src oci.Sources, a, b v1.Hash) map[string]string {
	ma, _ := manifestOf(t, src, a)
	mb, _ := manifestOf(t, src, b)
	have := map[v1.Hash]bool{ma.Config.Digest: true}
	for _, l := range ma.Layers {
		have[l.Digest] = true
	}
	out := map[string]string{}
	if !have[mb.Config.Digest] {
		out[mb.Config.Digest.String()] = "config-blob"
	}
	for _, l := range mb.Layers {
		if !have[l.Digest] {
			out[l.Digest.String()] = l.Annotations[layers.AnnotationRole]
		}
	}
	return out
}

func TestBinaryImages(t *testing.T) {
	reg := newTestRegistry(t)
	noEntry, err := mutate.Config(mustLayoutImage(t, "app-ko"), v1.Config{})
	if err != nil {
		t.Fatal(err)
	}
	reg.put(t, "noentry:1", noEntry)
	wrongArch, err := mutate.ConfigFile(mustLayoutImage(t, "app-arm64-only"), &v1.ConfigFile{
		Architecture: "amd64", OS: "linux", Config: v1.Config{Entrypoint: []string{"/svc"}},
		RootFS: v1.RootFS{Type: "layers", DiffIDs: diffIDs(t, mustLayoutImage(t, "app-arm64-only"))}})
	if err != nil {
		t.Fatal(err)
	}
	reg.put(t, "lies-about-arch:1", wrongArch)
	reg.put(t, "not-a-base:1", fixture.LayoutImage(t, "app-ko"))
	pie := fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"}, "-buildmode=pie")
	pieBytes := testenv.ReadFile(t, pie)
	dynLayer, err := layers.Layer([]layers.File{layers.Bytes("svc", 0o755, pieBytes)})
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := mutate.AppendLayers(mustLayoutImage(t, "app-ko"), dynLayer)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err = mutate.Config(dyn, v1.Config{Entrypoint: []string{"/svc"}})
	if err != nil {
		t.Fatal(err)
	}
	reg.put(t, "dynamic:1", dyn)

	for _, tt := range []struct {
		name, binary, binaryPath, base string
		wantErr                        error
		wantText                       string
		wantArgs                       []string
	}{
		{name: "index picks amd64", binary: "app:1", wantArgs: []string{"--port", "8080"}},
		{name: "ko image", binary: "ko:1"},
		{name: "ko image, binary path through PATH", binary: "ko:1", binaryPath: "app"},
		{name: "platform not in the image", binary: "arm64-only:1", wantErr: oci.ErrPlatform, wantText: "it is for linux/arm64/v8, the board needs linux/amd64"},
		{name: "no entrypoint", binary: "noentry:1", wantErr: appbinary.ErrNoEntrypoint, wantText: "--binary-path"},
		{name: "dynamic binary", binary: "dynamic:1", wantErr: elfcheck.ErrDynamic, wantText: "/svc in " + reg.ref("dynamic:1") + ": not statically linked"},
		{name: "wrong-arch binary", binary: "lies-about-arch:1", wantErr: elfcheck.ErrArch, wantText: "/svc in " + reg.ref("lies-about-arch:1")},
		{name: "unknown tag", binary: "app:2", wantErr: oci.ErrNoSuchImage, wantText: reg.ref("app:2")},
		{name: "base that is not a base", binary: "app:1", base: "not-a-base:1", wantErr: ErrNotBase},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := "wisp/base-qemu-amd64:6.1"
			if tt.base != "" {
				base = tt.base
			}
			src := reg.sources(t)
			res, err := build(context.Background(), src, job{Board: qemuAMD64(t), Binary: reg.ref(tt.binary), BinaryPath: tt.binaryPath,
				Base: reg.ref(base), InitBinary: []byte("init")})
			if tt.wantErr != nil || tt.wantText != "" {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(fmt0(err), tt.wantText) {
					t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, img := manifestOf(t, src, res.Digest)
			d, err := Describe(context.Background(), img, "")
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantArgs != nil && !reflect.DeepEqual(d.Args, tt.wantArgs) {
				t.Errorf("args = %q, want %q", d.Args, tt.wantArgs)
			}
			if err := validate.Image(img); err != nil {
				t.Errorf("validate.Image: %v", err)
			}
		})
	}
}

// TestFlagsOverrideImageDefaults: --arg replaces, --env overrides by name,
// --user wins over the image's numeric user.
func TestFlagsOverrideImageDefaults(t *testing.T) {
	reg := newTestRegistry(t)
	src := reg.sources(t)
	res, err := build(context.Background(), src, job{Board: qemuAMD64(t), Binary: reg.ref("app:1"), Base: reg.ref("wisp/base-qemu-amd64:6.1"),
		InitBinary: []byte("init"), Args: []string{"--port", "9090"}, Env: []string{"GREETING=hello", "NEW=1"}, User: "7:8"})
	if err != nil {
		t.Fatal(err)
	}
	_, img := manifestOf(t, src, res.Digest)
	d, err := Describe(context.Background(), img, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Args, []string{"--port", "9090"}) || !reflect.DeepEqual(d.Env, []string{"PATH=/", "GREETING=hello", "NEW=1"}) || d.User == nil || *d.User != (config.User{UID: 7, GID: 8}) {
		t.Errorf("args %q env %q user %v", d.Args, d.Env, d.User)
	}
}

func TestInitFromRegistry(t *testing.T) {
	reg := newTestRegistry(t)
	idx, err := compose.InitIndex("test", func(arch string) ([]byte, error) { return fixture.TinyELF(arch), nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Errorf("validate.Index(init index): %v", err)
	}
	reg.put(t, "wisp/init:1", idx)
	src := reg.sources(t)
	res, err := build(context.Background(), src, job{Board: qemuAMD64(t), Binary: reg.ref("app:1"), Base: reg.ref("wisp/base-qemu-amd64:6.1"), Init: reg.ref("wisp/init:1")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Init, reg.ref("wisp/init")+"@sha256:") {
		t.Errorf("init source = %q", res.Init)
	}
	want, err := layers.Init(fixture.TinyELF("amd64"))
	if err != nil {
		t.Fatal(err)
	}
	wantDigest, err := want.Layer.Digest()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := manifestOf(t, src, res.Digest)
	if len(m.Layers) < 3 {
		t.Fatalf("the appliance has %d layers, want the init third", len(m.Layers))
	}
	if m.Layers[2].Digest != wantDigest || m.Layers[2].Annotations[layers.AnnotationRole] != "init" {
		t.Errorf("init layer %v, want %s", m.Layers[2], wantDigest)
	}
	// An init image whose /init is for another architecture is refused.
	arm, err := idx.Image(mustIndexDigest(t, idx, "arm64"))
	if err != nil {
		t.Fatal(err)
	}
	reg.put(t, "wisp/init-arm:1", arm)
	_, err = build(context.Background(), reg.sources(t), job{Board: qemuAMD64(t), Binary: reg.ref("app:1"), Base: reg.ref("wisp/base-qemu-amd64:6.1"), Init: reg.ref("wisp/init-arm:1")})
	if !errors.Is(err, oci.ErrPlatform) {
		t.Errorf("arm64 init for an amd64 board: err = %v, want ErrPlatform", err)
	}
}

func mustIndexDigest(t *testing.T, idx v1.ImageIndex, arch string) v1.Hash {
	t.Helper()
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range im.Manifests {
		if m.Platform != nil && m.Platform.Architecture == arch {
			return m.Digest
		}
	}
	t.Fatalf("no %s in the index", arch)
	return v1.Hash{}
}

func mustRef(t *testing.T, s string) name.Reference {
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustLayoutImage(t *testing.T, n string) v1.Image { return fixture.LayoutImage(t, n) }

func diffIDs(t *testing.T, img v1.Image) []v1.Hash {
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return cf.RootFS.DiffIDs
}

func fmt0(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestDefaultBase: with no --base and nothing in the store, the board's
// default base reference is pulled (here from a profile file pointing at
// the test registry), and recorded.
func TestDefaultBase(t *testing.T) {
	reg := newTestRegistry(t)
	p := *qemuAMD64(t)
	p.Base = reg.ref("wisp/base-qemu-amd64:6.1")
	src := reg.sources(t)
	res, err := build(context.Background(), src, job{Board: &p, Binary: reg.ref("app:1"), InitBinary: []byte("init")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Base, reg.ref("wisp/base-qemu-amd64")+"@sha256:") {
		t.Errorf("base = %s, want the board's default", res.Base)
	}
	src.Pull = oci.PullNever
	before := len(reg.counter.Requests("/"))
	if _, err := build(context.Background(), src, job{Board: &p, Binary: reg.ref("app:1"), InitBinary: []byte("init")}); err != nil {
		t.Errorf("second build offline: %v", err)
	}
	if asked := reg.counter.Requests("/")[before:]; len(asked) != 0 {
		t.Errorf("the build with --pull never asked the registry: %v", asked)
	}
}

// TestExtraLayerFromImage: --layer REF stacks the image's layers, as extra
// layers, between the init and the app; an image whose layers would
// replace what wisp makes (the ko image's /etc/passwd) is refused.
func TestExtraLayerFromImage(t *testing.T) {
	reg := newTestRegistry(t)
	src := reg.sources(t)
	tz, err := layers.Layer([]layers.File{
		layers.Bytes("usr/share/zoneinfo/UTC", 0o644, []byte("TZif2")),
		{Path: "etc/localtime", Mode: os.ModeSymlink | 0o777, Link: "/usr/share/zoneinfo/UTC"},
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := layers.Layer([]layers.File{layers.Bytes("srv/data/index.html", 0o644, []byte("<p>hi</p>"))})
	if err != nil {
		t.Fatal(err)
	}
	img, err := compose.Image(v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Config{}, mutate.Addendum{Layer: tz}, mutate.Addendum{Layer: data})
	if err != nil {
		t.Fatal(err)
	}
	reg.put(t, "tz:1", img)
	res, err := build(context.Background(), src, job{Board: qemuAMD64(t), Binary: reg.ref("app:1"), Base: reg.ref("wisp/base-qemu-amd64:6.1"),
		InitBinary: []byte("init"), Layers: []string{reg.ref("tz:1")}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := manifestOf(t, src, res.Digest)
	var roles []string
	for _, l := range m.Layers {
		roles = append(roles, l.Annotations[layers.AnnotationRole])
	}
	if got, want := strings.Join(roles, ","), "kernel,modules,init,extra,extra,app,config"; got != want {
		t.Errorf("roles %s, want %s", got, want)
	}
	if len(m.Layers) < 5 {
		t.Fatalf("the appliance has %d layers, want the extra ones fourth and fifth", len(m.Layers))
	}
	for i, l := range []v1.Layer{tz, data} {
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if m.Layers[3+i].Digest != d {
			t.Errorf("extra layer %d is %s, want the image's %s", i, m.Layers[3+i].Digest, d)
		}
	}
	_, err = build(context.Background(), src, job{Board: qemuAMD64(t), Binary: reg.ref("app:1"), Base: reg.ref("wisp/base-qemu-amd64:6.1"),
		InitBinary: []byte("init"), Layers: []string{reg.ref("ko:1")}})
	if !errors.Is(err, layers.ErrNotAllowed) || !strings.Contains(err.Error(), "etc/passwd would replace /etc/passwd, which wisp makes") {
		t.Errorf("an image layer with /etc/passwd: err = %v, want ErrNotAllowed", err)
	}
}
