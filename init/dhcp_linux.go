package main

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// dhcpWaits is how long each attempt waits for each reply, doubling;
// dhcpBudget bounds the whole exchange. A board's Ethernet may take a
// second or two to negotiate its link after it is brought up: the first
// attempts' packets can be lost to that.
var (
	dhcpWaits  = []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second}
	dhcpBudget = 10 * time.Second
)

// runDHCP is the dhcp step: a DHCPv4 lease for the interface the network
// step brought up, then its address and default route. The address is
// kept past the lease's end (see doc.go): nothing renews it once the
// binary runs.
func runDHCP(b *boot) (string, error) {
	n := b.cfg.Network
	if n == nil || !n.DHCP {
		return "", skipped("no DHCP in config")
	}
	c, err := dialRoute(0)
	if err != nil {
		return "", err
	}
	defer c.Close()
	mac, err := c.hwAddr(b.link)
	if err != nil {
		return "", errs.Wrap("interface "+n.Interface, err)
	}
	conn, err := dialDHCP(b.link)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	l, err := conn.lease(mac, b.cfg.Hostname, dhcpWaits, dhcpBudget)
	if err != nil {
		return "", errs.Wrap("no DHCPv4 lease on "+n.Interface+", so no IPv4 address", err)
	}
	if _, err := c.request(addAddr(b.link, l.addr)); err != nil {
		return "", errs.Wrap("adding leased "+l.addr.String()+" to "+n.Interface, err)
	}
	if l.router.IsValid() {
		onlink := !l.addr.Masked().Contains(l.router)
		if _, err := c.request(addDefaultRoute(b.link, l.router, onlink)); err != nil {
			return "", errs.Wrap("adding default route via leased router "+l.router.String(), err)
		}
	}
	b.lease = l
	return l.String(), nil
}

// dhcpConn is a packet socket for IPv4 on one interface.
type dhcpConn struct {
	fd    int
	index int32
}

// htons is v in network byte order, as packet sockets take the protocol.
func htons(v uint16) uint16 {
	return binary.NativeEndian.Uint16(binary.BigEndian.AppendUint16(nil, v))
}

func dialDHCP(index int32) (*dhcpConn, error) {
	proto := htons(unix.ETH_P_IP)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return nil, errs.Wrap("opening packet socket", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: int(index)}); err != nil {
		unix.Close(fd)
		return nil, errs.Wrap("binding packet socket", err)
	}
	return &dhcpConn{fd: fd, index: index}, nil
}

func (c *dhcpConn) Close() error { return unix.Close(c.fd) }

var (
	anyAddr   = netip.IPv4Unspecified()
	broadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

// send broadcasts a client message from 0.0.0.0:68 to 255.255.255.255:67.
func (c *dhcpConn) send(m clientMsg) error {
	pkt := ipv4UDP(anyAddr, broadcast, dhcpClient, dhcpServer, m.encode())
	to := &unix.SockaddrLinklayer{
		Protocol: htons(unix.ETH_P_IP),
		Ifindex:  int(c.index),
		Halen:    6,
		Addr:     [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	}
	if err := unix.Sendto(c.fd, pkt, 0, to); err != nil {
		return errs.Wrap("sending DHCP message", err)
	}
	return nil
}

// receive returns the first reply to xid and mac that accept takes, or
// unix.ETIMEDOUT at the deadline.
func (c *dhcpConn) receive(xid uint32, mac [6]byte, deadline time.Duration, accept func(*reply) bool) (*reply, error) {
	buf := make([]byte, 1<<16)
	for {
		if err := waitReadable(c.fd, -1, deadline); err != nil {
			return nil, err
		}
		n, from, err := unix.Recvfrom(c.fd, buf, unix.MSG_DONTWAIT)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		} else if err != nil {
			return nil, errs.Wrap("reading packet socket", err)
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		_, sport, dport, payload, ok := parseIPv4UDP(buf[:n])
		if !ok || sport != dhcpServer || dport != dhcpClient {
			continue
		}
		r, err := parseReply(payload)
		if err != nil || r.op != bootReply || r.xid != xid || r.chaddr != mac || !accept(r) {
			continue
		}
		return r, nil
	}
}

// lease runs DISCOVER, OFFER, REQUEST, ACK (RFC 2131 §3.1) up to
// len(waits) times, each attempt waiting waits[i] for each reply, all of
// it within budget.
func (c *dhcpConn) lease(mac [6]byte, hostname string, waits []time.Duration, budget time.Duration) (*lease, error) {
	start := sinceBoot()
	end := start + budget
	why := errors.New("no attempt") // replaced by each attempt's failure
	attempts := 0
	for _, wait := range waits {
		now := sinceBoot()
		if now >= end {
			break
		}
		attempts++
		m := clientMsg{typ: dhcpDiscover, xid: random32(), mac: mac, hostname: hostname,
			secs: uint16((now - start) / time.Second)}
		if err := c.send(m); err != nil {
			return nil, err
		}
		offer, err := c.receive(m.xid, mac, min(now+wait, end), func(r *reply) bool {
			return r.msgType() == dhcpOffer && unicast4(r.yiaddr)
		})
		if errors.Is(err, unix.ETIMEDOUT) {
			why = errors.New("no offer")
			continue
		} else if err != nil {
			return nil, err
		}

		server := offer.addrOption(optServerID)
		m.typ, m.addr, m.server = dhcpRequest, offer.yiaddr, server
		now = sinceBoot()
		m.secs = uint16((now - start) / time.Second)
		if err := c.send(m); err != nil {
			return nil, err
		}
		ack, err := c.receive(m.xid, mac, min(now+wait, end), func(r *reply) bool {
			t := r.msgType()
			return (t == dhcpAck || t == dhcpNak) && (!server.IsValid() || r.addrOption(optServerID) == server)
		})
		if errors.Is(err, unix.ETIMEDOUT) {
			why = errors.New("offer of " + offer.yiaddr.String() + " from " + server.String() + ", then no answer to the request")
			continue
		} else if err != nil {
			return nil, err
		}
		if ack.msgType() == dhcpNak {
			why = errors.New(server.String() + " refused the request for " + offer.yiaddr.String() +
				" (NAK " + strconv.Quote(string(ack.options[optMessage])) + ")")
			continue
		}
		l, err := leaseFrom(ack)
		if err != nil {
			why = err
			continue
		}
		return l, nil
	}
	return nil, errors.New(why.Error() + " after " + strconv.Itoa(attempts) + " attempts in " + strings.TrimSpace(duration(sinceBoot()-start)))
}
