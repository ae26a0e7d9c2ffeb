package main

import (
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/wispboot/wisp/config"
)

// dhcpPeer makes the veth pair eth9 (the board's) and eth9p (the
// server's, 10.9.0.1/24, up) and serves DHCP on eth9p with handler.
func dhcpPeer(t *testing.T, handler server4.Handler) {
	t.Helper()
	for _, args := range [][]string{
		{"link", "add", "eth9", "type", "veth", "peer", "name", "eth9p"},
		{"addr", "add", "10.9.0.1/24", "dev", "eth9p"},
		{"link", "set", "eth9p", "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	s, err := server4.NewServer("eth9p", nil, handler)
	if err != nil {
		t.Fatalf("starting the DHCP server: %v", err)
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
}

// leaseServer offers 10.9.0.15/24 with router 10.9.0.1 and DNS 10.9.0.3,
// or answers requests with a NAK.
func leaseServer(t *testing.T, nak bool) server4.Handler {
	return func(conn net.PacketConn, peer net.Addr, m *dhcpv4.DHCPv4) {
		typ := dhcpv4.MessageTypeOffer
		if m.MessageType() == dhcpv4.MessageTypeRequest {
			typ = dhcpv4.MessageTypeAck
			if nak {
				typ = dhcpv4.MessageTypeNak
			}
		}
		reply, err := dhcpv4.NewReplyFromRequest(m,
			dhcpv4.WithMessageType(typ),
			dhcpv4.WithYourIP(net.IPv4(10, 9, 0, 15)),
			dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
			dhcpv4.WithRouter(net.IPv4(10, 9, 0, 1)),
			dhcpv4.WithDNS(net.IPv4(10, 9, 0, 3)),
			dhcpv4.WithOption(dhcpv4.OptDomainName("lab.test")),
			dhcpv4.WithLeaseTime(3600),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(10, 9, 0, 1))),
		)
		if err != nil {
			t.Errorf("building the reply: %v", err)
			return
		}
		if _, err := conn.WriteTo(reply.ToBytes(), peer); err != nil {
			t.Errorf("sending the reply: %v", err)
		}
	}
}

// TestDHCPNetns gets a lease over a veth pair from dhcpv4's server, next
// to a static IPv6 address, as the network and dhcp steps do at boot.
func TestDHCPNetns(t *testing.T) {
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip to make an interface")
	}
	dhcpWaits = []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}
	dhcpBudget = 500 * time.Millisecond
	t.Cleanup(func() {
		dhcpWaits = []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second}
		dhcpBudget = 10 * time.Second
	})
	tests := []struct {
		name     string
		handler  func(t *testing.T) server4.Handler
		want     string // the detail, or the error
		wantIP   []string
		wantTook time.Duration
	}{{
		name:    "lease",
		handler: func(t *testing.T) server4.Handler { return leaseServer(t, false) },
		want:    "10.9.0.15/24 via 10.9.0.1, dns 10.9.0.3, search lab.test, lease 1h0m0s from 10.9.0.1",
		wantIP: []string{
			"ip -4 addr show dev eth9:inet 10.9.0.15/24 scope global eth9",
			"ip -6 addr show dev eth9:inet6 fd00::9/64 scope global",
			"ip -4 route show default:default via 10.9.0.1 dev eth9 proto static",
		},
	}, {
		name:     "NAK",
		handler:  func(t *testing.T) server4.Handler { return leaseServer(t, true) },
		want:     `no DHCPv4 lease on eth9, so no IPv4 address: 10.9.0.1 refused the request for 10.9.0.15 (NAK "") after 3 attempts in`,
		wantTook: 0,
	}, {
		name:     "no server",
		handler:  func(*testing.T) server4.Handler { return func(net.PacketConn, net.Addr, *dhcpv4.DHCPv4) {} },
		want:     "no DHCPv4 lease on eth9, so no IPv4 address: no offer after 3 attempts in ",
		wantTook: 500 * time.Millisecond,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inNetns(t, func() {
				dhcpPeer(t, tt.handler(t))
				b := &boot{cfg: &config.Config{Hostname: "board", Network: &config.Network{
					Interface: "eth9",
					DHCP:      true,
					Addresses: []string{"fd00::9/64"},
				}}}
				if _, err := setupNetwork(b); err != nil {
					t.Errorf("setupNetwork: %v", err)
					return
				}
				start := time.Now()
				detail, err := runDHCP(b)
				took := time.Since(start)
				if err != nil {
					detail = err.Error()
				}
				if !strings.HasPrefix(detail, tt.want) {
					t.Errorf("runDHCP = %q, want %q", detail, tt.want)
				}
				if took < tt.wantTook || took > tt.wantTook+300*time.Millisecond {
					t.Errorf("runDHCP took %v, want %v", took, tt.wantTook)
				}
				for _, w := range tt.wantIP {
					cmd, want, _ := strings.Cut(w, ":")
					out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
					if err != nil || !strings.Contains(string(out), want) {
						t.Errorf("%s: %v\n%s\nwant %q in it", cmd, err, out, want)
					}
				}
			})
		})
	}
}
