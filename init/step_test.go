package main

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// fakeClock advances by the next of its steps at every reading.
type fakeClock struct {
	t     time.Duration
	steps []time.Duration
}

func (c *fakeClock) now() time.Duration {
	if len(c.steps) > 0 {
		c.t += c.steps[0]
		c.steps = c.steps[1:]
	}
	return c.t
}

func TestRunner(t *testing.T) {
	ok := func(detail string) func(*boot) (string, error) {
		return func(*boot) (string, error) { return detail, nil }
	}
	fail := func(*boot) (string, error) {
		return "", fmt.Errorf("adding 10.0.2.15/24 to eth0: %w", errors.New("file exists"))
	}
	skip := func(*boot) (string, error) { return "", skipped("no network in config") }
	warn := func(*boot) (string, error) {
		return "", nonFatal{errors.New("10.0.2.99:123: no answer; continuing with the clock at 2025-01-01T00:00:00Z")}
	}
	never := func(*boot) (string, error) { t.Error("step after a failure ran"); return "", nil }

	tests := []struct {
		name    string
		steps   []step
		clock   []time.Duration // start, end, start, end...
		want    string
		wantErr bool
	}{{
		name:  "all ok",
		steps: []step{{"mount", ok("6 filesystems")}, {"hostname", ok("")}},
		clock: []time.Duration{0, 1200 * time.Microsecond, 0, 35 * time.Microsecond},
		want: "wisp: mount    ok     1.2ms  6 filesystems\n" +
			"wisp: hostname ok     0.0ms\n",
	}, {
		name:  "skip",
		steps: []step{{"network", skip}},
		clock: []time.Duration{0, 50 * time.Microsecond},
		want:  "wisp: network  skip   0.1ms  no network in config\n",
	}, {
		name:  "non-fatal failure goes on",
		steps: []step{{"ntp", warn}, {"drop", ok("")}},
		clock: []time.Duration{0, 5 * time.Second, 0, 0},
		want: "wisp: ntp      failed   5.00s  10.0.2.99:123: no answer; continuing with the clock at 2025-01-01T00:00:00Z\n" +
			"wisp: drop     ok     0.0ms\n",
	}, {
		name:    "failure stops",
		steps:   []step{{"modules", ok("8 loaded")}, {"network", fail}, {"resolv", never}},
		clock:   []time.Duration{0, 123456 * time.Microsecond, 0, 5012 * time.Millisecond},
		want:    "wisp: modules  ok   123.5ms  8 loaded\nwisp: network failed: adding 10.0.2.15/24 to eth0: file exists\n",
		wantErr: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			clock := &fakeClock{steps: tt.clock}
			err := runner{now: clock.now}.run(&boot{out: &out}, tt.steps)
			if got := out.String(); got != tt.want {
				t.Errorf("console:\ngot  %q\nwant %q", got, tt.want)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("run() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "  0.0ms"},
		{1234 * time.Microsecond, "  1.2ms"},
		{45 * time.Millisecond, " 45.0ms"},
		{999940 * time.Microsecond, "999.9ms"},
		{999960 * time.Microsecond, "  1.00s"},
		{5012 * time.Millisecond, "  5.01s"},
		{123 * time.Second, "123.00s"},
	}
	for _, tt := range tests {
		if got := duration(tt.d); got != tt.want {
			t.Errorf("duration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// fakeKlog is a kernel log that prints what is below its console level.
type fakeKlog struct {
	level int
	lines []string
}

func (k *fakeKlog) reread() {}

func (k *fakeKlog) log(prio int, line string) bool {
	k.lines = append(k.lines, string(kmsgRecord(prio, line)))
	return kernelPrints(prio, k.level, false)
}

// TestLogKernel checks which lines reach the console directly when the
// kernel log takes them all.
func TestLogKernel(t *testing.T) {
	steps := []step{
		{"mount", func(*boot) (string, error) { return "6 filesystems", nil }},
		{"ntp", func(*boot) (string, error) { return "", nonFatal{errors.New("no answer")} }},
		{"network", func(*boot) (string, error) { return "", errors.New("no eth0") }},
	}
	kernel := []string{
		"<6>wisp: mount    ok     0.0ms  6 filesystems\n",
		"<4>wisp: ntp      failed   0.0ms  no answer\n",
		"<3>wisp: network failed: no eth0\n",
	}
	tests := []struct {
		name    string
		level   int
		console string // what the init writes itself
	}{
		// quiet: the kernel prints only errors (and worse).
		{"quiet", 4, "wisp: mount    ok     0.0ms  6 filesystems\nwisp: ntp      failed   0.0ms  no answer\n"},
		// The default level 7 prints everything but debug.
		{"default", 7, ""},
		// loglevel=1 prints nothing but emergencies.
		{"loglevel=1", 1, "wisp: mount    ok     0.0ms  6 filesystems\nwisp: ntp      failed   0.0ms  no answer\n" +
			"wisp: network failed: no eth0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			k := &fakeKlog{level: tt.level}
			if err := (runner{now: (&fakeClock{}).now}).run(&boot{out: &out, klog: k}, steps); err == nil {
				t.Error("run: no error from the failing network step")
			}
			if got := out.String(); got != tt.console {
				t.Errorf("console:\ngot  %q\nwant %q", got, tt.console)
			}
			if !reflect.DeepEqual(k.lines, kernel) {
				t.Errorf("kernel log:\ngot  %q\nwant %q", k.lines, kernel)
			}
		})
	}
}

func TestKernelPrints(t *testing.T) {
	tests := []struct {
		prio, level int
		ignore      bool
		want        bool
	}{
		{prioInfo, 4, false, false}, // quiet
		{prioWarning, 4, false, false},
		{prioErr, 4, false, true},
		{prioInfo, 7, false, true}, // the default
		{prioInfo, 6, false, false},
		{prioInfo, 8, false, true}, // debug
		{prioErr, 0, false, false}, // unknown level: the init prints
		{prioInfo, 1, true, true},  // ignore_loglevel
	}
	for _, tt := range tests {
		if got := kernelPrints(tt.prio, tt.level, tt.ignore); got != tt.want {
			t.Errorf("kernelPrints(%d, %d, %v) = %v, want %v", tt.prio, tt.level, tt.ignore, got, tt.want)
		}
	}
	for in, want := range map[string]int{"4\t4\t1\t7\n": 4, "7 4 1 7": 7, "": 0, "x 4": 0} {
		if got := consoleLoglevel(in); got != want {
			t.Errorf("consoleLoglevel(%q) = %d, want %d", in, got, want)
		}
	}
}
