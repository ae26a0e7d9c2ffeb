package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
)

// report is what testdata/reporter answers.
type report struct {
	PID, UID, GID int
	Username      string
	Status        map[string]string
	Env, Args     []string
	Hostname      string
	Resolv        string
	Addresses     []string
	Time          time.Time
	Cmdline       string
	Securebits    int
}

// lockedSecurebits is what the init leaves every app (init/caps_linux.go):
// NOROOT, NO_SETUID_FIXUP and NO_CAP_AMBIENT_RAISE set, KEEP_CAPS off,
// all locked.
const lockedSecurebits = 0xef

// booted is a running appliance with the reporter app.
type booted struct {
	base    string
	console func() string
}

func (b booted) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(b.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return string(body)
}

func (b booted) report(t *testing.T) report {
	t.Helper()
	var r report
	if err := json.Unmarshal([]byte(b.get(t, "/")), &r); err != nil {
		t.Fatalf("GET /: %v", err)
	}
	return r
}

// bootReporter runs the reporter on qemu-amd64 with the given wisp run
// flags and returns once it answers; QEMU stops at the end of the test.
func bootReporter(t *testing.T, flags ...string) booted {
	t.Helper()
	env := setupE2E(t)
	bin := filepath.Join(t.TempDir(), "reporter")
	cmd := exec.Command("go", "build", "-o", bin, "../../testdata/reporter")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the reporter: %v\n%s", err, out)
	}
	port := registrytest.FreePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	var console syncBuffer
	go func() {
		var errb syncBuffer
		args := append([]string{"--cache", env.cache, "run", "--target", "qemu-amd64", "--binary", bin,
			"--forward", fmt.Sprintf("%d:8080", port), "--accel", "tcg"}, flags...)
		code := execute(ctx, args, &console, &errb)
		done <- result{code, console.String(), errb.String()}
	}()
	ended := make(chan result, 1) // what get passes on, so cleanup never waits forever
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-ended:
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if _, err := get(base+"/", done, 3*time.Minute); err != nil {
		ended <- result{}
		t.Fatalf("the reporter did not answer: %v\nconsole:\n%s", err, console.String())
	}
	return booted{base: base, console: console.String}
}

// sntpServer answers SNTP requests on 127.0.0.1 with a fixed time; the
// guest reaches it as 10.0.2.2 through QEMU's user network.
func sntpServer(t *testing.T, now time.Time) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 48 {
				continue
			}
			resp := make([]byte, 48)
			resp[0] = 0<<6 | 4<<3 | 4 // no leap, version 4, server
			resp[1] = 1               // stratum 1
			copy(resp[24:32], buf[40:48])
			secs := uint64(now.Unix() + 2208988800) // NTP era 0 starts in 1900
			for _, off := range []int{16, 32, 40} {
				binary.BigEndian.PutUint32(resp[off:], uint32(secs))
			}
			c.WriteTo(resp, from)
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// TestBootConfigured boots with most of issue 5's settings and checks
// each arrives: DHCP lease, IPv6 from router advertisements, DNS and
// search, host name, env and args, uid/gid and their names, the
// capability to bind :80, sysctls (one the console's log level), an extra layer, a CA bundle, the
// kernel command line, and the clock set by NTP.
func TestBootConfigured(t *testing.T) {
	ntpTime := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	ntpPort := sntpServer(t, ntpTime)
	layer := t.TempDir()
	if err := os.MkdirAll(filepath.Join(layer, "srv"), 0o755); err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, filepath.Join(layer, "srv", "data.txt"), []byte("from an extra layer\n"), 0o644)
	pem := filepath.Join(t.TempDir(), "ca.pem")
	testenv.WriteFile(t, pem, []byte("-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n"), 0o644)

	b := bootReporter(t, "--dhcp", "--hostname", "conf-test", "--dns", "1.1.1.1", "--search", "example.internal",
		"--env", "GREETING=hi", "--arg", "-addr", "--arg", ":8080", "--user", "1000:1000", "--cap", "CAP_NET_BIND_SERVICE",
		"--sysctl", "net.core.somaxconn=1234", "--sysctl", "kernel.printk=7", "--layer", layer, "--ca-certs="+pem, "--tmp-size", "16m",
		"--cmdline-append", "wisp.test=1", "--ntp", fmt.Sprintf("10.0.2.2:%d", ntpPort), "--tmp-exec")
	r := b.report(t)
	check := func(what string, ok bool, got any) {
		t.Helper()
		if !ok {
			t.Errorf("%s: got %v", what, got)
		}
	}
	check("pid 1", r.PID == 1, r.PID)
	check("uid/gid 1000 named app", r.UID == 1000 && r.GID == 1000 && r.Username == "app", r)
	check("ambient CAP_NET_BIND_SERVICE only", r.Status["CapAmb"] == "0000000000000400" && r.Status["CapEff"] == "0000000000000400" && r.Status["CapBnd"] == "0000000000000400", r.Status)
	check("no_new_privs", r.Status["NoNewPrivs"] == "1", r.Status)
	check("env", strings.Contains(strings.Join(r.Env, "\n"), "GREETING=hi"), r.Env)
	check("args", strings.Join(r.Args, " ") == "-addr :8080", r.Args)
	check("hostname", r.Hostname == "conf-test", r.Hostname)
	check("resolv.conf from the lease and the flags", strings.Contains(r.Resolv, "nameserver 10.0.2.3") && strings.Contains(r.Resolv, "nameserver 1.1.1.1") && strings.Contains(r.Resolv, "example.internal"), r.Resolv)
	check("DHCP address", strings.Contains(strings.Join(r.Addresses, " "), "10.0.2.15/24"), r.Addresses)
	check("clock from NTP", r.Time.Year() == 2031, r.Time)
	check("kernel command line", strings.Contains(r.Cmdline, "wisp.test=1"), r.Cmdline)
	check("bind :80 with the capability", strings.TrimSpace(b.get(t, "/bind?port=80")) == "ok", b.get(t, "/bind?port=80"))
	check("extra layer", b.get(t, "/file?path=/srv/data.txt") == "from an extra layer\n", b.get(t, "/file?path=/srv/data.txt"))
	check("sysctl", strings.TrimSpace(b.get(t, "/file?path=/proc/sys/net/core/somaxconn")) == "1234", b.get(t, "/file?path=/proc/sys/net/core/somaxconn"))
	// kernel.printk=7 makes the kernel print the init's info lines on the
	// console itself from the sysctl step on: each must be there once,
	// not also written by the init (which rereads the level).
	console := b.console()
	for _, step := range []string{"wisp: mount ", "wisp: sysctl ", "wisp: hostname "} {
		check("one console line "+strings.TrimSpace(step), strings.Count(console, step) == 1, console)
	}
	check("CA bundle", strings.Contains(b.get(t, "/file?path=/etc/ssl/certs/ca-certificates.crt"), "BEGIN CERTIFICATE"), "")
	check("/etc/hosts", strings.Contains(b.get(t, "/file?path=/etc/hosts"), "conf-test"), b.get(t, "/file?path=/etc/hosts"))
	mounts := b.get(t, "/file?path=/proc/self/mounts")
	tmpLine := ""
	for _, l := range strings.Split(mounts, "\n") {
		if strings.HasPrefix(l, "tmpfs /tmp ") {
			tmpLine = l
		}
	}
	check("/tmp size", strings.Contains(tmpLine, "size=16384k"), tmpLine)
	check("--tmp-exec: a program written to /tmp runs", strings.TrimSpace(b.get(t, "/exec?dir=/tmp")) == "ok", b.get(t, "/exec?dir=/tmp"))

	// IPv6: QEMU's user network advertises fec0::/64; the init must not
	// stand in the way of SLAAC, which may take a moment.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(strings.Join(b.report(t).Addresses, " "), "fec0::") {
		if time.Now().After(deadline) {
			t.Errorf("no IPv6 address from router advertisements: %v", b.report(t).Addresses)
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestBootDefaults: static IPv4 and IPv6 addresses; without --cap the
// app cannot bind :80; an NTP server
// that never answers delays the boot by its bound and is logged; a guest
// whose clock starts in 1970 is moved to the build time.
func TestBootDefaults(t *testing.T) {
	b := bootReporter(t, "--ip", "10.0.2.15/24", "--ip", "fd00::15/64", "--gateway", "10.0.2.2", "--ntp", "10.0.2.99",
		"--qemu-arg=-rtc", "--qemu-arg=base=1970-01-01T00:00:00")
	r := b.report(t)
	if r.UID != 65534 || r.Username != "nobody" || r.Status["CapEff"] != "0000000000000000" || r.Status["CapAmb"] != "0000000000000000" || r.Status["NoNewPrivs"] != "1" {
		t.Errorf("identity %d %q, status %v", r.UID, r.Username, r.Status)
	}
	if addrs := strings.Join(r.Addresses, " "); !strings.Contains(addrs, "10.0.2.15/24") || !strings.Contains(addrs, "fd00::15/64") {
		t.Errorf("static addresses: %v", r.Addresses)
	}
	if got := b.get(t, "/bind?port=80"); !strings.Contains(got, "permission denied") {
		t.Errorf("bind :80 without the capability: %q", got)
	}
	floor := time.Now().UTC().Truncate(24 * time.Hour)
	if r.Time.Before(floor) || r.Time.After(time.Now().Add(time.Hour)) {
		t.Errorf("the clock reads %v; the floor is the build day %v", r.Time, floor)
	}
	console := b.console()
	if !strings.Contains(console, "wisp: ntp") || !strings.Contains(console, "continuing") {
		t.Errorf("no log line for the NTP server that never answered:\n%s", console)
	}
	checkHardened(t, b, r)
}

// checkHardened checks what every appliance gets, whatever its user: the
// securebits locked, the hardening sysctls, /proc/sys read-only, and no
// program run from /tmp, /run or /dev.
func checkHardened(t *testing.T, b booted, r report) {
	t.Helper()
	if r.Securebits != lockedSecurebits {
		t.Errorf("securebits %#x, want %#x", r.Securebits, lockedSecurebits)
	}
	for key, want := range map[string]string{"kptr_restrict": "2", "dmesg_restrict": "1", "perf_event_paranoid": "3"} {
		if got := strings.TrimSpace(b.get(t, "/file?path=/proc/sys/kernel/"+key)); got != want {
			t.Errorf("kernel.%s = %q, want %s", key, got, want)
		}
	}
	for _, dir := range []string{"/tmp", "/run", "/dev"} {
		if got := b.get(t, "/exec?dir="+dir); !strings.Contains(got, "permission denied") && !strings.Contains(got, "read-only") {
			t.Errorf("a program written to %s: %q, want it refused", dir, got)
		}
	}
	mounts := b.get(t, "/file?path=/proc/self/mounts")
	for _, p := range []string{"/proc/sys", "/proc/sysrq-trigger"} {
		if !strings.Contains(mounts, " "+p+" proc ro,") {
			t.Errorf("%s is not mounted read-only:\n%s", p, mounts)
		}
	}
}

// TestBootRoot: an app that runs as uid 0 (--user 0:0) keeps no
// capability it was not given and cannot gain one, nor write the kernel's
// parameters or the SysRq trigger, which as root it could by their modes.
func TestBootRoot(t *testing.T) {
	b := bootReporter(t, "--user", "0:0")
	r := b.report(t)
	if r.UID != 0 || r.Status["CapEff"] != "0000000000000000" || r.Status["CapPrm"] != "0000000000000000" || r.Status["CapBnd"] != "0000000000000000" {
		t.Errorf("uid %d, status %v: want uid 0 and no capabilities", r.UID, r.Status)
	}
	for _, p := range []string{"/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sysrq-trigger"} {
		if got := b.get(t, "/write?path="+p); !strings.Contains(got, "read-only file system") {
			t.Errorf("open %s for writing as uid 0: %q, want read-only file system", p, got)
		}
	}
	checkHardened(t, b, r)
}
