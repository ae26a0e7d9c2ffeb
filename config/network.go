package config

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// Network configures the board's one interface: by DHCPv4, or with static
// addresses (IPv4 and IPv6; with DHCP, IPv6 ones only). IPv6 router
// advertisements are left to the kernel either way.
type Network struct {
	Interface string   `json:"interface"`
	DHCP      bool     `json:"dhcp,omitempty"`
	Addresses []string `json:"addresses,omitempty"` // CIDR, e.g. 10.0.2.15/24, fd00::15/64
	Gateways  []string `json:"gateways,omitempty"`  // at most one per family
	DNS       []string `json:"dns,omitempty"`       // with DHCP, added to the lease's
	Search    []string `json:"search,omitempty"`    // with DHCP, added to the lease's domain
}

// Validate checks addresses, gateways, DNS servers and search domains. A
// gateway must lie inside the subnet of an address of its family (or,
// with DHCP, be IPv6).
func (n *Network) Validate() error {
	if n.Interface == "" {
		return errors.New("network interface is empty")
	}
	prefixes, err := n.Prefixes()
	if err != nil {
		return err
	}
	if !n.DHCP && len(prefixes) == 0 {
		return errors.New("the network has neither DHCP nor an address")
	}
	for _, p := range prefixes {
		if n.DHCP && p.Addr().Is4() {
			return errors.New("address " + p.String() + " and DHCP both configure IPv4: choose one")
		}
	}
	families := map[bool]bool{}
	for _, g := range n.Gateways {
		gw, err := netip.ParseAddr(g)
		if err != nil {
			return errors.New("gateway " + strconv.Quote(g) + " is not an IP address")
		}
		if families[gw.Is4()] {
			return errors.New("two " + family(gw) + " gateways: give one per address family")
		}
		families[gw.Is4()] = true
		if n.DHCP && gw.Is4() {
			return errors.New("gateway " + gw.String() + " and DHCP both configure IPv4: the lease names the router")
		}
		if !reachable(gw, prefixes) {
			return errors.New("gateway " + gw.String() + " is outside the subnets of [" + strings.Join(n.Addresses, " ") + "]")
		}
	}
	for _, s := range n.DNS {
		if _, err := netip.ParseAddr(s); err != nil {
			return errors.New("DNS server " + strconv.Quote(s) + " is not an IP address")
		}
	}
	for _, s := range n.Search {
		if !isDomain(s) {
			return errors.New("search domain " + strconv.Quote(s) + " is not a DNS name")
		}
	}
	return nil
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// Prefixes parses the addresses.
func (n *Network) Prefixes() ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, s := range n.Addresses {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, errors.New("address " + strconv.Quote(s) + " is not in CIDR form (like 10.0.2.15/24 or fd00::15/64)")
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func reachable(gw netip.Addr, prefixes []netip.Prefix) bool {
	if gw.Is6() && gw.IsLinkLocalUnicast() {
		return true // fe80::1 is how routers announce themselves
	}
	for _, p := range prefixes {
		if p.Masked().Contains(gw) && p.Addr() != gw {
			return true
		}
	}
	return false
}

// isDomain accepts a DNS name as resolv.conf's search line takes it:
// dot-separated labels of letters, digits and inner hyphens.
func isDomain(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
