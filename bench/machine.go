package main

import (
	"bufio"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where and on what the benchmarks ran.
func machine(ctx context.Context, e *env) [][]string {
	first := func(name string, args ...string) string {
		r, err := run(ctx, step{name: name, args: args, dir: e.repo, timeout: 30 * time.Second})
		if err != nil {
			return "unknown (" + err.Error() + ")"
		}
		out := strings.TrimSpace(string(r.stdout) + string(r.stderr))
		line, _, _ := strings.Cut(out, "\n")
		return line
	}
	ram := "unknown"
	if kb, err := strconv.ParseInt(procField("/proc/meminfo", "MemTotal"), 10, 64); err == nil {
		ram = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	virt := "no"
	if strings.Contains(procField("/proc/cpuinfo", "flags"), " hypervisor") {
		virt = "yes (a VM: nested KVM is not used, every boot is TCG)"
	}
	return [][]string{
		{"CPU", procField("/proc/cpuinfo", "model name")},
		{"cores", strconv.Itoa(runtime.NumCPU())},
		{"RAM", ram},
		{"virtualised", virt},
		{"OS", osRelease()},
		{"kernel", strings.TrimSpace(string(kernel))},
		{"QEMU", first("qemu-system-x86_64", "--version")},
		{"Go", first("go", "version")},
		{"docker-registry", first("docker-registry", "--version")},
		{"wisp", first(e.wisp, "--version") + " (`" + filepath.Base(e.wisp) + "` rebuilt by `make` before the run)"},
		{"wisp commit", code(first("git", "describe", "--always", "--dirty"))},
		{"load average at start", loadavg()},
		{"CPU speed reference", cpuReference()},
	}
}

// cpuReference times a fixed piece of work, compressing 16 MiB of
// generated text with compress/flate at level 1 on one core: the best of
// five. Runs on other days, or on a busier host, can be compared by it.
// The machine is a VM whose host may be shared; its load does not show
// in the load average.
func cpuReference() string {
	data := make([]byte, 16<<20)
	r := rand.NewChaCha8([32]byte{'w', 'i', 's', 'p'})
	r.Read(data)
	for i, b := range data {
		const letters = "etaoinshrdlu \n.,"
		data[i] = letters[int(b)%len(letters)]
	}
	best := time.Duration(1 << 62)
	for range 5 {
		t := time.Now()
		w, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
		w.Write(data)
		w.Close()
		best = min(best, time.Since(t))
	}
	return fmt.Sprintf("%s: 16 MiB of generated text through compress/flate level 1, best of 5 (lower is faster)", secs(best))
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<16), 1<<20)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			v = strings.TrimSpace(v)
			if f := strings.Fields(v); key == "MemTotal" && len(f) > 0 {
				return f[0]
			}
			return v
		}
	}
	return "unknown"
}

func osRelease() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return "unknown"
}

// loadavg is the 1, 5 and 15 minute load averages: the machine may be
// shared, and other work inflates the times.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " / ")
}
