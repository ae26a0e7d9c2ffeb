package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/initbin"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/layers"
)

// koImage makes a ko-style image of a binary: /ko-app/<name>, reached
// through a /usr/bin symlink too, with the entrypoint ko writes.
func koImage(t *testing.T, bin string) v1.Image {
	t.Helper()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	n := filepath.Base(bin)
	l, err := layers.Layer([]layers.File{
		layers.Bytes("ko-app/"+n, 0o755, b),
		{Path: "usr/bin/" + n, Mode: os.ModeSymlink | 0o777, Link: "/ko-app/" + n},
	})
	if err != nil {
		t.Fatal(err)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img, err = mutate.Append(img, mutate.Addendum{Layer: l})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.Entrypoint = []string{"/ko-app/" + n}
	cf.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin:/ko-app", "KO_DATA_PATH=/var/run/ko"}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestRegistryRoundTrip goes through the real CNCF registry: the imported
// Debian base is pushed; from an empty store an appliance is built from
// that base and an app image the test pushed, and pushed; from another
// empty store it is inspected, exported and booted by its reference alone.
func TestRegistryRoundTrip(t *testing.T) {
	env := setupE2E(t)
	reg := registrytest.CNCF(t, "", "")
	ctx := context.Background()
	baseRef := reg + "/wisp/base-qemu-amd64:6.1"
	appRef := reg + "/app/helloworld:1"
	applianceRef := reg + "/appliance/helloworld:1"

	r := wisp(ctx, "--cache", env.cache, "base", "push", "--target", "qemu-amd64", baseRef)
	if r.code != 0 || !strings.HasPrefix(r.stdout, baseRef+"@sha256:") {
		t.Fatalf("base push: %+v", r)
	}
	registrytest.Put(t, reg, "app/helloworld:1", koImage(t, env.helloworld))

	building := t.TempDir()
	r = wisp(ctx, "--cache", building, "build", "--target", "qemu-amd64", "--binary", appRef, "--base", baseRef,
		"--ip", "10.0.2.15/24", "--gateway", "10.0.2.2", "--push", applianceRef, "--json")
	if r.code != 0 {
		t.Fatalf("build --push: %+v", r)
	}
	var built struct{ Digest, Pushed, Base, Binary string }
	if err := json.Unmarshal([]byte(r.stdout), &built); err != nil {
		t.Fatalf("build --json: %v\n%s", err, r.stdout)
	}
	if built.Pushed != applianceRef+"@"+built.Digest || !strings.HasPrefix(built.Base, reg+"/wisp/base-qemu-amd64@sha256:") || !strings.HasPrefix(built.Binary, reg+"/app/helloworld@sha256:") {
		t.Errorf("build result %+v", built)
	}

	fresh := t.TempDir()
	r = wisp(ctx, "--cache", fresh, "inspect", applianceRef, "--json")
	var d struct {
		Kind, Board, Base, Binary string
		Entrypoint                []string
		Env                       []string
		Layers                    []struct{ Role string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); r.code != 0 || err != nil {
		t.Fatalf("inspect: %+v (%v)", r, err)
	}
	if d.Kind != "appliance" || d.Board != "qemu-amd64" || d.Base != built.Base || d.Binary != built.Binary ||
		!slices.Equal(d.Entrypoint, []string{"/app/helloworld"}) || len(d.Layers) != 5 || len(d.Env) < 2 || d.Env[1] != "KO_DATA_PATH=/var/run/ko" {
		t.Errorf("inspect = %+v", d)
	}

	out := t.TempDir()
	r = wisp(ctx, "--cache", t.TempDir(), "export", applianceRef, "--out", out, "--json")
	var exp struct {
		Artifacts struct {
			Files []struct{ Name, Path, SHA256 string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &exp); r.code != 0 || err != nil || len(exp.Artifacts.Files) != 2 {
		t.Fatalf("export: %+v (%v)", r, err)
	}
	for _, f := range exp.Artifacts.Files {
		b := testenv.ReadFile(t, f.Path)
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("export says %s has sha256 %s, the file has %x", f.Name, f.SHA256, sum)
		}
	}

	port := registrytest.FreePort(t)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		done <- wisp(runCtx, "--cache", t.TempDir(), "run", applianceRef, "--forward", fmt.Sprintf("%d:8080", port), "--accel", "tcg")
	}()
	reply, err := get(fmt.Sprintf("http://127.0.0.1:%d/", port), done, 3*time.Minute)
	cancel()
	r = <-done
	if err != nil {
		t.Fatalf("GET /: %v\nconsole:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	if !strings.Contains(reply, "pid=1 uid=65534") {
		t.Errorf("reply %q", reply)
	}
}

// TestRegistryAuth: a registry with htpasswd auth refuses a pull without
// credentials, or with wrong ones, in one clear line, and serves it with
// the right ones from DOCKER_CONFIG.
func TestRegistryAuth(t *testing.T) {
	reg := registrytest.CNCF(t, "wisp", "s3cret")
	ctx := context.Background()
	cache := t.TempDir()
	deb := filepath.Join(t.TempDir(), "kernel.deb")
	testenv.WriteFile(t, deb, fixture.KernelDeb("6.1.0-99-amd64").Bytes(), 0o644)
	if r := wisp(ctx, "--cache", cache, "base", "import", "--target", "qemu-amd64", "--kernel-deb", deb); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	ref := reg + "/wisp/base-qemu-amd64:test"
	good := registrytest.DockerConfig(t, reg, "wisp", "s3cret")
	bad := registrytest.DockerConfig(t, reg, "wisp", "wrong")
	none := t.TempDir()

	t.Setenv("DOCKER_CONFIG", none)
	if r := wisp(ctx, "--cache", cache, "base", "push", "--target", "qemu-amd64", ref); r.code != 1 || !strings.Contains(r.stderr, "unauthorized (HTTP 401)") {
		t.Errorf("push without credentials: %+v", r)
	}
	t.Setenv("DOCKER_CONFIG", good)
	if r := wisp(ctx, "--cache", cache, "base", "push", "--target", "qemu-amd64", ref); r.code != 0 {
		t.Fatalf("push with credentials: %+v", r)
	}
	// base import --push with credentials.
	if r := wisp(ctx, "--cache", t.TempDir(), "base", "import", "--target", "qemu-amd64", "--kernel-deb", deb, "--push", reg+"/wisp/imported:1"); r.code != 0 || !strings.Contains(r.stdout, reg+"/wisp/imported:1@sha256:") {
		t.Errorf("base import --push: %+v", r)
	}
	bin := fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	for _, tt := range []struct {
		name, config string
		ok           bool
	}{{"no credentials", none, false}, {"wrong credentials", bad, false}, {"right credentials", good, true}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOCKER_CONFIG", tt.config)
			r := wisp(ctx, "--cache", t.TempDir(), "build", "--target", "qemu-amd64", "--binary", bin, "--base", ref)
			if tt.ok {
				if r.code != 0 {
					t.Errorf("build: %+v", r)
				}
				return
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if r.code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "pulling "+ref+": unauthorized (HTTP 401)") {
				t.Errorf("exit %d, stderr %q; want one line saying the pull of %s is unauthorized", r.code, r.stderr, ref)
			}
		})
	}
}

// TestInitPush publishes the embedded inits and builds with one of them.
func TestInitPush(t *testing.T) {
	if _, err := initbin.For("amd64"); err != nil {
		testenv.Missing(t, "%v", err)
	}
	host, _ := registrytest.InProcess(t, nil)
	ctx := context.Background()
	ref := host + "/wisp/init:1"
	r := wisp(ctx, "init", "push", ref)
	if r.code != 0 || !strings.HasPrefix(r.stdout, ref+"@sha256:") {
		t.Fatalf("init push: %+v", r)
	}
	idx, err := remote.Index(mustParse(t, ref))
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var arches []string
	for _, m := range im.Manifests {
		if m.Platform == nil {
			t.Fatalf("init index entry %s has no platform", m.Digest)
		}
		arches = append(arches, m.Platform.Architecture)
	}
	if strings.Join(arches, ",") != "amd64,arm64,riscv64" {
		t.Errorf("init index platforms %v", arches)
	}
	cache := t.TempDir()
	deb := filepath.Join(t.TempDir(), "kernel.deb")
	testenv.WriteFile(t, deb, fixture.KernelDeb("6.1.0-99-amd64").Bytes(), 0o644)
	if r := wisp(ctx, "--cache", cache, "base", "import", "--target", "qemu-amd64", "--kernel-deb", deb); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	bin := fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	r = wisp(ctx, "--cache", cache, "build", "--target", "qemu-amd64", "--binary", bin, "--init", ref)
	if r.code != 0 || !strings.Contains(r.stdout, "init     "+host+"/wisp/init@sha256:") {
		t.Errorf("build --init: %+v", r)
	}
}

func mustParse(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
