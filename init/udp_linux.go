package main

import (
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// firstResend is when exchange sends its request again to destinations
// that have not answered; the interval doubles after each resend.
const firstResend = time.Second

// exchange sends req() to every destination, each over a connected UDP
// socket, and again after 1, 2, 4... s to those that have not answered,
// and passes every datagram back to check. It returns the index of the
// destination whose datagram check accepts. check returns false for a
// datagram to ignore (not an answer to this request), or an error that
// ends that destination's part. exchange fails once every destination has
// failed, at the deadline (since boot), or when stop fires (errStopped).
//
// zone is the interface index for link-local IPv6 destinations.
func exchange(dsts []netip.AddrPort, zone int32, req func() []byte, check func([]byte) (bool, error),
	deadline time.Duration, stop int) (int, error) {
	fds := make([]int, len(dsts))
	fails := make([]error, len(dsts))
	for i, d := range dsts {
		fds[i], fails[i] = dialUDP(d, zone)
	}
	defer func() {
		for _, fd := range fds {
			if fd >= 0 {
				unix.Close(fd)
			}
		}
	}()
	failed := func(i int, err error) {
		fails[i] = err
		unix.Close(fds[i])
		fds[i] = -1
	}

	buf := make([]byte, 4096)
	resend, interval := sinceBoot(), firstResend
	for {
		if now := sinceBoot(); now >= resend {
			for i, fd := range fds {
				if fd < 0 {
					continue
				}
				if _, err := unix.Write(fd, req()); err != nil {
					failed(i, errs.Wrap("sending", err))
				}
			}
			resend, interval = now+interval, 2*interval
		}
		var pfds []unix.PollFd
		var index []int
		for i, fd := range fds {
			if fd >= 0 {
				pfds = append(pfds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
				index = append(index, i)
			}
		}
		if len(pfds) == 0 {
			return -1, exchangeError(dsts, fails)
		}
		ready, err := poll(pfds, stop, min(resend, deadline))
		if err != nil {
			return -1, err
		}
		if !ready {
			if sinceBoot() >= deadline {
				return -1, exchangeError(dsts, fails)
			}
			continue
		}
		for j, p := range pfds {
			if p.Revents == 0 {
				continue
			}
			i := index[j]
			n, err := unix.Read(fds[i], buf)
			switch {
			case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			case errors.Is(err, unix.ECONNREFUSED):
				failed(i, errors.New("refused (nothing listens there)"))
			case err != nil:
				failed(i, errs.Wrap("receiving", err))
			default:
				ok, err := check(buf[:n])
				if err != nil {
					failed(i, err)
				} else if ok {
					return i, nil
				}
			}
		}
	}
}

// exchangeError names what happened with each destination.
func exchangeError(dsts []netip.AddrPort, fails []error) error {
	var parts []string
	for i, d := range dsts {
		why := "no answer"
		if fails[i] != nil {
			why = fails[i].Error()
		}
		parts = append(parts, d.String()+": "+why)
	}
	return errors.New(strings.Join(parts, "; "))
}

// dialUDP is a non-blocking UDP socket connected to dst: the kernel then
// passes only dst's datagrams, and its ICMP errors as ECONNREFUSED.
func dialUDP(dst netip.AddrPort, zone int32) (int, error) {
	a := dst.Addr().Unmap()
	var sa unix.Sockaddr
	family := unix.AF_INET
	if a.Is4() {
		sa = &unix.SockaddrInet4{Port: int(dst.Port()), Addr: a.As4()}
	} else {
		family = unix.AF_INET6
		s6 := &unix.SockaddrInet6{Port: int(dst.Port()), Addr: a.As16()}
		if a.IsLinkLocalUnicast() {
			s6.ZoneId = uint32(zone)
		}
		sa = s6
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, errs.Wrap("opening UDP socket", err)
	}
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return -1, errs.Wrap("connecting", err)
	}
	return fd, nil
}
