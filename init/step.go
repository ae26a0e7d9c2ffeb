package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wispboot/wisp/config"
)

// A step is one stage of the boot. run returns a short detail for the
// console line ("8 loaded"), or an error.
type step struct {
	name string
	run  func(*boot) (string, error)
}

// boot is what the steps share.
type boot struct {
	start time.Duration  // when the init started, since boot
	out   io.Writer      // the console
	cfg   *config.Config // set by the config step
}

// skipped is the error of a step with nothing to do. The runner logs the
// reason and goes on.
type skipped string

func (s skipped) Error() string { return string(s) }

// runner runs steps in order and logs one line for each to the boot's
// console. now is the clock, sinceBoot but in tests.
type runner struct {
	now func() time.Duration
}

// run stops at the first step that fails and returns its error, once
// logged as "wisp: <step> failed: <error>".
func (r runner) run(b *boot, steps []step) error {
	for _, s := range steps {
		t0 := r.now()
		detail, err := s.run(b)
		d := r.now() - t0
		var skip skipped
		switch {
		case errors.As(err, &skip):
			b.logf("%-8s skip %s  %s", s.name, duration(d), skip)
		case err != nil:
			b.logf("%s failed: %v", s.name, err)
			return fmt.Errorf("%s: %w", s.name, err)
		case detail == "":
			b.logf("%-8s ok   %s", s.name, duration(d))
		default:
			b.logf("%-8s ok   %s  %s", s.name, duration(d), detail)
		}
	}
	return nil
}

// logf prints one line on the console.
func (b *boot) logf(format string, args ...any) {
	fmt.Fprintf(b.out, "wisp: "+format+"\n", args...)
}

// duration formats d in a fixed width of 7 so that the lines align:
// "  1.2ms", "123.4ms", "  5.01s".
func duration(d time.Duration) string {
	if d < 999950*time.Microsecond {
		return fmt.Sprintf("%5.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%6.2fs", d.Seconds())
}
