package main

import (
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// y2030 is the time the fake NTP server starts at.
const y2030 = 1893456000

// sntpServer answers SNTP requests on 127.0.0.1 with a clock that starts
// at 2030 and runs from the server's start.
func sntpServer(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	start := time.Now()
	go func() {
		buf := make([]byte, 100)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < sntpLen {
				continue
			}
			now := ntpTS(y2030+int64(time.Since(start)/time.Second), 0)
			reply := sntpPacket(4<<3|4, 1, binary.BigEndian.Uint64(buf[40:48]), now, now)
			c.WriteTo(reply, from)
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// silentServer reads and never answers.
func silentServer(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// dnsServer answers A queries for ntp.test with 127.0.0.1 and anything
// else with NXDOMAIN.
func dnsServer(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			if _, err := p.Start(buf[:n]); err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			var reply []byte
			switch {
			case q.Name.String() == "ntp.test." && q.Type == dnsmessage.TypeA:
				reply = dnsReply(t, buf[:n], dnsmessage.RCodeSuccess, func(b *dnsmessage.Builder, n dnsmessage.Name) error {
					return b.AResource(dnsmessage.ResourceHeader{Name: n, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET},
						dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}})
				})
			case q.Name.String() == "ntp.test.":
				reply = dnsReply(t, buf[:n], dnsmessage.RCodeSuccess, nil)
			default:
				reply = dnsReply(t, buf[:n], dnsmessage.RCodeNameError, nil)
			}
			c.WriteTo(reply, from)
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// TestAskAll asks fake servers on 127.0.0.1 (no root needed).
func TestAskAll(t *testing.T) {
	good := sntpServer(t)
	silent := silentServer(t)
	dns := []netip.AddrPort{dnsServer(t)}
	refused := func() netip.AddrPort {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).AddrPort()
	}()
	port := func(a netip.AddrPort) string { return a.String()[strings.LastIndex(a.String(), ":"):] }

	tests := []struct {
		name       string
		servers    []string
		floor      int64
		wantServer string
		wantErr    []string // parts of the error
		wantWait   time.Duration
	}{{
		name:       "an address",
		servers:    []string{good.String()},
		wantServer: good.String(),
	}, {
		name:       "a name",
		servers:    []string{"ntp.test" + port(good)},
		wantServer: "ntp.test" + port(good) + " (" + good.String() + ")",
	}, {
		name:       "the first valid answer, not the first server",
		servers:    []string{silent.String(), refused.String(), "nowhere.test", good.String()},
		wantServer: good.String(),
	}, {
		name:    "none",
		servers: []string{silent.String(), refused.String(), "nowhere.test", "bad name"},
		wantErr: []string{
			silent.String() + ": no answer",
			refused.String() + ": refused (nothing listens there)",
			"looking up nowhere.test: no such host",
			`NTP server "bad name" is neither an IP address nor a host name`,
		},
		wantWait: 300 * time.Millisecond,
	}, {
		name:     "before the floor",
		servers:  []string{good.String()},
		floor:    y2030 + 86400,
		wantErr:  []string{good.String() + ": says 2030-01-01T00:00:00Z, before the clock floor 2030-01-02T00:00:00Z"},
		wantWait: 0,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fds := openFDs(t)
			start := sinceBoot()
			got, err := askAll(tt.servers, dns, 0, tt.floor, start+300*time.Millisecond)
			took := sinceBoot() - start
			if after := openFDs(t); after != fds {
				t.Errorf("%d open files before, %d after: every asker must be done", fds, after)
			}
			t.Logf("askAll: %v", err)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("askAll = %+v, want an error", got)
				}
				for _, part := range tt.wantErr {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("error %q, want it to contain %q", err, part)
					}
				}
			} else {
				if err != nil {
					t.Fatalf("askAll: %v", err)
				}
				if got.server != tt.wantServer || got.stratum != 1 {
					t.Errorf("answer from %q stratum %d, want %q stratum 1", got.server, got.stratum, tt.wantServer)
				}
				if d := got.time - y2030*1e9; d < 0 || d > 2e9 {
					t.Errorf("time %s, want 2030-01-01 (+ a second)", utc(got.time/1e9))
				}
			}
			if took < tt.wantWait || took > tt.wantWait+200*time.Millisecond {
				t.Errorf("askAll took %v, want %v", took, tt.wantWait)
			}
		})
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	des, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(des)
}
