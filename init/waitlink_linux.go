package main

import (
	"errors"
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// linkTimeout bounds the wait for the configured interface to appear
// after its driver is loaded. Drivers usually register it while
// finit_module runs; asynchronous probing and USB take longer.
const linkTimeout = 5 * time.Second

// waitLink returns the index of interface name, waiting up to timeout for
// it to be registered. It listens to link events rather than polling.
//
// Interfaces are looked up by name with one ioctl (SIOCGIFINDEX), not a
// dump of every link: under TCG the kernel filling every link's
// attributes was most of the network step (bench/notes.md).
func (c *rtnl) waitLink(name string, timeout time.Duration) (int32, error) {
	if index, ok, err := c.index(name); ok || err != nil {
		return index, err
	}
	events, err := dialRoute(unix.RTMGRP_LINK) // before looking again: no event is missed
	if err != nil {
		return 0, err
	}
	defer events.Close()
	deadline := sinceBoot() + timeout
	for {
		if index, ok, err := c.index(name); ok || err != nil {
			return index, err
		}
		if err := events.awaitLink(name, deadline); errors.Is(err, unix.ETIMEDOUT) {
			have, _ := c.links()
			return 0, errors.New("waiting for interface " + name + ": not there after " + timeout.String() +
				" (have " + names(have) + ")")
		} else if err != nil && !errors.Is(err, unix.ENOBUFS) {
			return 0, errs.Wrap("waiting for interface "+name, err)
		}
		// An event named it, or events were lost (ENOBUFS): look again.
	}
}

// index looks up an interface's index by name; ok is false if there is
// none of that name (yet).
func (c *rtnl) index(name string) (index int32, ok bool, err error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, false, errs.Wrap("interface name "+name, err)
	}
	if err := unix.IoctlIfreq(c.fd, unix.SIOCGIFINDEX, ifr); errors.Is(err, unix.ENODEV) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, errs.Wrap("looking up interface "+name, err)
	}
	return int32(ifr.Uint32()), true, nil
}

// awaitLink reads link events until one names the interface, or the
// deadline passes (ETIMEDOUT).
func (c *rtnl) awaitLink(name string, deadline time.Duration) error {
	for {
		left := deadline - sinceBoot()
		if left <= 0 {
			return unix.ETIMEDOUT
		}
		fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, int(left/time.Millisecond)+1); err != nil && !errors.Is(err, unix.EINTR) {
			return errs.Wrap("polling rtnetlink", err)
		}
		msgs, err := c.receive(unix.MSG_DONTWAIT)
		if errors.Is(err, unix.EAGAIN) {
			continue
		} else if err != nil {
			return err
		}
		for _, m := range msgs {
			if n, _, ok := parseLink(m); ok && n == name {
				return nil
			}
		}
	}
}
