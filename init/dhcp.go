package main

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// DHCPv4 messages (RFC 2131 §2) and the options the init uses (RFC 2132;
// RFC 3397 for the domain search list).

const (
	bootRequest   = 1
	bootReply     = 2
	htypeEthernet = 1
	dhcpFixedLen  = 236 // op to file, before the magic cookie
	bootpMinLen   = 300 // RFC 1542 §2.1: some relays drop shorter messages
	dhcpClient    = 68  // UDP ports
	dhcpServer    = 67
)

// magicCookie starts the options field (RFC 2131 §3).
var magicCookie = []byte{99, 130, 83, 99}

// Message types, the value of option 53.
const (
	dhcpDiscover = 1
	dhcpOffer    = 2
	dhcpRequest  = 3
	dhcpAck      = 5
	dhcpNak      = 6
)

// Option codes (RFC 2132, RFC 3397).
const (
	optPad          = 0
	optSubnetMask   = 1
	optRouter       = 3
	optDNS          = 6
	optHostname     = 12
	optDomainName   = 15
	optRequestedIP  = 50
	optLeaseTime    = 51
	optMessageType  = 53
	optServerID     = 54
	optParams       = 55
	optMessage      = 56
	optDomainSearch = 119
	optEnd          = 255
)

// requestedOptions is the parameter request list the init sends.
var requestedOptions = []byte{optSubnetMask, optRouter, optDNS, optDomainName, optLeaseTime, optDomainSearch}

// A clientMsg is a DISCOVER or a REQUEST. The broadcast flag stays clear:
// the init reads replies from a packet socket, unicast or not.
type clientMsg struct {
	typ      byte // dhcpDiscover or dhcpRequest
	xid      uint32
	secs     uint16 // since the client began (RFC 2131 §2)
	mac      [6]byte
	hostname string     // option 12, if set
	addr     netip.Addr // REQUEST: the offered address (option 50)
	server   netip.Addr // REQUEST: the offering server (option 54)
}

// encode lays m out, padded to BOOTP's minimum length.
func (m clientMsg) encode() []byte {
	b := make([]byte, dhcpFixedLen, 400)
	b[0], b[1], b[2] = bootRequest, htypeEthernet, byte(len(m.mac))
	binary.BigEndian.PutUint32(b[4:8], m.xid)
	binary.BigEndian.PutUint16(b[8:10], m.secs)
	copy(b[28:], m.mac[:]) // chaddr
	b = append(b, magicCookie...)
	b = appendOption(b, optMessageType, m.typ)
	if m.addr.IsValid() {
		b = appendOption(b, optRequestedIP, m.addr.AsSlice()...)
	}
	if m.server.IsValid() {
		b = appendOption(b, optServerID, m.server.AsSlice()...)
	}
	if h := m.hostname; h != "" {
		b = appendOption(b, optHostname, []byte(h[:min(len(h), 255)])...)
	}
	b = appendOption(b, optParams, requestedOptions...)
	b = append(b, optEnd)
	for len(b) < bootpMinLen {
		b = append(b, optPad)
	}
	return b
}

func appendOption(b []byte, code byte, value ...byte) []byte {
	return append(append(b, code, byte(len(value))), value...)
}

// A reply is a server's message: the fields the init checks and uses, and
// the options by code. An option that appears more than once is
// concatenated (RFC 3396). Option overload (52: options in the sname and
// file fields) is not read; servers use it only when the options field
// is full, which the few options asked for never fill.
type reply struct {
	op      byte
	xid     uint32
	yiaddr  netip.Addr
	chaddr  [6]byte
	options map[byte][]byte
}

// parseReply reads a DHCP message.
func parseReply(b []byte) (*reply, error) {
	if len(b) < dhcpFixedLen+len(magicCookie) {
		return nil, errors.New("DHCP message of " + strconv.Itoa(len(b)) + " bytes is too short")
	}
	if string(b[dhcpFixedLen:dhcpFixedLen+4]) != string(magicCookie) {
		return nil, errors.New("DHCP message without the magic cookie")
	}
	r := &reply{
		op:      b[0],
		xid:     binary.BigEndian.Uint32(b[4:8]),
		yiaddr:  netip.AddrFrom4([4]byte(b[16:20])),
		chaddr:  [6]byte(b[28:34]),
		options: map[byte][]byte{},
	}
	for opts := b[dhcpFixedLen+4:]; len(opts) > 0; {
		code := opts[0]
		if code == optPad {
			opts = opts[1:]
			continue
		}
		if code == optEnd {
			break
		}
		if len(opts) < 2 || len(opts) < 2+int(opts[1]) {
			return nil, errors.New("DHCP option " + strconv.Itoa(int(code)) + " runs past the message")
		}
		n := int(opts[1])
		r.options[code] = append(r.options[code], opts[2:2+n]...)
		opts = opts[2+n:]
	}
	return r, nil
}

// msgType is the value of option 53, or 0.
func (r *reply) msgType() byte {
	if v := r.options[optMessageType]; len(v) == 1 {
		return v[0]
	}
	return 0
}

// addrOption is an option holding one IPv4 address.
func (r *reply) addrOption(code byte) netip.Addr {
	if v := r.options[code]; len(v) == 4 {
		return netip.AddrFrom4([4]byte(v))
	}
	return netip.Addr{}
}

// A lease is what the init takes from a DHCPACK.
type lease struct {
	addr   netip.Prefix // yiaddr and the subnet mask
	router netip.Addr   // the first router, if any
	dns    []netip.Addr
	search []string      // the domain name (15), then the search list (119)
	time   time.Duration // 0: infinite
	server netip.Addr    // the server identifier (54)
}

// infinite is the lease time that never ends (RFC 2131 §3.3).
const infinite = 0xffffffff

// leaseFrom reads a lease from an ACK. Malformed optional parts (a DNS
// server 0.0.0.0, a domain with spaces) are left out; a missing or bad
// address is an error.
func leaseFrom(r *reply) (*lease, error) {
	a := r.yiaddr
	if !unicast4(a) {
		return nil, errors.New("the server offers " + a.String() + ", not a unicast address")
	}
	bits := classful(a)
	if v := r.options[optSubnetMask]; len(v) == 4 {
		var err error
		if bits, err = maskBits(v); err != nil {
			return nil, err
		}
	}
	l := &lease{addr: netip.PrefixFrom(a, bits), server: r.addrOption(optServerID)}
	for _, gw := range addrs4(r.options[optRouter]) {
		if unicast4(gw) && gw != a {
			l.router = gw
			break
		}
	}
	for _, s := range addrs4(r.options[optDNS]) {
		if unicast4(s) {
			l.dns = append(l.dns, s)
		}
	}
	// One name (RFC 2132 §3.17), or a list some servers send
	// space-separated; anything else is dropped whole.
	if d := strings.TrimRight(string(r.options[optDomainName]), "\x00"); printable(d) {
		for _, d := range strings.Split(d, " ") {
			l.search = appendDomain(l.search, d)
		}
	}
	if v, ok := r.options[optDomainSearch]; ok {
		names, _ := decodeNames(v) // the names before a fault
		for _, d := range names {
			l.search = appendDomain(l.search, d)
		}
	}
	if v := r.options[optLeaseTime]; len(v) == 4 {
		if s := binary.BigEndian.Uint32(v); s != infinite {
			l.time = time.Duration(s) * time.Second
		}
	}
	return l, nil
}

// String is the lease as the dhcp step's console line shows it.
func (l *lease) String() string {
	s := l.addr.String()
	if l.router.IsValid() {
		s += " via " + l.router.String()
	}
	if len(l.dns) > 0 {
		s += ", dns " + joinAddrs(l.dns)
	}
	if len(l.search) > 0 {
		s += ", search " + strings.Join(l.search, " ")
	}
	if l.time == 0 {
		s += ", lease infinite"
	} else {
		s += ", lease " + l.time.String()
	}
	if l.server.IsValid() {
		s += " from " + l.server.String()
	}
	return s
}

func addrs4(v []byte) []netip.Addr {
	var as []netip.Addr
	for ; len(v) >= 4; v = v[4:] {
		as = append(as, netip.AddrFrom4([4]byte(v)))
	}
	return as
}

func unicast4(a netip.Addr) bool {
	return a.Is4() && !a.IsUnspecified() && !a.IsMulticast() && !a.IsLoopback() &&
		a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// maskBits is the prefix length of a contiguous subnet mask.
func maskBits(m []byte) (int, error) {
	v := binary.BigEndian.Uint32(m)
	bits := 0
	for ; bits < 32 && v&(1<<(31-bits)) != 0; bits++ {
	}
	if v<<bits != 0 {
		return 0, errors.New("subnet mask " + netip.AddrFrom4([4]byte(m)).String() + " is not contiguous")
	}
	return bits, nil
}

// classful is the prefix length of a's class (A, B or C), for a lease
// without a subnet mask (RFC 2131 §4.3.1 leaves it to the client).
func classful(a netip.Addr) int {
	switch b := a.As4()[0]; {
	case b < 128:
		return 8
	case b < 192:
		return 16
	default:
		return 24
	}
}

// appendDomain adds d to ds, without a final dot, if it is a valid DNS
// name that is not there yet. A server's name must not smuggle spaces or
// lines into resolv.conf.
func appendDomain(ds []string, d string) []string {
	d = strings.TrimSuffix(d, ".")
	if !isDomain(d) {
		return ds
	}
	for _, have := range ds {
		if strings.EqualFold(have, d) {
			return ds
		}
	}
	return append(ds, d)
}

// printable reports whether s is only printable ASCII and spaces.
func printable(s string) bool {
	for _, c := range []byte(s) {
		if c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

func isDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// decodeNames reads the domain search list of option 119: DNS names in
// RFC 1035 §4.1.4 form, compression pointers relative to the option's
// start (RFC 3397 §2). It returns the names read before any fault.
func decodeNames(b []byte) ([]string, error) {
	var names []string
	for off := 0; off < len(b); {
		name, next, err := decodeName(b, off)
		if err != nil {
			return names, err
		}
		names = append(names, name)
		off = next
	}
	return names, nil
}

// decodeName reads the name at b[off:]: its text, without the final dot,
// and the offset after it.
func decodeName(b []byte, off int) (string, int, error) {
	var name []byte
	next := -1 // after the first pointer, where the name ends in b
	for jumps := 0; ; {
		if off >= len(b) {
			return "", 0, errors.New("domain name runs past the option")
		}
		n := int(b[off])
		switch {
		case n == 0:
			if next < 0 {
				next = off + 1
			}
			return string(name), next, nil
		case n&0xc0 == 0xc0:
			if off+1 >= len(b) {
				return "", 0, errors.New("domain name pointer runs past the option")
			}
			ptr := (n&0x3f)<<8 | int(b[off+1])
			if next < 0 {
				next = off + 2
			}
			// Only backwards, and not forever: pointers may still loop
			// through labels read forwards.
			if jumps++; ptr >= off || jumps > 64 {
				return "", 0, errors.New("domain name pointer loops")
			}
			off = ptr
		case n&0xc0 != 0:
			return "", 0, errors.New("domain name label type 0x" + strconv.FormatInt(int64(n&0xc0), 16) + " is reserved")
		default:
			if off+1+n > len(b) {
				return "", 0, errors.New("domain name label runs past the option")
			}
			if len(name) > 0 {
				name = append(name, '.')
			}
			name = append(name, b[off+1:off+1+n]...)
			if len(name) > 253 {
				return "", 0, errors.New("domain name is longer than 253 bytes")
			}
			off += 1 + n
		}
	}
}
