package main

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// addDefaultRoute is the RTM_NEWROUTE request for "ip route add default
// via <gw> dev <index> proto static" in the main table; IPv4 or IPv6 by the
// gateway's family. It fails with EEXIST if there is a default route.
func addDefaultRoute(index int32, gw netip.Addr) message {
	family := uint8(unix.AF_INET)
	if gw.Is6() {
		family = unix.AF_INET6
	}
	// struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope,
	// type, then 32 bits of flags.
	body := []byte{
		family, 0, 0, 0,
		unix.RT_TABLE_MAIN, unix.RTPROT_STATIC, unix.RT_SCOPE_UNIVERSE, unix.RTN_UNICAST,
		0, 0, 0, 0,
	}
	return message{
		typ:   unix.RTM_NEWROUTE,
		flags: unix.NLM_F_CREATE | unix.NLM_F_EXCL,
		body:  body,
		attrs: []attr{
			{unix.RTA_GATEWAY, gw.AsSlice()},
			{unix.RTA_OIF, u32(uint32(index))},
		},
	}
}
