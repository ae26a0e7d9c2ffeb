package main

import (
	"bytes"
	"errors"
	"fmt"
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
