package main

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/errs"
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
	// reread is called when the console's log level may have changed
	// (kernel.printk, by the sysctl step).
	reread()
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
			b.log(prioInfo, padRight(s.name, 8)+" skip "+duration(d)+"  "+string(skip))
		case errors.As(err, &warn):
			b.log(prioWarning, padRight(s.name, 8)+" failed "+duration(d)+"  "+warn.error.Error())
		case err != nil:
			b.log(prioErr, s.name+" failed: "+err.Error())
			return errs.Wrap(s.name, err)
		case detail == "":
			b.log(prioInfo, padRight(s.name, 8)+" ok   "+duration(d))
		default:
			b.log(prioInfo, padRight(s.name, 8)+" ok   "+duration(d)+"  "+detail)
		}
	}
	return nil
}

// log logs one line, "wisp: " and text, to the kernel log and, unless the
// kernel prints it there itself, to the console. Lines are built with
// string concatenation: package fmt, with the reflection it brings,
// would add about 130 KB to the init.
func (b *boot) log(prio int, text string) {
	line := "wisp: " + text
	if b.klog != nil && b.klog.log(prio, line) {
		return
	}
	io.WriteString(b.out, line+"\n")
}

// duration formats d in a fixed width of 7 so that the lines align:
// "  1.2ms", "123.4ms", "  5.01s".
func duration(d time.Duration) string {
	if d < 999950*time.Microsecond {
		return padLeft(strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64), 5) + "ms"
	}
	return padLeft(strconv.FormatFloat(d.Seconds(), 'f', 2, 64), 6) + "s"
}

// padLeft and padRight pad s with spaces to width, as %*s and %-*s do.
func padLeft(s string, width int) string {
	return strings.Repeat(" ", max(width-len(s), 0)) + s
}

func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(width-len(s), 0))
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
