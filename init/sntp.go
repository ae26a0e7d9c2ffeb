package main

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// SNTP (RFC 4330): one request, one reply, 48 bytes each.

const (
	sntpLen  = 48
	ntpPort  = 123
	ntpEpoch = 2208988800 // seconds from 1900-01-01, NTP's era 0, to 1970-01-01
)

// sntpRequest is a client request: version 4, mode 3 (client), and nonce
// as the transmit timestamp, which the server returns as the originate
// timestamp. A random nonce rather than the client's clock (RFC 4330 §5
// allows any value) tells replies apart and reveals nothing.
func sntpRequest(nonce uint64) []byte {
	b := make([]byte, sntpLen)
	b[0] = 4<<3 | 3
	binary.BigEndian.PutUint64(b[40:48], nonce)
	return b
}

// sntpOriginate is the originate timestamp of a reply: the nonce of the
// request it answers. ok is false for a datagram too short to be a reply.
func sntpOriginate(b []byte) (nonce uint64, ok bool) {
	if len(b) < sntpLen {
		return 0, false
	}
	return binary.BigEndian.Uint64(b[24:32]), true
}

// An sntpReply is what the client uses of a server's reply: NTP
// timestamps (seconds since the era's start, 32.32 fixed point).
type sntpReply struct {
	stratum           byte
	receive, transmit uint64
}

// parseSNTP checks a reply to the request with nonce as RFC 4330 §5
// asks: a server (mode 4) speaking version 3 or 4, synchronized (leap
// indicator not 3, stratum 1-15; stratum 0 is a kiss-o'-death such as
// RATE or DENY), answering this request, with a transmit timestamp.
func parseSNTP(b []byte, nonce uint64) (sntpReply, error) {
	if len(b) < sntpLen {
		return sntpReply{}, errors.New("reply of " + strconv.Itoa(len(b)) + " bytes is too short")
	}
	li, vn, mode := b[0]>>6, b[0]>>3&7, b[0]&7
	r := sntpReply{
		stratum:  b[1],
		receive:  binary.BigEndian.Uint64(b[32:40]),
		transmit: binary.BigEndian.Uint64(b[40:48]),
	}
	switch {
	case mode != 4:
		return r, errors.New("reply in mode " + strconv.Itoa(int(mode)) + ", not a server's (4)")
	case vn < 3 || vn > 4:
		return r, errors.New("reply in NTP version " + strconv.Itoa(int(vn)))
	case r.stratum == 0:
		return r, errors.New("kiss-o'-death " + strconv.Quote(strings.TrimRight(string(b[12:16]), "\x00")))
	case li == 3 || r.stratum > 15:
		return r, errors.New("server is not synchronized")
	case binary.BigEndian.Uint64(b[24:32]) != nonce:
		return r, errors.New("reply to another request")
	case r.transmit == 0:
		return r, errors.New("reply without a transmit timestamp")
	}
	return r, nil
}

// ntpToUnix converts an NTP timestamp to Unix nanoseconds. Its 32-bit
// seconds wrap every 136 years (era 0 ends 2036-02-07T06:28:16Z); the era
// taken is the one that puts the time within 68 years of pivot (Unix
// seconds). With pivot at the end of era 0 that is RFC 4330 §3's rule
// (1968 to 2104); the clock floor, a recent date, is a better pivot.
func ntpToUnix(ts uint64, pivot int64) int64 {
	sec := int64(ts>>32) - ntpEpoch // in era 0
	sec += (pivot - sec + 1<<31) >> 32 << 32
	frac := (ts & 0xffffffff) * 1e9 >> 32
	return sec*1e9 + int64(frac)
}

// era0End is the Unix time NTP's era 0 ends, RFC 4330's pivot.
const era0End = 1<<32 - ntpEpoch

// sntpTime is the time, in Unix nanoseconds, when the reply arrived:
// the server's transmit time plus half the round trip, less the server's
// own time between receiving and sending (RFC 4330 §5). sent and arrived
// are the request's and the reply's local times on a monotonic clock.
func sntpTime(r sntpReply, sent, arrived time.Duration, pivot int64) int64 {
	t3 := ntpToUnix(r.transmit, pivot)
	inServer := int64(0)
	if r.receive != 0 {
		inServer = t3 - ntpToUnix(r.receive, pivot)
	}
	delay := int64(arrived-sent) - max(inServer, 0)
	return t3 + max(delay, 0)/2
}

// An ntpServer is one entry of config.Clock.NTP.
type ntpServer struct {
	host string     // a name to look up; "" when addr is set
	addr netip.Addr // an address given as such
	port uint16
}

// parseNTPServer reads "host", "host:port", "IPv4[:port]", "IPv6" and
// "[IPv6]:port".
func parseNTPServer(s string) (ntpServer, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ntpServer{addr: ap.Addr(), port: ap.Port()}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return ntpServer{addr: a, port: ntpPort}, nil
	}
	host, port := s, uint16(ntpPort)
	if h, p, ok := strings.Cut(s, ":"); ok {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return ntpServer{}, errors.New("NTP server " + strconv.Quote(s) + ": port " + strconv.Quote(p) + " is not a number from 1 to 65535")
		}
		host, port = h, uint16(n)
	}
	if !isDomain(strings.TrimSuffix(host, ".")) {
		return ntpServer{}, errors.New("NTP server " + strconv.Quote(s) + " is neither an IP address nor a host name")
	}
	return ntpServer{host: host, port: port}, nil
}
