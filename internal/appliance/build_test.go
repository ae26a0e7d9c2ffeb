package appliance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/internal/artifacts"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

const fixtureKernel = "6.1.0-99-amd64"

// fixtureStore returns a store holding the fixture base for qemu-amd64.
func fixtureStore(t *testing.T) (*oci.Store, *boards.Profile) {
	t.Helper()
	s, err := oci.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := boards.Lookup("qemu-amd64")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(context.Background(), s, p, Packages{KernelDeb: fixtureFile(t, fixture.KernelDeb(fixtureKernel).Bytes())}); err != nil {
		t.Fatal(err)
	}
	return s, p
}

// staticBinary builds a tiny static amd64 program.
func staticBinary(t *testing.T) string {
	return fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
}

func request(p *boards.Profile, bin, out string) job {
	return job{
		Board: p, Binary: bin, Out: out, InitBinary: []byte("stand-in init"), Version: "test",
		IP: []string{"10.0.2.15/24"}, Gateway: []string{"10.0.2.2"}, DNS: []string{"10.0.2.3"},
	}
}

// job is one build as the tests give it: inputs, settings, outputs and
// options in one struct.
type job struct {
	Board                       *boards.Profile
	Binary, BinaryPath          string
	Base, Init                  string
	Layers                      []string
	IP, Gateway, DNS, Args, Env []string
	User                        string
	Tag, Out, Push              string
	InitBinary                  []byte
	Version                     string
}

// build runs Build with what j says.
func build(ctx context.Context, src oci.Sources, j job) (*Result, error) {
	in := settings.Inputs{Board: j.Board, Binary: j.Binary, BinaryPath: j.BinaryPath, Base: j.Base, Init: j.Init, Layers: j.Layers}
	set := settings.Settings{IP: j.IP, Gateway: j.Gateway, DNS: j.DNS, Args: j.Args, Env: j.Env, User: j.User}
	out := settings.Outputs{Tag: j.Tag, Out: j.Out, Push: j.Push}
	return Build(ctx, src, in, set, out, WithInit(j.InitBinary), WithVersion(j.Version))
}

func TestBuild(t *testing.T) {
	s, p := fixtureStore(t)
	bin := staticBinary(t)
	out := filepath.Join(t.TempDir(), "out")
	res, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, out))
	if err != nil {
		t.Fatal(err)
	}
	img, err := s.Image(res.Tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(img); err != nil {
		t.Errorf("validate.Image: %v", err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, l := range m.Layers {
		roles = append(roles, l.Annotations[layers.AnnotationRole])
	}
	if got, want := strings.Join(roles, ","), "kernel,modules,init,app,config"; got != want {
		t.Errorf("layer roles = %s, want %s", got, want)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		layers.LabelKind: "appliance", layers.LabelBoard: "qemu-amd64", layers.LabelKernelVersion: fixtureKernel,
		layers.LabelCmdline: p.Kernel.Cmdline, layers.LabelBase: res.Base,
	} {
		if got := cf.Config.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}
	if cf.Architecture != "amd64" || cf.OS != "linux" || cf.Config.User != "65534:65534" || !slices.Equal(cf.Config.Entrypoint, []string{"/app/svc"}) {
		t.Errorf("config = %+v", cf)
	}
	if len(res.Modules) != 8 || !strings.HasSuffix(res.Modules[len(res.Modules)-1], "/virtio_net.ko") {
		t.Errorf("modules = %v", res.Modules)
	}
	k := testenv.ReadFile(t, filepath.Join(out, artifacts.KernelFile))
	if !bytes.Equal(k, fixture.Vmlinux) {
		t.Errorf("kernel is %d bytes, want the fixture's %d-byte vmlinux", len(k), len(fixture.Vmlinux))
	}
	ents := fixture.DirEntries(t, out)
	if len(ents) != 2 {
		t.Errorf("output directory holds %v, want kernel and initrd.img only", ents)
	}
}

// TestBuildIsReproducible builds with a cold and a warm module cache, in
// different stores and directories: the same digest and the same bytes.
func TestBuildIsReproducible(t *testing.T) {
	bin := staticBinary(t)
	var digests []v1.Hash
	var initrds [][]byte
	s1, p := fixtureStore(t)
	s2, _ := fixtureStore(t)
	for _, s := range []*oci.Store{s1, s1, s2} {
		out := t.TempDir()
		res, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, out))
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, res.Digest)
		b := testenv.ReadFile(t, res.Artifacts.Initrd)
		initrds = append(initrds, b)
	}
	for i := 1; i < len(digests); i++ {
		if digests[i] != digests[0] {
			t.Errorf("build %d digest %s, first %s", i, digests[i], digests[0])
		}
		if !bytes.Equal(initrds[i], initrds[0]) {
			t.Errorf("build %d initrd differs from the first", i)
		}
	}
	// Build writes its artifacts from the layers as it composed them;
	// export reads them from the stored image: the same bytes.
	img, err := s1.Image(digests[0].String())
	if err != nil {
		t.Fatal(err)
	}
	a, err := artifacts.Export(context.Background(), img, p, t.TempDir(), s1)
	if err != nil {
		t.Fatal(err)
	}
	if b := testenv.ReadFile(t, a.Initrd); !bytes.Equal(b, initrds[0]) {
		t.Error("the stored image's initrd differs from the one its build wrote")
	}
}

func TestBuildRejects(t *testing.T) {
	s, p := fixtureStore(t)
	bin := staticBinary(t)
	text := filepath.Join(t.TempDir(), "script.sh")
	testenv.WriteFile(t, text, []byte("#!/bin/sh\n"), 0o755)
	file := filepath.Join(t.TempDir(), "a-file")
	testenv.WriteFile(t, file, nil, 0o644)

	for _, tt := range []struct {
		name string
		edit func(*job)
		want error
		text string
	}{
		{"non-ELF binary", func(r *job) { r.Binary = text }, elfcheck.ErrNotELF, text},
		{"missing binary", func(r *job) { r.Binary = "/nonexistent/svc" }, os.ErrNotExist, "/nonexistent/svc"},
		{"unknown base", func(r *job) { r.Base = "base-qemu-amd64:nope" }, nil, "import one with `wisp base import"},
		{"out is under a file", func(r *job) { r.Out = filepath.Join(file, "out") }, nil, "output directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := request(p, bin, filepath.Join(t.TempDir(), "out"))
			tt.edit(&req)
			_, err := build(context.Background(), oci.Sources{Store: s}, req)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("err = %v, want %v naming %q", err, tt.want, tt.text)
			}
		})
	}
}

func TestBuildRejectsNonBase(t *testing.T) {
	s, p := fixtureStore(t)
	bin := staticBinary(t)
	res, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, ""))
	if err != nil {
		t.Fatal(err)
	}
	req := request(p, bin, "")
	req.Base = res.Tag // an appliance is not a base
	if _, err := build(context.Background(), oci.Sources{Store: s}, req); !errors.Is(err, ErrNotBase) {
		t.Errorf("err = %v, want ErrNotBase", err)
	}
}

// TestBuildDetectsCorruptStore corrupts the base's modules blob: the build
// fails naming the blob, and writes nothing.
func TestBuildDetectsCorruptStore(t *testing.T) {
	s, p := fixtureStore(t)
	base, err := s.Image(BaseTag(p.Name, "latest"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := base.Manifest()
	if err != nil || len(m.Layers) < 2 {
		t.Fatalf("the fixture base's manifest: %v, %+v", err, m)
	}
	blob := filepath.Join(s.Dir(), "blobs", "sha256", m.Layers[1].Digest.Hex)
	b := testenv.ReadFile(t, blob)
	if len(b) == 0 {
		t.Fatalf("the modules blob %s is empty", blob)
	}
	b[len(b)/2] ^= 0xff
	testenv.WriteFile(t, blob, b, 0o644)
	out := filepath.Join(t.TempDir(), "out")
	_, err = build(context.Background(), oci.Sources{Store: s}, request(p, staticBinary(t), out))
	if !errors.Is(err, oci.ErrCorrupt) || !strings.Contains(err.Error(), m.Layers[1].Digest.Hex) {
		t.Fatalf("err = %v, want ErrCorrupt naming the blob", err)
	}
	// The build fails before it makes out: one that does not exist holds
	// nothing.
	ents := fixture.DirEntriesIfExists(t, out)
	if len(ents) != 0 {
		t.Errorf("output directory holds %v after a failed build", ents)
	}
}

func TestImportRejectsWrongArchitecture(t *testing.T) {
	s, err := oci.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := boards.Lookup("qemu-amd64")
	if err != nil {
		t.Fatal(err)
	}
	arm := *p
	arm.Platform.Architecture = "arm64"
	_, err = Import(context.Background(), s, &arm, Packages{KernelDeb: fixtureFile(t, fixture.KernelDeb(fixtureKernel).Bytes())})
	if err == nil || !strings.Contains(err.Error(), "the kernel is an x86 bzImage, the board is arm64") {
		t.Fatalf("err = %v", err)
	}
	tags, err := s.Tags()
	if err != nil {
		t.Fatal(err)
	}
	ents := fixture.DirEntries(t, s.TempDir())
	if len(tags) != 0 || len(ents) != 0 {
		t.Errorf("a rejected import left tags %v and files %v", tags, ents)
	}
}

// fixtureFile writes b to a temp file and returns its path.
func fixtureFile(t *testing.T, b []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "fixture")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// rememberedBlobs are the files of the blobs the store's memos name as
// segment archives and boot files (package artifacts remembers them).
func rememberedBlobs(t *testing.T, s *oci.Store) (archives, boot []string) {
	t.Helper()
	memos, err := filepath.Glob(filepath.Join(s.Dir(), "memo", "*"))
	if err != nil {
		t.Fatal(err)
	}
	blob := func(h string) string {
		return filepath.Join(s.Dir(), "blobs", "sha256", strings.TrimPrefix(h, "sha256:"))
	}
	for _, m := range memos {
		var rec struct { // a segment's record; other memos have neither field
			Archive string
			Boot    []struct{ Blob v1.Hash }
		}
		if err := json.Unmarshal(testenv.ReadFile(t, m), &rec); err != nil {
			t.Fatalf("memo %s: %v", m, err)
		}
		if rec.Archive != "" {
			archives = append(archives, blob(rec.Archive))
		}
		for _, bf := range rec.Boot {
			boot = append(boot, blob(bf.Blob.String()))
		}
	}
	return archives, boot
}

// TestSegmentCacheSurvivesCorruption damages every cached boot file and
// segment in the store: the next build notices, makes them again and
// writes the same bytes.
func TestSegmentCacheSurvivesCorruption(t *testing.T) {
	s, p := fixtureStore(t)
	bin := staticBinary(t)
	first, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	want := testenv.ReadFile(t, first.Artifacts.Initrd)
	wantKernel := testenv.ReadFile(t, first.Artifacts.Kernel)
	archives, boot := rememberedBlobs(t, s)
	damaged := 0
	for _, f := range append(archives, boot...) {
		testenv.WriteFile(t, f, []byte("damaged"), 0o644)
		damaged++
	}
	if damaged == 0 {
		t.Fatal("no cached segment or boot file found to damage")
	}
	second, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, t.TempDir()))
	if err != nil {
		t.Fatalf("build over a damaged cache: %v", err)
	}
	got := testenv.ReadFile(t, second.Artifacts.Initrd)
	gotKernel := testenv.ReadFile(t, second.Artifacts.Kernel)
	if !bytes.Equal(got, want) || !bytes.Equal(gotKernel, wantKernel) {
		t.Error("a build over a damaged cache wrote different artifacts")
	}
}

// TestRebuildKeepsKernel: building again into the same directory leaves
// a kernel that is already right as it is, and replaces one that is not.
func TestRebuildKeepsKernel(t *testing.T) {
	s, p := fixtureStore(t)
	bin := staticBinary(t)
	out := t.TempDir()
	first, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, out))
	if err != nil {
		t.Fatal(err)
	}
	want := testenv.ReadFile(t, first.Artifacts.Kernel)
	before, err := os.Stat(first.Artifacts.Kernel)
	if err != nil {
		t.Fatal(err)
	}
	second, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, out))
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(second.Artifacts.Kernel)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the second build replaced a kernel that was already right")
	}
	if !reflect.DeepEqual(first.Artifacts.Files, second.Artifacts.Files) {
		t.Errorf("files reported: first %+v, second %+v", first.Artifacts.Files, second.Artifacts.Files)
	}
	// A kernel changed in place (same size) is written again.
	if len(want) == 0 {
		t.Fatalf("the kernel %s is empty", first.Artifacts.Kernel)
	}
	damaged := bytes.Clone(want)
	damaged[len(damaged)/2] ^= 0xff
	if err := os.WriteFile(first.Artifacts.Kernel, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(context.Background(), oci.Sources{Store: s}, request(p, bin, out)); err != nil {
		t.Fatal(err)
	}
	if got := testenv.ReadFile(t, first.Artifacts.Kernel); !bytes.Equal(got, want) {
		t.Error("a damaged kernel in the output directory was left as it was")
	}
}

// TestFailedBuildLeavesOut: a build that fails after its files are
// written (here: the push) leaves the output directory as it was, for a
// QEMU board and for a disk board.
func TestFailedBuildLeavesOut(t *testing.T) {
	closed := registrytest.ClosedAddr(t)
	t.Run("qemu-amd64", func(t *testing.T) {
		s, p := fixtureStore(t)
		out := t.TempDir()
		testenv.WriteFile(t, filepath.Join(out, "kernel"), []byte("the previous kernel"), 0o644)
		req := request(p, staticBinary(t), out)
		req.Push = closed + "/x:1"
		_, err := build(context.Background(), oci.Sources{Store: s, Remote: oci.NewRemote()}, req)
		if err == nil {
			t.Fatal("the push to a closed port worked")
		}
		checkOnly(t, out, map[string]string{"kernel": "the previous kernel"})
	})
	t.Run("pi4", func(t *testing.T) {
		s, p := piStore(t, "pi4")
		out := t.TempDir()
		_, err := build(context.Background(), oci.Sources{Store: s, Remote: oci.NewRemote()}, job{Board: p, Binary: armBinary(t, 0x10000), Out: out, InitBinary: []byte("i"), Push: closed + "/x:1"})
		if err == nil {
			t.Fatal("the push to a closed port worked")
		}
		checkOnly(t, out, nil)
	})
}

// checkOnly fails unless dir holds exactly the files of want, with their
// contents.
func checkOnly(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	ents := fixture.DirEntries(t, dir)
	if len(ents) != len(want) {
		t.Errorf("%s holds %v, want only %v", dir, ents, want)
	}
	for name, content := range want {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != content {
			t.Errorf("%s is %q (%v), want %q", name, b, err, content)
		}
	}
}
