package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// minBoots is the fewest TCG boots per measurement: boots are the
// noisiest figures here (one run in three may take half as long again on
// a busy host) and cost seconds each, so they run more often than -runs
// asks when it asks for fewer.
const minBoots = 7

// boots is how many times each TCG boot is measured.
func (e *env) boots() int { return max(e.runs, minBoots) }

// measureBoot is section 5: boot → first HTTP reply under TCG for the
// QEMU boards, and the init's own timings from the console.
func measureBoot(ctx context.Context, e *env, m *md) error {
	m.p("Under TCG (`--accel tcg`). Every TCG boot figure is the median of %d boots (never fewer than %d, "+
		"whatever -runs says: boots are the noisiest figures here and cost seconds each); the builds and the "+
		"deterministic `-icount` boots run -runs times (here %d). "+
		"For each board the harness first times `wisp run --target B --binary APP "+
		"--out DIR --forward PORT:8080 --accel tcg` from its start to the first HTTP 200 (this includes a warm "+
		"build, same app) and `wisp build` with the same flags; during the first run it reads the command line of "+
		"the QEMU process wisp started (`/proc/PID/cmdline`). It then starts that QEMU command line itself, on the "+
		"files wisp wrote, with only the forwarded host port changed: **QEMU start → first HTTP 200** is that "+
		"figure. Polling: every 50 ms, 300 ms timeout per attempt. Peak RSS is QEMU's (for `wisp run`, the larger "+
		"of wisp and the QEMU it waits for).", e.boots(), minBoots, e.runs)
	var rows, inits, icounts [][]string
	var imports []string
	for _, name := range []string{"qemu-amd64", "qemu-arm64", "qemu-riscv64"} {
		b := boards[name]
		r, t, ic, err := bootBoard(ctx, e, b)
		rows, inits, icounts = append(rows, r...), append(inits, t...), append(icounts, ic...)
		if err != nil {
			m.failed(name+" boot", err)
		}
		if smp, ok := e.imports[name]; ok && name != "qemu-amd64" {
			imports = append(imports, fmt.Sprintf("%s %s (peak RSS %s)", name, secs(smp.wall), mb(smp.rss*1024)))
			e.res.rss("base import ("+name+")", series{smp})
		}
	}
	m.table([]string{"board", "what", "-:time, median (min–max)", "-:peak RSS"}, rows)
	for _, name := range []string{"qemu-amd64", "qemu-arm64", "qemu-riscv64"} {
		if q := e.res.qemuArgs[name]; q != nil {
			m.p("QEMU command line wisp used for %s (read from /proc):\n\n```\n%s\n```", name, strings.Join(q, " "))
		}
	}
	m.p("The init's console lines of the direct QEMU boots (guest clock). *network* is the `network` and `dhcp` " +
		"steps, *rest* is init start → exec minus modules and network; *up* is the kernel's uptime at the exec " +
		"(kernel start → app).")
	m.table(initColumns, inits)
	m.p("The same direct boots with `-icount shift=0` added: QEMU then advances the guest's clock by 1 ns per " +
		"guest instruction executed, so the init's lines count **guest instructions** (1 ms = 10⁶ instructions) " +
		"instead of host time. TCG's own costs — translating code the first time it runs, emulated memory " +
		"accesses and devices, whatever else the host is doing — drop out, and every run gives the same " +
		"figures (the min–max shows it): this is the work the init and the kernel do for it, which a real CPU " +
		"executes at one or more instructions per ns.")
	m.table(initColumns, icounts)
	if len(imports) > 0 {
		m.p("Bases imported for this section (into an empty store, one run each): %s.", strings.Join(imports, "; "))
	}
	return nil
}

// initColumns head both tables of the init's timings (initTimings.row).
var initColumns = []string{"board", "-:init start → exec", "-:modules", "-:network", "-:rest", "-:kernel up at exec"}

func bootBoard(ctx context.Context, e *env, b board) (rows, inits, icounts [][]string, err error) {
	limit, err := time.ParseDuration(b.bootLimit)
	if err != nil {
		return nil, nil, nil, err
	}
	x, err := e.plainBuild(ctx, b)
	if err != nil {
		return nil, nil, nil, err
	}
	app := e.apps[b.goarch]
	out := filepath.Join(e.tmp, "boot-"+b.name)
	e.logf("boot: %s via wisp run", b.name)
	var runs, direct series
	var qemu []string
	for i := range e.boots() {
		addr, err := freeAddr()
		if err != nil {
			return rows, inits, nil, err
		}
		port := addr[strings.LastIndexByte(addr, ':')+1:]
		s := step{name: e.wisp, args: []string{"--cache", x.store, "run", "--target", b.name, "--binary", app, "--ip", b.ip, "--gateway", b.gw,
			"--out", out, "--forward", port + ":8080", "--accel", "tcg"}}
		r, err := bootOnce(ctx, s, "http://"+addr+"/", limit, i == 0)
		if err != nil {
			return rows, inits, nil, err
		}
		if i == 0 {
			qemu = r.qemuArgs
			e.res.qemuArgs[b.name] = qemu
		}
		runs = append(runs, sample{wall: r.elapsed, rss: r.rss})
	}
	e.res.runToHTTP[b.name] = runs
	builds, err := repeat(ctx, e.runs, step{name: e.wisp, args: append(b.buildArgs(x.store, app), "--out", out), timeout: 5 * time.Minute})
	if err != nil {
		return rows, inits, nil, err
	}
	rows = append(rows,
		[]string{b.name, "`wisp run` start → first HTTP 200", runs.timeCell(), runs.rssCell()},
		[]string{b.name, "`wisp build`, same flags", builds.timeCell(), builds.rssCell()},
		[]string{b.name, "difference of the medians (run − build)", secs(runs.median() - builds.median()), ""})

	e.logf("boot: %s, QEMU directly", b.name)
	timed, err := directBoots(ctx, e, e.boots(), qemu, limit, &direct)
	if err != nil {
		return rows, inits, nil, fmt.Errorf("%s: %w", b.name, err)
	}
	e.res.boot[b.name] = direct
	e.logf("boot: %s, QEMU directly with -icount shift=0", b.name)
	counted, err := directBoots(ctx, e, e.runs, append(slices.Clone(qemu), "-icount", "shift=0"), limit, nil)
	if err != nil {
		return rows, inits, nil, fmt.Errorf("%s with -icount: %w", b.name, err)
	}
	if b.name == "qemu-amd64" {
		e.res.initTCG, e.res.initIcount = timed, counted
	}
	rows = append(rows, []string{b.name, "**QEMU start → first HTTP 200**", direct.timeCell(), direct.rssCell()})
	return rows, [][]string{timed.row(b.name)}, [][]string{counted.row(b.name)}, nil
}

// directBoots starts the QEMU command line qemu (with a new host port
// each time) n times until the first HTTP reply, and reads the init's
// timings from the console; the wall times go to wall, if given.
func directBoots(ctx context.Context, e *env, n int, qemu []string, limit time.Duration, wall *series) (initTimings, error) {
	var ts initTimings
	for range n {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		args, err := withPort(qemu, addr[strings.LastIndexByte(addr, ':')+1:])
		if err != nil {
			return nil, err
		}
		r, err := bootOnce(ctx, step{name: args[0], args: args[1:]}, "http://"+addr+"/", limit, false)
		if err != nil {
			return nil, err
		}
		if wall != nil {
			*wall = append(*wall, sample{wall: r.elapsed, rss: r.rss})
		}
		t, err := parseConsole(r.console)
		if err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
		ts = append(ts, t)
	}
	return ts, nil
}
