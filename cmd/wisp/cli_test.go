package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/initbin"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
)

// result is one in-process run of the CLI.
type result struct {
	code           int
	stdout, stderr string
}

// syncBuffer is a bytes.Buffer safe for QEMU's output goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func wisp(ctx context.Context, args ...string) result {
	var out, errb syncBuffer
	code := execute(ctx, args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

func TestTargets(t *testing.T) {
	r := wisp(context.Background(), "targets")
	if r.code != 0 || !strings.Contains(r.stdout, "qemu-amd64") || !strings.HasPrefix(r.stdout, "TARGET") {
		t.Errorf("wisp targets = %+v", r)
	}
	r = wisp(context.Background(), "targets", "--json")
	var ps []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &ps); err != nil || len(ps) == 0 || ps[0]["name"] == nil {
		t.Errorf("wisp targets --json = %q (%v)", r.stdout, err)
	}
}

// TestBadInput runs each bad command line and checks the contract: exit
// status 1, exactly one line on stderr naming what is wrong, nothing on
// stdout, nothing left in the output directory or the store's temp dir.
func TestBadInput(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	good := fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	arm := fixture.GoBinary(t, "svc-arm64", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=arm64"})
	dynamic := fixture.GoBinary(t, "svc-pie", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"}, "-buildmode=pie")
	dir := t.TempDir()
	text := filepath.Join(dir, "svc.sh")
	testenv.WriteFile(t, text, []byte("#!/bin/sh\necho hi\n"), 0o755)
	notKernel := filepath.Join(dir, "hello.deb")
	testenv.WriteFile(t, notKernel, fixture.Deb{Package: "hello", Files: map[string][]byte{"./usr/bin/hello": []byte("x")}}.Bytes(), 0o644)
	kernel := fixture.KernelDeb("6.1.0-99-amd64").Bytes()
	truncated := filepath.Join(dir, "truncated.deb")
	testenv.WriteFile(t, truncated, kernel[:len(kernel)/2], 0o644)
	aFile := filepath.Join(dir, "a-file")
	testenv.WriteFile(t, aFile, nil, 0o644)
	out := filepath.Join(t.TempDir(), "out")
	hostile := filepath.Join(dir, "hostile.tar")
	testenv.WriteFile(t, hostile, hostileTar(t), 0o644)
	badFile := filepath.Join(dir, "wisp.json")
	testenv.WriteFile(t, badFile, []byte(`{"target": "qemu-amd64", "ipp": ["10.0.2.15/24"]}`), 0o644)

	// A board whose default base is on a loopback port nothing listens
	// on: the test never depends on a host outside this machine.
	unreachableBase := filepath.Join(dir, "my-qemu.json")
	testenv.WriteFile(t, unreachableBase, []byte(`{"name":"my-qemu","platform":{"os":"linux","architecture":"amd64"},"pageSize":4096,
		"kernel":{"file":"vmlinux","format":"elf"},"base":"`+registrytest.ClosedAddr(t)+`/base:1","qemu":{"machine":"q35","memoryMiB":256}}`), 0o644)
	build := func(extra ...string) []string {
		return append([]string{"--cache", cache, "build", "--target", "qemu-amd64", "--out", out}, extra...)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"missing binary", build("--binary", "/nonexistent/svc"), "/nonexistent/svc: no such file"},
		{"no binary flag", build(), "--binary is required"},
		{"non-ELF binary", build("--binary", text), "not an ELF executable"},
		{"dynamic binary", build("--binary", dynamic), "interpreter /lib64/ld-linux-x86-64.so.2"},
		{"wrong-arch binary", build("--binary", arm), "binary is arm64"},
		{"unknown target", []string{"build", "--target", "pi9", "--binary", good}, `unknown board "pi9" (known: pi4, pi5, qemu-amd64, qemu-arm64, qemu-riscv64, raspi3b)`},
		{"bad CIDR", build("--binary", good, "--ip", "10.0.2.15"), `--ip "10.0.2.15" is not an address in CIDR form`},
		{"gateway outside the subnet", build("--binary", good, "--ip", "10.0.2.15/24", "--gateway", "10.0.3.1"), "gateway 10.0.3.1 is outside the subnets of [10.0.2.15/24]"},
		{"gateway without ip", build("--binary", good, "--gateway", "10.0.2.2"), "--gateway, --dns and --search need --ip or --dhcp"},
		{"dhcp and ip", build("--binary", good, "--dhcp", "--ip", "10.0.2.15/24"), "network: address 10.0.2.15/24 and DHCP both configure IPv4: choose one"},
		{"unknown capability", build("--binary", good, "--cap", "CAP_FLY"), `--cap "CAP_FLY" is not a Linux capability`},
		{"bad sysctl", build("--binary", good, "--sysctl", "vm.swappiness"), `--sysctl "vm.swappiness" is not KEY=VALUE`},
		{"bad user", build("--binary", good, "--user", "root"), `--user "root" is not UID:GID`},
		{"hostile layer", build("--binary", good, "--layer", hostile), "entry outside the root: \"../../etc/passwd\""},
		{"missing layer", build("--binary", good, "--layer", "/nonexistent.tar"), "--layer /nonexistent.tar: stat /nonexistent.tar: no such file or directory, and it is not a registry reference"},
		{"unknown key in wisp.json", build("-f", badFile), "unknown key $.ipp"},
		{"missing wisp.json", build("-f", "/nonexistent/wisp.json"), "-f: open /nonexistent/wisp.json"},
		{"bad env", build("--binary", good, "--env", "NOEQUALS"), `--env "NOEQUALS" is not K=V`},
		{"no base in the store", build("--binary", good, "--pull", "never"), "no base for qemu-amd64 in the local store"},
		{"no base, default base unreachable", []string{"--cache", cache, "build", "--target", unreachableBase, "--binary", good, "--out", out}, "import one with `wisp base import"},
		{"out not writable", []string{"--cache", cache, "build", "--target", "qemu-amd64", "--binary", good, "--out", filepath.Join(aFile, "out")}, "output directory"},
		{"unknown flag", []string{"build", "--bogus"}, "unknown flag: --bogus (see wisp build --help)"},
		{"not a kernel package", []string{"--cache", cache, "base", "import", "--target", "qemu-amd64", "--kernel-deb", notKernel}, "not a Linux kernel image package: the package is hello"},
		{"truncated kernel package", []string{"--cache", cache, "base", "import", "--target", "qemu-amd64", "--kernel-deb", truncated}, "truncated"},
		{"missing kernel package", []string{"--cache", cache, "base", "import", "--target", "qemu-amd64", "--kernel-deb", "/nonexistent.deb"}, "--kernel-deb: stat /nonexistent.deb"},
		{"validate wrong arch", []string{"validate", "--target", "qemu-amd64", "--binary", arm}, "binary is arm64"},
		{"run bad forward", []string{"run", "--target", "qemu-amd64", "--binary", good, "--forward", "80:x"}, `--forward: forward "80:x"`},
		{"run bad accel", []string{"run", "--target", "qemu-amd64", "--binary", good, "--accel", "hvf"}, `--accel: accelerator "hvf"`},
		{"run an appliance with build flags", []string{"--cache", cache, "run", "svc:qemu-amd64", "--ip", "10.0.2.15/24", "--env", "A=1"}, "--env, --ip: wisp run APPLIANCE boots the appliance as it was built"},
		{"run an appliance with a wisp.json", []string{"--cache", cache, "run", "svc:qemu-amd64", "-f", badFile}, "--file: wisp run APPLIANCE boots the appliance as it was built"},
		{"run an appliance and a binary", []string{"--cache", cache, "run", "svc:qemu-amd64", "--binary", good}, "--binary: wisp run APPLIANCE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := wisp(ctx, tt.args...)
			var lines []string // error lines; progress lines do not count
			for _, l := range strings.Split(r.stderr, "\n") {
				if strings.HasPrefix(l, "wisp: ") {
					lines = append(lines, l)
				}
			}
			if r.code != 1 || len(lines) != 1 || !strings.Contains(lines[0], tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and one wisp: line containing %q", r.code, r.stderr, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			// A refused command may never make out or the store: a
			// directory that does not exist holds nothing.
			if ents := fixture.DirEntriesIfExists(t, out); len(ents) != 0 {
				t.Errorf("%s holds %v after a failure", out, ents)
			}
			if ents := fixture.DirEntriesIfExists(t, filepath.Join(cache, "tmp")); len(ents) != 0 {
				t.Errorf("store temp dir holds %v after a failure", ents)
			}
		})
	}
}

func TestValidateOK(t *testing.T) {
	good := fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	r := wisp(context.Background(), "validate", "--target", "qemu-amd64", "--binary", good)
	if r.code != 0 || !strings.Contains(r.stdout, "ok for qemu-amd64") {
		t.Errorf("validate = %+v", r)
	}
}

// hostileTar is a tar whose one entry climbs out of the root.
func hostileTar(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := tw.WriteHeader(&tar.Header{Name: "../../etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644, Size: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRootWarning: running the binary as root is allowed when spelled out,
// with a warning.
func TestRootWarning(t *testing.T) {
	if _, err := initbin.For("amd64"); err != nil {
		testenv.Missing(t, "%v", err)
	}
	cache := t.TempDir()
	deb := filepath.Join(t.TempDir(), "kernel.deb")
	testenv.WriteFile(t, deb, fixture.KernelDeb("6.1.0-99-amd64").Bytes(), 0o644)
	ctx := context.Background()
	if r := wisp(ctx, "--cache", cache, "base", "import", "--target", "qemu-amd64", "--kernel-deb", deb); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	bin := fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	r := wisp(ctx, "--cache", cache, "build", "--target", "qemu-amd64", "--binary", bin, "--user", "0:0")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: the binary will run as root") {
		t.Errorf("build --user 0:0: %+v", r)
	}
}

// TestValidateImage: validate takes an image reference as build does,
// and checks the binary inside it.
func TestValidateImage(t *testing.T) {
	host, _ := registrytest.InProcess(t, nil)
	good := fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	ref := registrytest.Put(t, host, "svc:1", koImage(t, good))
	cache := t.TempDir()
	r := wisp(context.Background(), "--cache", cache, "validate", "--target", "qemu-amd64", "--binary", ref)
	if r.code != 0 || !strings.Contains(r.stdout, "ok for qemu-amd64") {
		t.Errorf("validate %s: %+v", ref, r)
	}
	r = wisp(context.Background(), "--cache", cache, "validate", "--target", "qemu-arm64", "--binary", ref)
	if r.code != 1 || !strings.Contains(r.stderr, "linux/arm64") {
		t.Errorf("validate %s for arm64: %+v", ref, r)
	}
	if ents := fixture.DirEntries(t, filepath.Join(cache, "tmp")); len(ents) != 0 {
		t.Errorf("the extracted binary was left in tmp/: %v", ents)
	}
}
