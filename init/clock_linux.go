package main

import (
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// sinceBoot is the time since the kernel started (CLOCK_BOOTTIME). It is
// the init's only clock for durations: time.Time is avoided, see
// files_linux.go.
func sinceBoot() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0 // cannot happen since Linux 2.6.39
	}
	return time.Duration(ts.Nano())
}

// realtime is the wall clock (CLOCK_REALTIME), in nanoseconds since 1970.
func realtime() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_REALTIME, &ts) // cannot fail
	return ts.Nano()
}

// setRealtime sets the wall clock. It needs CAP_SYS_TIME.
func setRealtime(ns int64) error {
	ts := unix.NsecToTimespec(ns)
	if err := unix.ClockSettime(unix.CLOCK_REALTIME, &ts); err != nil {
		return errs.Wrap("setting the clock to "+utc(ns/1e9), err)
	}
	return nil
}

// clockFloor is the clock step: a clock earlier than the configured floor
// (a board without a real-time clock starts in 1970) is set to it. The
// clock never moves backwards.
func clockFloor(b *boot) (string, error) {
	floor := b.cfg.Clock.Floor
	now := realtime()
	if floor <= 0 {
		return "", skipped("no clock floor in config; clock at " + utc(now/1e9))
	}
	if now >= floor*1e9 {
		return utc(now/1e9) + ", not before the floor " + utc(floor), nil
	}
	if err := setRealtime(floor * 1e9); err != nil {
		return "", err
	}
	return utc(now/1e9) + " -> " + utc(floor) + " (the floor)", nil
}
