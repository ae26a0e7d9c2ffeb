package main

import (
	"strconv"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// console is the device the kernel gives PID 1 as fds 0, 1 and 2, and the
// one the init reopens once devtmpfs hides the initrd's own node.
const console = "/dev/console"

// reopenConsole makes fds 0, 1 and 2 the console of the mounted /dev.
func reopenConsole() error {
	fd, err := unix.Open(console, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return errs.Wrap("opening "+console, err)
	}
	for i := 0; i <= 2; i++ {
		if i == fd {
			continue
		}
		if err := unix.Dup3(fd, i, 0); err != nil {
			return errs.Wrap("making "+console+" fd "+strconv.Itoa(i), err)
		}
	}
	if fd > 2 {
		return unix.Close(fd)
	}
	// fd was a free slot in 0-2 and is the console itself: keep it open
	// across exec.
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0)
	return err
}

// drainConsole waits until the console has sent what the init wrote
// (tcdrain), so that a failure line is not lost to the kernel panic that
// follows the init's exit.
func drainConsole() {
	unix.IoctlSetInt(1, unix.TCSBRK, 1) // not a tty: nothing to drain
}
