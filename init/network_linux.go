package main

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/wispboot/wisp/internal/errs"
)

// loopback is the name the kernel gives the loopback interface.
const loopback = "lo"

// setupNetwork is the network step: lo up, then the configured interface
// up with its static addresses and a default route per gateway. With
// DHCP the dhcp step adds the IPv4 address and route next. IPv6 router
// advertisements are the kernel's: once the link is up it configures
// SLAAC addresses and routes itself (accept_ra and autoconf stay as the
// kernel sets them).
func setupNetwork(b *boot) (string, error) {
	n := b.cfg.Network
	if n == nil {
		return "", skipped("no network in config")
	}
	prefixes, err := n.Prefixes()
	if err != nil {
		return "", err
	}
	var gws []netip.Addr
	for _, g := range n.Gateways {
		gw, err := netip.ParseAddr(g)
		if err != nil {
			return "", errs.Wrap("parsing gateway "+strconv.Quote(g), err)
		}
		gws = append(gws, gw)
	}

	c, err := dialRoute(0)
	if err != nil {
		return "", err
	}
	defer c.Close()

	lo, err := c.waitLink(loopback, 0)
	if err != nil {
		return "", err
	}
	if _, err := c.request(linkUp(lo)); err != nil {
		return "", errs.Wrap("bringing up "+loopback, err)
	}
	index, err := c.waitLink(n.Interface, linkTimeout)
	if err != nil {
		return "", err
	}
	if _, err := c.request(linkUp(index)); err != nil {
		return "", errs.Wrap("bringing up "+n.Interface, err)
	}
	b.link = index
	for _, p := range prefixes {
		if _, err := c.request(addAddr(index, p)); err != nil {
			return "", errs.Wrap("adding "+p.String()+" to "+n.Interface, err)
		}
	}
	for _, gw := range gws {
		if _, err := c.request(addDefaultRoute(index, gw, false)); err != nil {
			return "", errs.Wrap("adding default route via "+gw.String(), err)
		}
	}
	detail := []string{n.Interface, "up"}
	if len(prefixes) > 0 {
		detail = append(detail[:1], joinAddrs(prefixes))
	}
	if len(gws) > 0 {
		detail = append(detail, "via", joinAddrs(gws))
	}
	return strings.Join(detail, " "), nil
}
