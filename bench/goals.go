package main

import (
	"fmt"
	"strings"
	"time"
)

// goals compares the results with issue 6's goals (and issue 2's, which
// the earlier hand-made figures were checked against).
func goals(r *results) [][]string {
	var rows [][]string
	add := func(goal, measured string, ok *bool) {
		rows = append(rows, []string{goal, measured, verdict(ok)})
	}
	for _, b := range []string{"qemu-amd64", "pi4"} {
		w, f := r.warm[b], r.floor[b]
		if len(w) == 0 || len(f) == 0 {
			add("warm `wisp build` ≤ raw floor, "+b, "not measured (see the sections)", nil)
			continue
		}
		q := float64(w.median()) / float64(f.median())
		m := fmt.Sprintf("%s / %s = %.2f× (the floor writing the same files in the same format)", secs(w.median()), secs(f.median()), q)
		if p, ok := r.floorPart[b]; ok && len(p.s) > 0 {
			m += fmt.Sprintf("; against %s alone (%s): %.2f×", p.what, secs(p.s.median()), float64(w.median())/float64(p.s.median()))
		}
		add("warm `wisp build` ≤ raw floor (ratio ≤ 1.0), "+b, m, ptr(q <= 1.0))
	}
	const vsGok = "warm build ≥ 10× faster than gokrazy's warm `gok overwrite --full`, pi4"
	wispPi := r.warm["pi4"]
	switch {
	case len(r.gokWarm) > 0 && len(wispPi) > 0:
		q := float64(r.gokWarm.median()) / float64(wispPi.median())
		add(vsGok, fmt.Sprintf("gok %s / wisp %s = %.1f×", secs(r.gokWarm.median()), secs(wispPi.median()), q), ptr(q >= 10))
	case len(r.gokBuildWarm) > 0 && len(wispPi) > 0:
		// A lower bound of gok's time can show the goal met, never missed.
		q := float64(r.gokBuildWarm.median()) / float64(wispPi.median())
		m := fmt.Sprintf("gok itself cannot be built here; its build phase alone (its go commands, a lower bound of "+
			"its time, see its section) %s / wisp %s = %.1f×", secs(r.gokBuildWarm.median()), secs(wispPi.median()), q)
		if q >= 10 {
			rows = append(rows, []string{vsGok, m, "met (against the lower bound)"})
		} else {
			add(vsGok, m+": the lower bound is not enough to show it", nil)
		}
	case r.gokrazy != nil:
		add(vsGok, "n/a: gokrazy could not be built here (module proxy 403, see its section)", nil)
	default:
		add(vsGok, "not measured", nil)
	}
	if len(r.wispRSS) > 0 {
		top, warm := r.wispRSS[0], int64(0)
		for _, p := range r.wispRSS {
			if p.bytes > top.bytes {
				top = p
			}
			if p.what == "warm build" {
				warm = max(warm, p.bytes)
			}
		}
		add("peak RSS ≤ 100 MB, warm `wisp build`",
			fmt.Sprintf("warm builds: %s (of every wisp command measured, the largest: %s, %s)", mb(warm), mb(top.bytes), top.what), ptr(warm > 0 && warm <= 100e6))
	} else {
		add("peak RSS ≤ 100 MB", "not measured", nil)
	}
	if s := r.boot["qemu-amd64"]; len(s) > 0 {
		m := "QEMU start → HTTP 200: " + secs(s.median())
		if w := r.runToHTTP["qemu-amd64"]; len(w) > 0 {
			m += fmt.Sprintf("; `wisp run` start (warm build included) → HTTP 200: %s", secs(w.median()))
		}
		add("boot → first HTTP ≤ 2.5 s, qemu-amd64 (TCG)", m, ptr(s.median() <= 2500*time.Millisecond))
	} else {
		add("boot → first HTTP ≤ 2.5 s, qemu-amd64 (TCG)", "not measured", nil)
	}
	if t, n := r.initTCG, r.initIcount; len(t) > 0 && len(n) > 0 {
		tcg, ins := medianOf(t.withoutModules()), medianOf(n.withoutModules())
		m := fmt.Sprintf("TCG time: %s (modules %s on top; of it the network steps: %s); in guest instructions "+
			"(`-icount shift=0`, 1 ms = 10⁶): %s (modules %s on top)", secs(tcg), secs(medianOf(t.modules())),
			secs(medianOf(t.network())), secs(ins), secs(medianOf(n.modules())))
		rows = append(rows, []string{"init start → exec ≤ 50 ms excluding module probe, qemu-amd64", m,
			"in guest instructions: " + verdict(ptr(ins <= 50*time.Millisecond)) + "; in TCG time: " + verdict(ptr(tcg <= 50*time.Millisecond))})
	} else {
		add("init start → exec ≤ 50 ms excluding module probe", "not measured", nil)
	}
	if len(r.inits) > 0 {
		var parts []string
		ok := true
		for _, a := range []string{"amd64", "arm64", "riscv64"} {
			if n, found := r.inits[a]; found {
				parts = append(parts, a+" "+mb(n))
				ok = ok && n <= 2e6
			}
		}
		add("init binary ≤ 2 MB (2,000,000 bytes) per arch", strings.Join(parts, ", "), ptr(ok))
	}
	for _, b := range []string{"qemu-amd64", "pi4"} {
		c := r.repush[b]
		if c == nil {
			add("re-push after an app change uploads nothing from the base, "+b, "not measured", nil)
			continue
		}
		m := fmt.Sprintf("%d blobs, %s uploaded; %d of them among the base's %d blobs", c.blobs, mb(c.bytes), len(c.fromBase), c.baseBlobs)
		add("re-push after an app change uploads nothing from the base, "+b, m, ptr(len(c.fromBase) == 0))
	}
	if s := r.warm["qemu-amd64"]; len(s) > 0 {
		add("issue 2: warm build < 1 s, qemu-amd64", secs(s.median()), ptr(s.median() < time.Second))
	}
	if s := r.boot["qemu-amd64"]; len(s) > 0 {
		add("issue 2: boot → first HTTP < 4 s, qemu-amd64", secs(s.median()), ptr(s.median() < 4*time.Second))
	}
	return rows
}

func ptr(b bool) *bool { return &b }

func verdict(ok *bool) string {
	switch {
	case ok == nil:
		return "n/a"
	case *ok:
		return "met"
	default:
		return "**not met**"
	}
}
