package main

import (
	"net/netip"
	"strings"

	"github.com/wispboot/wisp/config"
)

// dnsConfig is what resolv.conf says: the lease's name servers, then the
// config's, and the lease's domains, then the config's search domains;
// each once.
func dnsConfig(n *config.Network, l *lease) (servers []netip.Addr, search []string) {
	add := func(a netip.Addr) {
		for _, have := range servers {
			if have == a {
				return
			}
		}
		servers = append(servers, a)
	}
	if l != nil {
		for _, a := range l.dns {
			add(a)
		}
		search = append(search, l.search...)
	}
	if n != nil {
		for _, s := range n.DNS {
			if a, err := netip.ParseAddr(s); err == nil {
				add(a)
			}
		}
		for _, d := range n.Search {
			search = appendDomain(search, d)
		}
	}
	return servers, search
}

// resolv is the content of resolv.conf(5): nameserver lines, then one
// search line if there are domains.
func resolv(servers []netip.Addr, search []string) []byte {
	var sb strings.Builder
	sb.WriteString("# written by wisp's init\n")
	for _, s := range servers {
		sb.WriteString("nameserver " + s.String() + "\n")
	}
	if len(search) > 0 {
		sb.WriteString("search " + strings.Join(search, " ") + "\n")
	}
	return []byte(sb.String())
}
