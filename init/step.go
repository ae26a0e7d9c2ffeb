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
	klog  kernelLog      // the kernel log, once /dev is mounted; nil in tests
	cfg   *config.Config // set by the config step
	link  int32          // the interface's index, set by the network step
	lease *lease         // set by the dhcp step
}

// A kernelLog takes the init's lines into the kernel's log buffer.
type kernelLog interface {
	// log records line with a syslog priority and reports whether the
	// kernel prints it on the console itself. False when the line could
	// not be recorded.
	log(prio int, line string) (printed bool)
}

// Priorities of the init's lines in the kernel log (syslog(2)).
const (
	prioErr     = 3 // a step failed: the boot stops
	prioWarning = 4 // a step failed, the boot goes on
	prioInfo    = 6 // a step's line
)

// skipped is the error of a step with nothing to do. The runner logs the
// reason and goes on.
type skipped string

func (s skipped) Error() string { return string(s) }

// nonFatal is the error of a step whose failure does not stop the boot
// (ntp). The runner logs it as a warning and goes on.
type nonFatal struct{ error }

func (e nonFatal) Unwrap() error { return e.error }

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
		var warn nonFatal
		switch {
		case errors.As(err, &skip):
			b.logf(prioInfo, "%-8s skip %s  %s", s.name, duration(d), skip)
		case errors.As(err, &warn):
			b.logf(prioWarning, "%-8s failed %s  %v", s.name, duration(d), warn.error)
		case err != nil:
			b.logf(prioErr, "%s failed: %v", s.name, err)
			return fmt.Errorf("%s: %w", s.name, err)
		case detail == "":
			b.logf(prioInfo, "%-8s ok   %s", s.name, duration(d))
		default:
			b.logf(prioInfo, "%-8s ok   %s  %s", s.name, duration(d), detail)
		}
	}
	return nil
}

// logf logs one line, "wisp: " and the formatted text, to the kernel log
// and, unless the kernel prints it there itself, to the console.
func (b *boot) logf(prio int, format string, args ...any) {
	line := fmt.Sprintf("wisp: "+format, args...)
	if b.klog != nil && b.klog.log(prio, line) {
		return
	}
	fmt.Fprintln(b.out, line)
}

// duration formats d in a fixed width of 7 so that the lines align:
// "  1.2ms", "123.4ms", "  5.01s".
func duration(d time.Duration) string {
	if d < 999950*time.Microsecond {
		return fmt.Sprintf("%5.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%6.2fs", d.Seconds())
}

// joinAddrs formats addresses separated by spaces.
func joinAddrs[T interface{ String() string }](as []T) string {
	s := ""
	for i, a := range as {
		if i > 0 {
			s += " "
		}
		s += a.String()
	}
	return s
}
