package main

import (
	"net"
	"net/netip"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/net/dns/dnsmessage"
)

// The init parses what arrives over the network at boot, as root, before
// the app runs: DHCP replies, SNTP replies, DNS answers (for NTP server
// names), IPv4/UDP packets from a packet socket. A malformed packet must
// be an error or ignored, never a crash that stops the boot.

func FuzzParseReply(f *testing.F) {
	req, err := dhcpv4.FromBytes(clientMsg{typ: dhcpRequest, xid: 7, mac: testMAC}.encode())
	if err != nil {
		f.Fatal(err)
	}
	ack, err := dhcpv4.NewReplyFromRequest(req,
		dhcpv4.WithMessageType(dhcpv4.MessageTypeAck),
		dhcpv4.WithYourIP(net.IPv4(10, 0, 2, 15)),
		dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithRouter(net.IPv4(10, 0, 2, 2)),
		dhcpv4.WithDNS(net.IPv4(10, 0, 2, 3)),
		dhcpv4.WithDomainSearchList("example.org", "b.example.org"),
		dhcpv4.WithLeaseTime(86400))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ack.ToBytes())
	f.Add(clientMsg{typ: dhcpDiscover, xid: 1, mac: testMAC, hostname: "svc"}.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseReply(b)
		if err != nil {
			return
		}
		r.msgType()
		if l, err := leaseFrom(r); err == nil {
			_ = l.String()
			if !l.addr.IsValid() {
				t.Errorf("a lease with no address: %+v", l)
			}
		}
	})
}

func FuzzParseSNTP(f *testing.F) {
	f.Add(sntpPacket(0<<6|4<<3|4, 1, 42, ntpTS(1700000000, 0), ntpTS(1700000000, 1<<31)), uint64(42))
	f.Add(make([]byte, 48), uint64(0))
	f.Fuzz(func(t *testing.T, b []byte, nonce uint64) {
		r, err := parseSNTP(b, nonce)
		if err != nil {
			return
		}
		_ = sntpTime(r, 0, 1, 1700000000)
	})
}

func FuzzParseNTPServer(f *testing.F) {
	for _, s := range []string{"pool.ntp.org", "10.0.2.2:123", "[fd00::1]:123", "fd00::1", ":", "a:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { parseNTPServer(s) })
}

func FuzzDNSAnswer(f *testing.F) {
	query, err := dnsQuery(7, "pool.ntp.org", dnsmessage.TypeA)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(dnsReply(f, query, dnsmessage.RCodeSuccess, func(b *dnsmessage.Builder, n dnsmessage.Name) error {
		return b.AResource(dnsmessage.ResourceHeader{Name: n, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: [4]byte{192, 0, 2, 1}})
	}))
	f.Add(dnsReply(f, query, dnsmessage.RCodeNameError, nil))
	f.Fuzz(func(t *testing.T, reply []byte) {
		for _, typ := range []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA} {
			addrs, _, _ := dnsAnswer(reply, query, typ)
			for _, a := range addrs {
				if !a.IsValid() {
					t.Errorf("an invalid address in %v", addrs)
				}
			}
		}
	})
}

func FuzzParseIPv4UDP(f *testing.F) {
	src, dst := netip.MustParseAddr("10.0.2.2"), netip.MustParseAddr("255.255.255.255")
	f.Add(ipv4UDP(src, dst, 67, 68, []byte("a DHCP reply")))
	f.Add([]byte{0x45})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _, payload, ok := parseIPv4UDP(b)
		if ok && len(payload) > len(b) {
			t.Errorf("a payload of %d bytes out of a packet of %d", len(payload), len(b))
		}
		// What the init builds, it reads back as it was.
		pkt := ipv4UDP(src, dst, 67, 68, b)
		if len(pkt) > 0xffff {
			return
		}
		gotSrc, sport, dport, payload, ok := parseIPv4UDP(pkt)
		if !ok || gotSrc != src || sport != 67 || dport != 68 || string(payload) != string(b) {
			t.Errorf("round trip of %d bytes: ok %v, %v %d %d, %d bytes back", len(b), ok, gotSrc, sport, dport, len(payload))
		}
	})
}
