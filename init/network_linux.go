package main

import (
	"fmt"
	"net/netip"
	"strings"
)

// loopback is the name the kernel gives the loopback interface.
const loopback = "lo"

// setupNetwork is the network step: lo up, then the configured interface
// up with its addresses and default route.
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
			return "", fmt.Errorf("parsing gateway: %w", err)
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
		return "", fmt.Errorf("bringing up %s: %w", loopback, err)
	}
	index, err := c.waitLink(n.Interface, linkTimeout)
	if err != nil {
		return "", err
	}
	if _, err := c.request(linkUp(index)); err != nil {
		return "", fmt.Errorf("bringing up %s: %w", n.Interface, err)
	}
	for _, p := range prefixes {
		if _, err := c.request(addAddr(index, p)); err != nil {
			return "", fmt.Errorf("adding %s to %s: %w", p, n.Interface, err)
		}
	}
	detail := n.Interface + " " + strings.Join(n.Addresses, " ")
	for _, gw := range gws {
		if _, err := c.request(addDefaultRoute(index, gw)); err != nil {
			return "", fmt.Errorf("adding default route via %s: %w", gw, err)
		}
		detail += " via " + gw.String()
	}
	return detail, nil
}
