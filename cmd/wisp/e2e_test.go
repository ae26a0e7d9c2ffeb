package main

import (
	"context"
	"encoding/json"
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

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/initrd"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/initbin"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
)

// e2e is what the boot tests share: one store holding the bases imported
// from real Debian packages, and the helloworld binary per architecture.
type e2e struct {
	cache, helloworld string
}

// e2eBoards says how to make each board's base: the Debian architecture
// of its kernel package, and whether it needs raspi-firmware.
var e2eBoards = map[string]struct {
	arch     string
	firmware bool
}{
	"qemu-amd64":   {"amd64", false},
	"qemu-arm64":   {"arm64", false},
	"qemu-riscv64": {"riscv64", false},
	"raspi3b":      {"arm64", true},
}

var (
	e2eMu    sync.Mutex
	e2eDir   string
	e2eReady = map[string]e2e{}
	e2eErrs  = map[string]string{}
)

// setupE2E is setupBoard for qemu-amd64.
func setupE2E(t testing.TB) e2e { return setupBoard(t, "qemu-amd64") }

// setupBoard fetches the board's kernel package (cached outside the clone,
// checked against apt's index), imports it, and builds helloworld for its
// architecture, once per test binary.
func setupBoard(t testing.TB, board string) e2e {
	t.Helper()
	spec := e2eBoards[board]
	p, err := boards.Lookup(board)
	if err != nil {
		t.Fatal(err)
	}
	if p.QEMU != nil {
		testenv.Tool(t, p.QEMU.Binary, p.QEMU.Package)
	}
	goarch := p.Platform.Architecture
	if _, err := initbin.For(goarch); err != nil {
		testenv.Missing(t, "%v", err)
	}
	e2eMu.Lock()
	defer e2eMu.Unlock()
	if msg, failed := e2eErrs[board]; failed {
		testenv.Missing(t, "%s", msg)
	}
	if env, ok := e2eReady[board]; ok {
		return env
	}
	env, err := prepare(board, spec.arch, spec.firmware, goarch)
	if err != nil {
		e2eErrs[board] = err.Error()
		testenv.Missing(t, "%v", err)
	}
	e2eReady[board] = env
	return env
}

func prepare(board, arch string, firmware bool, goarch string) (e2e, error) {
	if e2eDir == "" {
		dir, err := os.MkdirTemp("", "wisp-e2e-*")
		if err != nil {
			return e2e{}, err
		}
		e2eDir = dir
	}
	deb, err := exec.Command("../../scripts/kernel-deb", arch).Output()
	if err != nil {
		return e2e{}, fmt.Errorf("fetching the Debian %s kernel package with scripts/kernel-deb: %v", arch, err)
	}
	env := e2e{cache: filepath.Join(e2eDir, "store"), helloworld: filepath.Join(e2eDir, goarch, "helloworld")}
	args := []string{"--cache", env.cache, "base", "import", "--target", board, "--kernel-deb", strings.TrimSpace(string(deb))}
	if firmware {
		fw, err := exec.Command("../../scripts/firmware-deb").Output()
		if err != nil {
			return e2e{}, fmt.Errorf("fetching raspi-firmware with scripts/firmware-deb: %v", err)
		}
		args = append(args, "--firmware-deb", strings.TrimSpace(string(fw)))
	}
	if r := wisp(context.Background(), args...); r.code != 0 || !strings.HasPrefix(r.stdout, "base-"+board+":") {
		return e2e{}, fmt.Errorf("base import for %s: %+v", board, r)
	}
	cmd := exec.Command("go", "build", "-o", env.helloworld, "../../testdata/helloworld")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return e2e{}, fmt.Errorf("building helloworld for %s: %v\n%s", goarch, err, b)
	}
	return env, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if e2eDir != "" {
		os.RemoveAll(e2eDir)
	}
	os.Exit(code)
}

// TestBootHelloworld builds the test app for each QEMU board, checks the
// initrd, boots it under TCG and asks it over HTTP who it is: PID 1, uid
// 65534.
func TestBootHelloworld(t *testing.T) {
	for _, board := range []string{"qemu-amd64", "qemu-arm64", "qemu-riscv64"} {
		t.Run(board, func(t *testing.T) { bootHelloworld(t, board) })
	}
}

func bootHelloworld(t *testing.T, board string) {
	env := setupBoard(t, board)
	out := t.TempDir()
	r := wisp(context.Background(), "--cache", env.cache, "build", "--target", board, "--binary", env.helloworld,
		"--ip", "10.0.2.15/24", "--gateway", "10.0.2.2", "--dns", "10.0.2.3", "--out", out, "--json")
	var built struct{ Modules []string }
	if err := json.Unmarshal([]byte(r.stdout), &built); r.code != 0 || err != nil {
		t.Fatalf("build: %+v (%v)", r, err)
	}
	if len(built.Modules) == 0 || !strings.HasSuffix(built.Modules[len(built.Modules)-1], "/virtio_net.ko") {
		t.Errorf("modules %v, want the virtio-net closure ending in virtio_net.ko", built.Modules)
	}
	checkInitrd(t, filepath.Join(out, "initrd.img"), len(built.Modules))

	port := registrytest.FreePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() {
		done <- wisp(ctx, "--cache", env.cache, "run", "--target", board, "--binary", env.helloworld,
			"--forward", fmt.Sprintf("%d:8080", port), "--accel", "tcg", "--timeout", "5m")
	}()
	reply, err := get(fmt.Sprintf("http://127.0.0.1:%d/", port), done, 3*time.Minute)
	cancel()
	r = <-done
	if err != nil {
		t.Fatalf("GET /: %v\nconsole:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	t.Logf("reply: %s", reply)
	if want := "pid=1 uid=65534 gid=65534 host=" + board; !strings.Contains(reply, want) {
		t.Errorf("reply %q, want %q", reply, want)
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

// TestBootRaspi3bImage builds the raspi3b SD-card image, reads kernel,
// device tree and initrd back out of it with mtools (not with wisp), and
// boots them on QEMU's raspi3b machine, the console on the mini UART (the
// second serial port): the app's first line must appear. QEMU's raspi3b
// has no usable network, so that line is the proof.
func TestBootRaspi3bImage(t *testing.T) {
	env := setupBoard(t, "raspi3b")
	mcopy := testenv.Tool(t, "mcopy", "mtools")
	fsck := testenv.Tool(t, "fsck.fat", "dosfstools")
	qemu := testenv.Tool(t, "qemu-system-aarch64", "qemu-system-arm")
	out := t.TempDir()
	if r := wisp(context.Background(), "--cache", env.cache, "build", "--target", "raspi3b", "--binary", env.helloworld, "--out", out); r.code != 0 {
		t.Fatalf("build: %+v", r)
	}
	img := filepath.Join(out, "raspi3b.img")
	b := testenv.ReadFile(t, img)
	if len(b) <= 1<<20 {
		t.Fatalf("%s is %d bytes: no partition after the first MiB", img, len(b))
	}
	part := filepath.Join(t.TempDir(), "boot.part")
	testenv.WriteFile(t, part, b[1<<20:], 0o644)
	if o, err := exec.Command(fsck, "-n", part).CombinedOutput(); err != nil {
		t.Fatalf("fsck.fat -n: %v\n%s", err, o)
	}
	files := t.TempDir()
	for _, n := range []string{"kernel8.img", "bcm2837-rpi-3-b.dtb", "initrd.img", "cmdline.txt"} {
		if o, err := exec.Command(mcopy, "-n", "-i", img+"@@1M", "::"+n, filepath.Join(files, n)).CombinedOutput(); err != nil {
			t.Fatalf("mcopy %s: %v\n%s", n, err, o)
		}
	}
	cmdline := testenv.ReadFile(t, filepath.Join(files, "cmdline.txt"))
	if !strings.HasPrefix(string(cmdline), "console=ttyS1,115200") {
		t.Errorf("cmdline.txt = %q", cmdline)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var console syncBuffer
	cmd := exec.CommandContext(ctx, qemu, "-M", "raspi3b", "-m", "1G", "-nodefaults", "-display", "none", "-no-reboot",
		"-serial", "null", "-serial", "stdio",
		"-kernel", filepath.Join(files, "kernel8.img"), "-dtb", filepath.Join(files, "bcm2837-rpi-3-b.dtb"),
		"-initrd", filepath.Join(files, "initrd.img"), "-append", strings.TrimSpace(string(cmdline)))
	cmd.Stdout, cmd.Stderr = &console, &console
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for !strings.Contains(console.String(), "helloworld: pid 1 uid 65534 listening on :8080") {
		if ctx.Err() != nil {
			t.Fatalf("the app's first line did not appear; console:\n%s", console.String())
		}
		time.Sleep(100 * time.Millisecond)
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
func checkInitrd(t *testing.T, file string, wantModules int) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := initrd.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	modules := 0
	for name := range entries {
		if strings.HasSuffix(name, ".ko") {
			modules++
			// Debian signs its modules; the QEMU boards' profiles cut
			// them without (stripModuleSignatures), and the boot that
			// follows shows the kernel loads them so.
			if strings.HasSuffix(string(entries[name].Data), "~Module signature appended~\n") {
				t.Errorf("%s still carries its signature", name)
			}
		}
		if b := path.Base(name); b == "sh" || b == "busybox" || strings.HasSuffix(name, "bin/sh") {
			t.Errorf("initrd holds %s", name)
		}
	}
	for _, want := range []string{"dev/console", "init", "etc/wisp/config.json", "app/helloworld"} {
		if _, ok := entries[want]; !ok {
			t.Errorf("initrd lacks %s", want)
		}
	}
	if c := entries["dev/console"]; c.Mode != ModeCharConsole || c.RdevMajor != 5 || c.RdevMinor != 1 {
		t.Errorf("dev/console is %+v, want char 5:1", c.Record)
	}
	if modules != wantModules {
		t.Errorf("initrd holds %d modules, want the %d of the closure", modules, wantModules)
	}
}

// ModeCharConsole is /dev/console's mode: a character device, 0600.
const ModeCharConsole = initrd.ModeChar | 0o600

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
