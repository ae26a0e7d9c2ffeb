package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"time"
)

// ntpTS is the NTP timestamp of Unix time sec + frac/2³² s (in any era).
func ntpTS(sec int64, frac uint32) uint64 {
	return uint64(uint32(sec+ntpEpoch))<<32 | uint64(frac)
}

func TestSNTPRequest(t *testing.T) {
	got := sntpRequest(0x0102030405060708)
	want := append([]byte{0x23}, make([]byte, 39)...) // LI 0, VN 4, mode 3
	want = append(want, 1, 2, 3, 4, 5, 6, 7, 8)
	if !bytes.Equal(got, want) {
		t.Errorf("sntpRequest:\ngot  %x\nwant %x", got, want)
	}
}

// sntpPacket is a server reply: stratum 2 (unless set), answering nonce.
func sntpPacket(first, stratum byte, nonce, receive, transmit uint64) []byte {
	b := make([]byte, sntpLen)
	b[0], b[1] = first, stratum
	binary.BigEndian.PutUint64(b[24:], nonce)
	binary.BigEndian.PutUint64(b[32:], receive)
	binary.BigEndian.PutUint64(b[40:], transmit)
	return b
}

func TestParseSNTP(t *testing.T) {
	const nonce = 42
	ts := ntpTS(1735689600, 0)
	rate := sntpPacket(0<<6|4<<3|4, 0, nonce, 0, 0)
	copy(rate[12:], "RATE")
	tests := []struct {
		name    string
		b       []byte
		wantErr string
	}{
		{"v4 server", sntpPacket(0<<6|4<<3|4, 2, nonce, ts, ts), ""},
		{"v3 server, leap second coming", sntpPacket(1<<6|3<<3|4, 1, nonce, ts, ts), ""},
		{"no receive time", sntpPacket(4<<3|4, 1, nonce, 0, ts), ""},
		{"short", make([]byte, 47), "reply of 47 bytes is too short"},
		{"client mode", sntpPacket(4<<3|3, 2, nonce, ts, ts), "reply in mode 3, not a server's (4)"},
		{"broadcast mode", sntpPacket(4<<3|5, 2, nonce, ts, ts), "reply in mode 5, not a server's (4)"},
		{"version 2", sntpPacket(2<<3|4, 2, nonce, ts, ts), "reply in NTP version 2"},
		{"kiss-o'-death", rate, `kiss-o'-death "RATE"`},
		{"alarm", sntpPacket(3<<6|4<<3|4, 2, nonce, ts, ts), "server is not synchronized"},
		{"stratum 16", sntpPacket(4<<3|4, 16, nonce, ts, ts), "server is not synchronized"},
		{"another request", sntpPacket(4<<3|4, 2, 43, ts, ts), "reply to another request"},
		{"no transmit time", sntpPacket(4<<3|4, 2, nonce, ts, 0), "reply without a transmit timestamp"},
	}
	for _, tt := range tests {
		_, err := parseSNTP(tt.b, nonce)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
			t.Errorf("%s: parseSNTP error %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestNTPToUnix(t *testing.T) {
	const (
		y1970 = 0
		y2000 = 946684800
		y2025 = 1735689600
		y2040 = 2208988800
		y2090 = 3786912000
		y2100 = 4102444800
	)
	tests := []struct {
		name  string
		ts    uint64
		pivot int64
		want  int64 // Unix nanoseconds
	}{
		{"2025 with RFC 4330's pivot", ntpTS(y2025, 0), era0End, y2025 * 1e9},
		{"half a second", ntpTS(y2025, 1<<31), era0End, y2025*1e9 + 5e8},
		{"the smallest fraction", ntpTS(y2025, 1), era0End, y2025*1e9 + 0}, // 0.23 ns
		{"the largest fraction", ntpTS(y2025, 0xffffffff), era0End, y2025*1e9 + 999999999},
		{"1970", ntpTS(y1970, 0), era0End, 0},
		{"era 1 begins", 0, era0End, era0End * 1e9},
		{"era 1 begins, pivot 2025", 0, y2025, era0End * 1e9},
		{"2090 is in era 1", ntpTS(y2090, 0), y2025, y2090 * 1e9},
		{"2100 is more than 68 years from 2025", ntpTS(y2100, 0), y2025, (y2100 - 1<<32) * 1e9},
		{"2000 with pivot 2025", ntpTS(y2000, 0), y2025, y2000 * 1e9},
		{"2100 with pivot 2100", ntpTS(y2100, 0), y2100, y2100 * 1e9},
		{"1970 with pivot 2100 is 2106", ntpTS(y1970, 0), y2100, (y1970 + 1<<32) * 1e9},
		{"2040 with pivot 2100", ntpTS(y2040, 0), y2100, y2040 * 1e9},
	}
	for _, tt := range tests {
		if got := ntpToUnix(tt.ts, tt.pivot); got != tt.want {
			t.Errorf("%s: ntpToUnix = %d (%s), want %d (%s)", tt.name, got, utc(got/1e9), tt.want, utc(tt.want/1e9))
		}
	}
}

func TestSNTPTime(t *testing.T) {
	const y2030 = 1893456000
	r := sntpReply{
		stratum:  1,
		receive:  ntpTS(y2030, 0),
		transmit: ntpTS(y2030, 1<<31), // 500 ms in the server
	}
	// Sent at 1 s, arrived at 1.7 s: 700 ms, of which 200 ms on the wire.
	got := sntpTime(r, time.Second, 1700*time.Millisecond, y2030)
	if want := int64(y2030*1e9 + 5e8 + 1e8); got != want {
		t.Errorf("sntpTime = %d, want %d", got, want)
	}
	// A server slower than the round trip (clocks differ in rate): no
	// negative delay.
	got = sntpTime(r, time.Second, 1100*time.Millisecond, y2030)
	if want := int64(y2030*1e9 + 5e8); got != want {
		t.Errorf("sntpTime, slow server = %d, want %d", got, want)
	}
	r.receive = 0 // some SNTP servers leave it out
	got = sntpTime(r, time.Second, 1100*time.Millisecond, y2030)
	if want := int64(y2030*1e9 + 5e8 + 5e7); got != want {
		t.Errorf("sntpTime, no receive time = %d, want %d", got, want)
	}
}

func TestParseNTPServer(t *testing.T) {
	tests := []struct {
		in, want string // want host|addr port, or "" for an error
	}{
		{"10.0.2.2", "10.0.2.2 123"},
		{"10.0.2.2:1123", "10.0.2.2 1123"},
		{"fd00::1", "fd00::1 123"},
		{"[fd00::1]:124", "fd00::1 124"},
		{"fe80::1%eth0", "fe80::1%eth0 123"},
		{"pool.ntp.org", "pool.ntp.org 123"},
		{"time.example:4123", "time.example 4123"},
		{"ntp", "ntp 123"},
		{"pool.ntp.org:0", ""},
		{"pool.ntp.org:x", ""},
		{"pool.ntp.org:70000", ""},
		{"bad name.org", ""},
		{"", ""},
		{"[fd00::1]", ""},
	}
	for _, tt := range tests {
		s, err := parseNTPServer(tt.in)
		got := ""
		if err == nil {
			host := s.host
			if s.addr.IsValid() {
				host = s.addr.String()
			}
			got = fmt.Sprintf("%s %d", host, s.port)
		}
		if got != tt.want {
			t.Errorf("parseNTPServer(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}
