package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"syscall"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// linkUp is the RTM_NEWLINK request for "ip link set <index> up".
func linkUp(index int32) message {
	return message{typ: unix.RTM_NEWLINK, body: ifinfomsg(index, unix.IFF_UP, unix.IFF_UP)}
}

// ifinfomsg is struct ifinfomsg with family AF_UNSPEC.
func ifinfomsg(index int32, flags, change uint32) []byte {
	b := make([]byte, unix.SizeofIfInfomsg)
	binary.NativeEndian.PutUint32(b[4:8], uint32(index))
	binary.NativeEndian.PutUint32(b[8:12], flags)
	binary.NativeEndian.PutUint32(b[12:16], change)
	return b
}

// links returns the index of every interface, by name.
func (c *rtnl) links() (map[string]int32, error) {
	dump := message{typ: unix.RTM_GETLINK, flags: unix.NLM_F_DUMP, body: ifinfomsg(0, 0, 0)}
	replies, err := c.request(dump)
	if err != nil {
		return nil, errs.Wrap("listing interfaces", err)
	}
	have := make(map[string]int32)
	for _, m := range replies {
		if name, index, ok := parseLink(m); ok {
			have[name] = index
		}
	}
	return have, nil
}

// parseLink reads the name and index of an RTM_NEWLINK message.
func parseLink(m syscall.NetlinkMessage) (string, int32, bool) {
	if m.Header.Type != unix.RTM_NEWLINK || len(m.Data) < unix.SizeofIfInfomsg {
		return "", 0, false
	}
	index := int32(binary.NativeEndian.Uint32(m.Data[4:8]))
	attrs, err := syscall.ParseNetlinkRouteAttr(&m)
	if err != nil {
		return "", 0, false
	}
	for _, a := range attrs {
		if a.Attr.Type == unix.IFLA_IFNAME {
			return string(bytes.TrimRight(a.Value, "\x00")), index, true
		}
	}
	return "", 0, false
}

// hwAddr is the Ethernet address of interface index (IFLA_ADDRESS).
func (c *rtnl) hwAddr(index int32) ([6]byte, error) {
	replies, err := c.request(message{typ: unix.RTM_GETLINK, body: ifinfomsg(index, 0, 0)})
	if err != nil {
		return [6]byte{}, errs.Wrap("reading the interface", err)
	}
	for _, m := range replies {
		attrs, err := syscall.ParseNetlinkRouteAttr(&m)
		if err != nil {
			continue
		}
		for _, a := range attrs {
			if a.Attr.Type != unix.IFLA_ADDRESS {
				continue
			}
			if len(a.Value) != 6 {
				return [6]byte{}, errors.New("hardware address " + hexString(a.Value) + " is not an Ethernet address (DHCP needs one)")
			}
			return [6]byte(a.Value), nil
		}
	}
	return [6]byte{}, errors.New("no hardware address (DHCP needs an Ethernet address)")
}

// names lists the interfaces of have, sorted.
func names(have map[string]int32) string {
	var ns []string
	for n := range have {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return strings.Join(ns, ", ")
}

// hexString is b in lowercase hex, as %x prints it; package encoding/hex
// would bring package fmt into the init.
func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	s := make([]byte, 0, 2*len(b))
	for _, c := range b {
		s = append(s, digits[c>>4], digits[c&0xf])
	}
	return string(s)
}
