package main

import (
	"errors"
	"net/netip"
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/net/dns/dnsmessage"
)

// dnsPort is where name servers listen.
const dnsPort = 53

// lookup returns name's IPv4 addresses, or its IPv6 ones if it has no
// IPv4 address, asking every server at once; the first server to answer
// decides.
func lookup(name string, servers []netip.AddrPort, zone int32, deadline time.Duration, stop int) ([]netip.Addr, error) {
	if len(servers) == 0 {
		return nil, errors.New("looking up " + name + ": no DNS servers")
	}
	for _, t := range []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA} {
		query, err := dnsQuery(uint16(random32()), name, t)
		if err != nil {
			return nil, err
		}
		var addrs []netip.Addr
		var answer error
		_, err = exchange(servers, zone, func() []byte { return query }, func(reply []byte) (bool, error) {
			as, ours, err := dnsAnswer(reply, query, t)
			if !ours {
				return false, nil
			}
			if err != nil && err != errNoSuchHost {
				return false, err // this server fails; others may answer
			}
			addrs, answer = as, err
			return true, nil
		}, deadline, stop)
		if err != nil {
			return nil, errs.Wrap("looking up "+name, err)
		}
		if answer != nil {
			return nil, errs.Wrap("looking up "+name, answer)
		}
		if len(addrs) > 0 {
			return addrs, nil
		}
	}
	return nil, errors.New("looking up " + name + ": no address")
}
