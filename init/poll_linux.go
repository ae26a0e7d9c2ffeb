package main

import (
	"errors"
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// errStopped is returned by a wait whose stop descriptor fired.
var errStopped = errors.New("stopped")

// waitReadable waits until fd is readable, or returns unix.ETIMEDOUT at
// the deadline (since boot), or errStopped once stop (if not -1) is
// readable or hung up.
func waitReadable(fd, stop int, deadline time.Duration) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	ready, err := poll(fds, stop, deadline)
	if err != nil {
		return err
	}
	if !ready {
		return unix.ETIMEDOUT
	}
	return nil
}

// poll waits until one of fds has an event (in its Revents), reporting
// true, or the deadline passes, reporting false. A stop descriptor that
// fires (a pipe whose write end is closed) returns errStopped.
func poll(fds []unix.PollFd, stop int, deadline time.Duration) (bool, error) {
	all := fds
	if stop >= 0 {
		all = append(fds[:len(fds):len(fds)], unix.PollFd{Fd: int32(stop), Events: unix.POLLIN})
		defer copy(fds, all)
	}
	for {
		left := deadline - sinceBoot()
		if left <= 0 {
			return false, nil
		}
		n, err := unix.Poll(all, int((left+time.Millisecond-1)/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		} else if err != nil {
			return false, errs.Wrap("polling", err)
		}
		if stop >= 0 && all[len(all)-1].Revents != 0 {
			return false, errStopped
		}
		if n > 0 {
			return true, nil
		}
	}
}
