package main

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// insomniacslk/dhcp's dhcpv4 is the independent check of the init's own
// DHCP encoding and decoding here (and the server in the netns test); the
// init does not link it (see doc.go).

var testMAC = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

// TestClientMsg has dhcpv4 read the init's DISCOVER and REQUEST.
func TestClientMsg(t *testing.T) {
	discover := clientMsg{typ: dhcpDiscover, xid: 0xdeadbeef, secs: 3, mac: testMAC, hostname: "svc"}
	request := discover
	request.typ = dhcpRequest
	request.addr = netip.MustParseAddr("10.0.2.15")
	request.server = netip.MustParseAddr("10.0.2.2")

	for _, m := range []clientMsg{discover, request} {
		b := m.encode()
		if len(b) < bootpMinLen {
			t.Errorf("message of %d bytes, want at least %d", len(b), bootpMinLen)
		}
		d, err := dhcpv4.FromBytes(b)
		if err != nil {
			t.Fatalf("dhcpv4 cannot read type %d: %v", m.typ, err)
		}
		if d.OpCode != dhcpv4.OpcodeBootRequest || d.HWType != iana.HWTypeEthernet ||
			d.TransactionID != (dhcpv4.TransactionID{0xde, 0xad, 0xbe, 0xef}) || d.NumSeconds != 3 ||
			!bytes.Equal(d.ClientHWAddr, testMAC[:]) || d.IsBroadcast() || !d.ClientIPAddr.IsUnspecified() {
			t.Errorf("type %d: header %s", m.typ, d.Summary())
		}
		if got := d.MessageType(); got != dhcpv4.MessageType(m.typ) {
			t.Errorf("message type %v, want %d", got, m.typ)
		}
		if got := d.HostName(); got != "svc" {
			t.Errorf("host name %q, want svc", got)
		}
		var params []byte
		for _, c := range d.ParameterRequestList() {
			params = append(params, c.Code())
		}
		if !bytes.Equal(params, requestedOptions) {
			t.Errorf("parameter request list %v, want %v", params, requestedOptions)
		}
		wantAddr, wantServer := net.IP(nil), net.IP(nil)
		if m.typ == dhcpRequest {
			wantAddr, wantServer = net.IPv4(10, 0, 2, 15).To4(), net.IPv4(10, 0, 2, 2).To4()
		}
		if got := d.RequestedIPAddress(); !got.Equal(wantAddr) {
			t.Errorf("type %d: requested address %v, want %v", m.typ, got, wantAddr)
		}
		if got := d.ServerIdentifier(); !got.Equal(wantServer) {
			t.Errorf("type %d: server identifier %v, want %v", m.typ, got, wantServer)
		}
	}
}

// TestLeaseFromDHCPv4 reads an ACK that dhcpv4 builds, like slirp's plus
// a domain and a search list.
func TestLeaseFromDHCPv4(t *testing.T) {
	req, err := dhcpv4.FromBytes(clientMsg{typ: dhcpRequest, xid: 7, mac: testMAC}.encode())
	if err != nil {
		t.Fatal(err)
	}
	ack, err := dhcpv4.NewReplyFromRequest(req,
		dhcpv4.WithMessageType(dhcpv4.MessageTypeAck),
		dhcpv4.WithYourIP(net.IPv4(10, 0, 2, 15)),
		dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithRouter(net.IPv4(10, 0, 2, 2)),
		dhcpv4.WithDNS(net.IPv4(10, 0, 2, 3), net.IPv4(0, 0, 0, 0), net.IPv4(9, 9, 9, 9)),
		dhcpv4.WithOption(dhcpv4.OptDomainName("example.com")),
		dhcpv4.WithDomainSearchList("eng.example.com", "example.com", "lab.example.com"),
		dhcpv4.WithLeaseTime(86400),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(10, 0, 2, 2))),
	)
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseReply(ack.ToBytes())
	if err != nil {
		t.Fatalf("parseReply: %v", err)
	}
	if r.op != bootReply || r.xid != 7 || r.chaddr != testMAC || r.msgType() != dhcpAck {
		t.Errorf("reply op %d xid %d chaddr %x type %d", r.op, r.xid, r.chaddr, r.msgType())
	}
	got, err := leaseFrom(r)
	if err != nil {
		t.Fatalf("leaseFrom: %v", err)
	}
	want := &lease{
		addr:   netip.MustParsePrefix("10.0.2.15/24"),
		router: netip.MustParseAddr("10.0.2.2"),
		dns:    []netip.Addr{netip.MustParseAddr("10.0.2.3"), netip.MustParseAddr("9.9.9.9")},
		search: []string{"example.com", "eng.example.com", "lab.example.com"},
		time:   24 * time.Hour,
		server: netip.MustParseAddr("10.0.2.2"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lease\ngot  %+v\nwant %+v", got, want)
	}
	if s, want := got.String(), "10.0.2.15/24 via 10.0.2.2, dns 10.0.2.3 9.9.9.9, "+
		"search example.com eng.example.com lab.example.com, lease 24h0m0s from 10.0.2.2"; s != want {
		t.Errorf("String() = %q, want %q", s, want)
	}
}

// serverMsg is a server's reply with yiaddr and raw options (code, length,
// value...), ended by optEnd.
func serverMsg(yiaddr [4]byte, opts ...byte) []byte {
	b := make([]byte, dhcpFixedLen)
	b[0] = bootReply
	copy(b[16:20], yiaddr[:])
	b = append(b, magicCookie...)
	return append(append(b, opts...), optEnd)
}

func TestLeaseFrom(t *testing.T) {
	ack := []byte{optMessageType, 1, dhcpAck}
	tests := []struct {
		name    string
		msg     []byte
		want    *lease // nil: an error
		wantErr string
	}{{
		name: "no mask: classful; no lease time: infinite",
		msg:  serverMsg([4]byte{172, 16, 5, 9}, ack...),
		want: &lease{addr: netip.MustParsePrefix("172.16.5.9/16")},
	}, {
		name: "a /32 and a router outside it, infinite lease",
		msg: serverMsg([4]byte{203, 0, 113, 7}, append(ack,
			optSubnetMask, 4, 255, 255, 255, 255,
			optRouter, 8, 0, 0, 0, 0, 203, 0, 113, 1, // the first is 0.0.0.0
			optLeaseTime, 4, 0xff, 0xff, 0xff, 0xff)...),
		want: &lease{addr: netip.MustParsePrefix("203.0.113.7/32"), router: netip.MustParseAddr("203.0.113.1")},
	}, {
		name: "split options are concatenated (RFC 3396), pads skipped",
		msg: serverMsg([4]byte{10, 0, 0, 5}, append(ack,
			optDNS, 4, 10, 0, 0, 1, optPad, optPad,
			optDNS, 4, 10, 0, 0, 2,
			optDomainName, 3, 'l', 'a', 'b', optDomainName, 4, '.', 'n', 'e', 't')...),
		want: &lease{addr: netip.MustParsePrefix("10.0.0.5/8"),
			dns:    []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")},
			search: []string{"lab.net"}},
	}, {
		name: "a domain that would write resolv.conf lines is dropped",
		msg: serverMsg([4]byte{10, 0, 0, 5}, append(ack,
			append([]byte{optDomainName, 25}, "a.com\nnameserver 6.6.6.6\x00"...)...)...),
		want: &lease{addr: netip.MustParsePrefix("10.0.0.5/8")},
	}, {
		name: "a space-separated list of domains, a bad one dropped",
		msg: serverMsg([4]byte{10, 0, 0, 5}, append(ack,
			append([]byte{optDomainName, 19}, "a.com b..com  c.org"...)...)...),
		want: &lease{addr: netip.MustParsePrefix("10.0.0.5/8"), search: []string{"a.com", "c.org"}},
	}, {
		name:    "non-contiguous mask",
		msg:     serverMsg([4]byte{10, 0, 0, 5}, append(ack, optSubnetMask, 4, 255, 0, 255, 0)...),
		wantErr: "subnet mask 255.0.255.0 is not contiguous",
	}, {
		name:    "no address",
		msg:     serverMsg([4]byte{}, ack...),
		wantErr: "the server offers 0.0.0.0, not a unicast address",
	}, {
		name:    "option past the end",
		msg:     serverMsg([4]byte{10, 0, 0, 5}, optDNS, 200, 1, 2)[:dhcpFixedLen+4+4],
		wantErr: "DHCP option 6 runs past the message",
	}, {
		name:    "no cookie",
		msg:     make([]byte, 300),
		wantErr: "DHCP message without the magic cookie",
	}, {
		name:    "short",
		msg:     make([]byte, 239),
		wantErr: "DHCP message of 239 bytes is too short",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseReply(tt.msg)
			var got *lease
			if err == nil {
				got, err = leaseFrom(r)
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lease %+v, %v\nwant %+v", got, err, tt.want)
			}
		})
	}
}

func TestDecodeNames(t *testing.T) {
	// RFC 3397 §3's example: eng.apple.com and marketing.apple.com, the
	// second ending in a pointer to the first's "apple.com".
	rfc := []byte("\x03eng\x05apple\x03com\x00\x09marketing\xc0\x04")
	tests := []struct {
		name string
		in   []byte
		want []string
		bad  bool
	}{
		{"RFC 3397", rfc, []string{"eng.apple.com", "marketing.apple.com"}, false},
		{"root", []byte{0}, []string{""}, false},
		{"pointer to itself", []byte("\x03eng\xc0\x04"), []string(nil), true},
		{"pointer forwards", []byte("\xc0\x02\x00"), []string(nil), true},
		{"pointer loop through labels", []byte("\x01a\xc0\x00"), []string(nil), true},
		{"truncated label", []byte("\x05app"), []string(nil), true},
		{"good then truncated", []byte("\x01a\x00\x01"), []string{"a"}, true},
		{"reserved label type", []byte("\x40"), []string(nil), true},
	}
	for _, tt := range tests {
		got, err := decodeNames(tt.in)
		if !reflect.DeepEqual(got, tt.want) || (err != nil) != tt.bad {
			t.Errorf("%s: decodeNames = %q, %v, want %q, error %v", tt.name, got, err, tt.want, tt.bad)
		}
	}
}

func TestMaskBits(t *testing.T) {
	for mask, want := range map[[4]byte]int{{0, 0, 0, 0}: 0, {255, 0, 0, 0}: 8, {255, 255, 252, 0}: 22, {255, 255, 255, 255}: 32} {
		if got, err := maskBits(mask[:]); got != want || err != nil {
			t.Errorf("maskBits(%v) = %d, %v, want %d", mask, got, err, want)
		}
	}
}

func TestIPv4UDP(t *testing.T) {
	payload := []byte("odd-length payload!") // 19 bytes
	src, dst := netip.MustParseAddr("10.0.2.2"), netip.MustParseAddr("255.255.255.255")
	pkt := ipv4UDP(src, dst, 67, 68, payload)
	if checksum(0, pkt[:ipv4HeaderLen]) != 0 {
		t.Error("IPv4 header checksum does not verify")
	}
	s, d := src.As4(), dst.As4()
	pseudo := append(append(s[:], d[:]...), 0, protoUDP, 0, byte(udpHeaderLen+len(payload)))
	if checksum(sum16(0, pseudo), pkt[ipv4HeaderLen:]) != 0 {
		t.Error("UDP checksum does not verify")
	}
	gotSrc, sport, dport, got, ok := parseIPv4UDP(pkt)
	if !ok || gotSrc != src || sport != 67 || dport != 68 || !bytes.Equal(got, payload) {
		t.Errorf("parseIPv4UDP = %v %d %d %q %v", gotSrc, sport, dport, got, ok)
	}
	// Trailing link-layer padding is not payload.
	if _, _, _, got, _ := parseIPv4UDP(append(pkt, 0, 0, 0)); !bytes.Equal(got, payload) {
		t.Errorf("with padding: payload %q", got)
	}

	corrupt := bytes.Clone(pkt)
	corrupt[8]-- // TTL, without fixing the checksum
	fragment := bytes.Clone(pkt)
	binary.BigEndian.PutUint16(fragment[6:8], 0x2000) // more fragments
	binary.BigEndian.PutUint16(fragment[10:12], 0)
	binary.BigEndian.PutUint16(fragment[10:12], checksum(0, fragment[:20]))
	tcp := bytes.Clone(pkt)
	tcp[9] = 6
	for name, p := range map[string][]byte{"corrupt": corrupt, "fragment": fragment, "tcp": tcp, "short": pkt[:27]} {
		if _, _, _, _, ok := parseIPv4UDP(p); ok {
			t.Errorf("%s: parseIPv4UDP ok", name)
		}
	}
}
