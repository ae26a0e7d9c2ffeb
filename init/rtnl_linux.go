package main

import (
	"encoding/binary"
	"errors"
	"syscall"
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// replyTimeout bounds every read of a kernel reply. The kernel answers
// rtnetlink requests at once; this is only so that the init cannot hang.
const replyTimeout = 5 * time.Second

// rtnl is a NETLINK_ROUTE socket, for requests or, bound to multicast
// groups, for events.
type rtnl struct {
	fd  int
	seq uint32
}

// dialRoute opens a NETLINK_ROUTE socket subscribed to groups (RTMGRP_*),
// which may be 0.
func dialRoute(groups uint32) (*rtnl, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, errs.Wrap("opening rtnetlink socket", err)
	}
	c := &rtnl{fd: fd}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
		c.Close()
		return nil, errs.Wrap("binding rtnetlink socket", err)
	}
	tv := unix.NsecToTimeval(replyTimeout.Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		c.Close()
		return nil, errs.Wrap("setting rtnetlink timeout", err)
	}
	return c, nil
}

func (c *rtnl) Close() error { return unix.Close(c.fd) }

// request sends m and returns the kernel's replies to it, up to its
// acknowledgement or the end of a dump. A refusal is returned as the
// kernel's errno, e.g. unix.EEXIST.
func (c *rtnl) request(m message) ([]syscall.NetlinkMessage, error) {
	c.seq++
	m.flags |= unix.NLM_F_ACK
	if err := unix.Sendto(c.fd, m.encode(c.seq), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, errs.Wrap("sending rtnetlink request", err)
	}
	var replies []syscall.NetlinkMessage
	for {
		msgs, err := c.receive(0)
		if err != nil {
			return nil, err
		}
		for _, msg := range msgs {
			if msg.Header.Seq != c.seq {
				continue // a late answer to an earlier request
			}
			switch msg.Header.Type {
			case unix.NLMSG_DONE:
				return replies, nil
			case unix.NLMSG_ERROR:
				return replies, ackError(msg.Data)
			default:
				replies = append(replies, msg)
			}
		}
	}
}

// receive reads one datagram of messages.
func (c *rtnl) receive(flags int) ([]syscall.NetlinkMessage, error) {
	buf := make([]byte, 64<<10)
	n, _, err := unix.Recvfrom(c.fd, buf, flags)
	if err != nil {
		return nil, errs.Wrap("reading rtnetlink", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return nil, errs.Wrap("parsing rtnetlink", err)
	}
	return msgs, nil
}

// ackError is the error carried by an NLMSG_ERROR payload (struct
// nlmsgerr): nil for an acknowledgement, else the negated errno.
func ackError(data []byte) error {
	if len(data) < 4 {
		return errors.New("short rtnetlink error message")
	}
	if code := int32(binary.NativeEndian.Uint32(data)); code != 0 {
		return unix.Errno(-code)
	}
	return nil
}
