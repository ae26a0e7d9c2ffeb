package main

import (
	"encoding/binary"
	"net/netip"

	"golang.org/x/sys/unix"
)

// addAddr is the RTM_NEWADDR request for "ip address add <p> dev <index>":
// IFA_LOCAL and IFA_ADDRESS both the address, as iproute2 sends them for a
// link without a peer. It fails with EEXIST if the address is there.
//
// IPv6 addresses skip duplicate address detection (IFA_F_NODAD): the
// address is static and the binary must be able to bind it at once, not
// after DAD's second or so of "tentative".
func addAddr(index int32, p netip.Prefix) message {
	a := p.Addr()
	family, flags := uint8(unix.AF_INET), uint8(0)
	if a.Is6() {
		family, flags = unix.AF_INET6, unix.IFA_F_NODAD
	}
	// struct ifaddrmsg
	body := []byte{family, uint8(p.Bits()), flags, unix.RT_SCOPE_UNIVERSE}
	body = binary.NativeEndian.AppendUint32(body, uint32(index))
	return message{
		typ:   unix.RTM_NEWADDR,
		flags: unix.NLM_F_CREATE | unix.NLM_F_EXCL,
		body:  body,
		attrs: []attr{
			{unix.IFA_LOCAL, a.AsSlice()},
			{unix.IFA_ADDRESS, a.AsSlice()},
		},
	}
}
