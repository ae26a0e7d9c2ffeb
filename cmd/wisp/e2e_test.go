package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cavaliergopher/cpio"
	"github.com/klauspost/compress/gzip"

	"github.com/wispboot/wisp/initbin"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
)

// e2e is what the boot tests share: a store holding a base imported from
// the real Debian kernel package, and the helloworld binary.
type e2e struct {
	cache, helloworld string
}

var (
	e2eOnce sync.Once
	e2eEnv  e2e
	e2eErr  string
)

// setupE2E fetches the kernel package (cached outside the clone), imports
// it and builds helloworld, once per test binary.
func setupE2E(t testing.TB) e2e {
	t.Helper()
	testenv.Tool(t, "qemu-system-x86_64", "qemu-system-x86")
	if _, err := initbin.For("amd64"); err != nil {
		testenv.Missing(t, "%v", err)
	}
	e2eOnce.Do(func() {
		deb, err := exec.Command("../../scripts/kernel-deb", "amd64").Output()
		if err != nil {
			e2eErr = fmt.Sprintf("fetching the Debian kernel package with scripts/kernel-deb: %v", err)
			return
		}
		dir, err := os.MkdirTemp("", "wisp-e2e-*")
		if err != nil {
			e2eErr = err.Error()
			return
		}
		e2eEnv.cache = filepath.Join(dir, "store")
		r := wisp(context.Background(), "--cache", e2eEnv.cache, "base", "import", "--target", "qemu-amd64", "--kernel-deb", strings.TrimSpace(string(deb)))
		if r.code != 0 || !strings.HasPrefix(r.stdout, "base-qemu-amd64:") {
			e2eErr = fmt.Sprintf("base import: %+v", r)
			return
		}
		e2eEnv.helloworld = filepath.Join(dir, "helloworld")
		cmd := exec.Command("go", "build", "-o", e2eEnv.helloworld, "../../testdata/helloworld")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if b, err := cmd.CombinedOutput(); err != nil {
			e2eErr = fmt.Sprintf("building helloworld: %v\n%s", err, b)
		}
	})
	if e2eErr != "" {
		testenv.Missing(t, "%s", e2eErr)
	}
	return e2eEnv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if e2eEnv.cache != "" {
		os.RemoveAll(filepath.Dir(e2eEnv.cache))
	}
	os.Exit(code)
}

// TestBootHelloworld builds the test app, checks the initrd, boots it under
// TCG and asks it over HTTP who it is: PID 1, uid 65534.
func TestBootHelloworld(t *testing.T) {
	env := setupE2E(t)
	out := t.TempDir()
	r := wisp(context.Background(), "--cache", env.cache, "build", "--target", "qemu-amd64", "--binary", env.helloworld,
		"--ip", "10.0.2.15/24", "--gateway", "10.0.2.2", "--dns", "10.0.2.3", "--out", out)
	if r.code != 0 {
		t.Fatalf("build: %+v", r)
	}
	checkInitrd(t, filepath.Join(out, "initrd.img"))

	port := registrytest.FreePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() {
		done <- wisp(ctx, "--cache", env.cache, "run", "--target", "qemu-amd64", "--binary", env.helloworld,
			"--forward", fmt.Sprintf("%d:8080", port), "--accel", "tcg", "--timeout", "5m")
	}()
	reply, err := get(fmt.Sprintf("http://127.0.0.1:%d/", port), done, 3*time.Minute)
	cancel()
	r = <-done
	if err != nil {
		t.Fatalf("GET /: %v\nconsole:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	t.Logf("reply: %s", reply)
	if !strings.Contains(reply, "pid=1 uid=65534 gid=65534") {
		t.Errorf("reply %q, want pid=1 uid=65534 gid=65534", reply)
	}
	if r.code != 0 || !strings.Contains(r.stderr, "stopped") {
		t.Errorf("run after Ctrl-C: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"wisp: modules  ok", "wisp: network  ok", "wisp: drop     ok", "wisp: exec /app/helloworld as 65534:65534"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestBinaryExitStopsQEMU boots a binary that exits at once: the kernel
// panics (PID 1 died), panic=-1 reboots, -no-reboot ends QEMU, and wisp run
// reports that the appliance stopped.
func TestBinaryExitStopsQEMU(t *testing.T) {
	env := setupE2E(t)
	bin := fixture.GoBinary(t, "quitter", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r := wisp(ctx, "--cache", env.cache, "run", "--target", "qemu-amd64", "--binary", bin, "--accel", "tcg")
	if ctx.Err() != nil {
		t.Fatalf("QEMU did not stop by itself:\n%s", r.stdout)
	}
	if r.code != 1 || !strings.Contains(r.stderr, "wisp: the appliance stopped") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "wisp: exec /app/quitter") {
		t.Errorf("console:\n%s", r.stdout)
	}
}

// checkInitrd lists the initrd: the console device, the init, the config,
// the app and the modules are there; no shell or busybox is.
func checkInitrd(t *testing.T, file string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r := cpio.NewReader(zr)
	seen := map[string]bool{}
	modules := 0
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		seen[h.Name] = true
		if strings.HasSuffix(h.Name, ".ko") {
			modules++
		}
		if b := path.Base(h.Name); b == "sh" || b == "busybox" || strings.HasSuffix(h.Name, "bin/sh") {
			t.Errorf("initrd holds %s", h.Name)
		}
	}
	for _, want := range []string{"dev/console", "init", "etc/wisp/config.json", "app/helloworld"} {
		if !seen[want] {
			t.Errorf("initrd lacks %s", want)
		}
	}
	if modules != 8 {
		t.Errorf("initrd holds %d modules, want the 8 of the virtio-net closure", modules)
	}
}

// get polls url until it answers, the run ends or the deadline passes.
func get(url string, done <-chan result, within time.Duration) (string, error) {
	deadline := time.Now().Add(within)
	// Before the guest listens, QEMU's slirp accepts the host side and
	// stalls it: a short timeout per attempt keeps the poll fine-grained.
	client := &http.Client{Timeout: 300 * time.Millisecond}
	for time.Now().Before(deadline) {
		select {
		case r := <-done:
			return "", fmt.Errorf("wisp run ended (exit %d) before answering: %s", r.code, r.stderr)
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			return string(b), err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("no answer within %s", within)
}
