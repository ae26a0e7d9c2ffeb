package main

import (
	"encoding/binary"
	"net/netip"

	"golang.org/x/sys/unix"
)

// staticMetric6 is the metric of a static IPv6 default route: below the
// 1024 the kernel gives the default route of a router advertisement, so
// that the static one wins, and different from it, because the kernel
// drops a whole advertisement (its prefixes too, so no SLAAC address)
// when its route collides with one of the same metric and gateway
// (ndisc_router_discovery: "failed to add default route").
const staticMetric6 = 512

// addDefaultRoute is the RTM_NEWROUTE request for "ip route add default
// via <gw> dev <index> proto static [onlink]" in the main table; IPv4 or
// IPv6 (metric staticMetric6) by the gateway's family. onlink tells the
// kernel the gateway is on the link although no address's subnet holds
// it (a DHCP lease with a /32 address). It fails with EEXIST if there is
// a default route of the same metric.
func addDefaultRoute(index int32, gw netip.Addr, onlink bool) message {
	family := uint8(unix.AF_INET)
	attrs := []attr{
		{unix.RTA_GATEWAY, gw.AsSlice()},
		{unix.RTA_OIF, u32(uint32(index))},
	}
	if gw.Is6() {
		family = unix.AF_INET6
		attrs = append(attrs, attr{unix.RTA_PRIORITY, u32(staticMetric6)})
	}
	var flags byte
	if onlink {
		flags = unix.RTNH_F_ONLINK
	}
	// struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope,
	// type, then 32 bits of flags (native order; RTNH_F_ONLINK is in the
	// low byte, first on a little-endian machine).
	body := []byte{
		family, 0, 0, 0,
		unix.RT_TABLE_MAIN, unix.RTPROT_STATIC, unix.RT_SCOPE_UNIVERSE, unix.RTN_UNICAST,
	}
	body = binary.NativeEndian.AppendUint32(body, uint32(flags))
	return message{
		typ:   unix.RTM_NEWROUTE,
		flags: unix.NLM_F_CREATE | unix.NLM_F_EXCL,
		body:  body,
		attrs: attrs,
	}
}
