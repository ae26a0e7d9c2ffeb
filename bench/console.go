package main

import (
	"fmt"
	"regexp"
	"time"
)

// The init's console lines, like
//
//	wisp: modules  ok    83.3ms  8 loaded
//	wisp: exec /app/x as 65534:65534 (init took 286.9ms, up 2.41s)
var (
	stepLine = regexp.MustCompile(`wisp: (\w+)\s+(?:ok|skip|fail\w*)\s+([0-9.]+(?:ns|µs|us|ms|s))\b`)
	execLine = regexp.MustCompile(`wisp: exec .*\(init took ([0-9.]+(?:ns|µs|us|ms|s)), up ([0-9.]+(?:ms|s))\)`)
)

// initTiming is what one boot's init reported: its whole run from start
// to the exec, module loading, the network (static setup and DHCP) and
// the kernel's uptime at the exec.
type initTiming struct {
	took, modules, network, up time.Duration
}

// rest is the init's time outside module loading and the network.
func (t initTiming) rest() time.Duration { return t.took - t.modules - t.network }

// parseConsole reads the init's timings from a boot's console.
func parseConsole(console string) (initTiming, error) {
	var t initTiming
	steps := map[string]time.Duration{}
	for _, m := range stepLine.FindAllStringSubmatch(console, -1) {
		d, err := time.ParseDuration(m[2])
		if err != nil {
			return t, err
		}
		steps[m[1]] += d
	}
	m := execLine.FindStringSubmatch(console)
	if m == nil {
		return t, fmt.Errorf("no %q line on the console", "wisp: exec … (init took …, up …)")
	}
	var err1, err2 error
	t.took, err1 = time.ParseDuration(m[1])
	t.up, err2 = time.ParseDuration(m[2])
	if err1 != nil || err2 != nil {
		return t, fmt.Errorf("reading %q: %v %v", m[0], err1, err2)
	}
	t.modules, t.network = steps["modules"], steps["network"]+steps["dhcp"]
	return t, nil
}

// initTimings are the init's console timings of several boots.
type initTimings []initTiming

func (ts initTimings) pick(f func(initTiming) time.Duration) []time.Duration {
	var d []time.Duration
	for _, t := range ts {
		d = append(d, f(t))
	}
	return d
}

func (ts initTimings) took() []time.Duration {
	return ts.pick(func(t initTiming) time.Duration { return t.took })
}
func (ts initTimings) modules() []time.Duration {
	return ts.pick(func(t initTiming) time.Duration { return t.modules })
}
func (ts initTimings) network() []time.Duration {
	return ts.pick(func(t initTiming) time.Duration { return t.network })
}

// withoutModules is init start → exec minus module loading.
func (ts initTimings) withoutModules() []time.Duration {
	return ts.pick(func(t initTiming) time.Duration { return t.took - t.modules })
}

func (ts initTimings) row(board string) []string {
	return []string{board, durationsCell(ts.took()), durationsCell(ts.modules()), durationsCell(ts.network()),
		durationsCell(ts.pick(initTiming.rest)), durationsCell(ts.pick(func(t initTiming) time.Duration { return t.up }))}
}
