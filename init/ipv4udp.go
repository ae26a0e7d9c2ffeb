package main

import (
	"encoding/binary"
	"net/netip"
)

// The DHCP client speaks before the interface has an address, so it sends
// and receives whole IPv4 packets on a packet socket and lays out the IPv4
// (RFC 791) and UDP (RFC 768) headers itself.

const (
	ipv4HeaderLen = 20
	udpHeaderLen  = 8
	protoUDP      = 17
)

// ipv4UDP is payload in a UDP datagram from src:sport to dst:dport, in an
// IPv4 packet with TTL 64, both checksums set.
func ipv4UDP(src, dst netip.Addr, sport, dport uint16, payload []byte) []byte {
	n := ipv4HeaderLen + udpHeaderLen + len(payload)
	b := make([]byte, ipv4HeaderLen, n)
	b[0] = 0x45 // version 4, 5 words of header
	binary.BigEndian.PutUint16(b[2:4], uint16(n))
	b[8], b[9] = 64, protoUDP
	s, d := src.As4(), dst.As4()
	copy(b[12:16], s[:])
	copy(b[16:20], d[:])
	binary.BigEndian.PutUint16(b[10:12], checksum(0, b))

	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = binary.BigEndian.AppendUint16(b, uint16(udpHeaderLen+len(payload)))
	b = append(b, 0, 0) // the checksum, below
	b = append(b, payload...)
	// The UDP checksum covers a pseudo header: addresses, protocol, length.
	pseudo := append(append(s[:], d[:]...), 0, protoUDP, b[24], b[25])
	sum := checksum(sum16(0, pseudo), b[ipv4HeaderLen:])
	if sum == 0 {
		sum = 0xffff // 0 means "no checksum"
	}
	binary.BigEndian.PutUint16(b[26:28], sum)
	return b
}

// parseIPv4UDP returns the source, ports and payload of a UDP datagram in
// an IPv4 packet. It checks the IPv4 header's checksum but not UDP's: a
// packet socket can see a local sender's datagram before the checksum is
// filled in (checksum offload), and the kernel has checked anything that
// came over a wire.
func parseIPv4UDP(b []byte) (src netip.Addr, sport, dport uint16, payload []byte, ok bool) {
	if len(b) < ipv4HeaderLen || b[0]>>4 != 4 {
		return
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if ihl < ipv4HeaderLen || total < ihl+udpHeaderLen || total > len(b) || b[9] != protoUDP ||
		checksum(0, b[:ihl]) != 0 {
		return
	}
	if binary.BigEndian.Uint16(b[6:8])&0x3fff != 0 { // more fragments, or an offset
		return
	}
	u := b[ihl:total]
	ulen := int(binary.BigEndian.Uint16(u[4:6]))
	if ulen < udpHeaderLen || ulen > len(u) {
		return
	}
	return netip.AddrFrom4([4]byte(b[12:16])), binary.BigEndian.Uint16(u[0:2]),
		binary.BigEndian.Uint16(u[2:4]), u[udpHeaderLen:ulen], true
}

// checksum is the Internet checksum (RFC 1071) of b, continuing from a
// partial sum. Over a header that holds its own checksum it is 0.
func checksum(sum uint32, b []byte) uint16 {
	sum = sum16(sum, b)
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// sum16 adds b's 16-bit big-endian words to sum; an odd last byte is
// padded with a zero.
func sum16(sum uint32, b []byte) uint32 {
	for ; len(b) >= 2; b = b[2:] {
		sum += uint32(b[0])<<8 | uint32(b[1])
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	return sum
}
