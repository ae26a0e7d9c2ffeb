package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// sinceBoot is the time since the kernel started (CLOCK_BOOTTIME). It is
// the init's only clock: time.Time is avoided, see files_linux.go.
func sinceBoot() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0 // cannot happen since Linux 2.6.39
	}
	return time.Duration(ts.Nano())
}
