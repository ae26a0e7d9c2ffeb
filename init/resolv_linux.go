package main

import (
	"fmt"
	"strings"
)

// resolvConf is where the C library and Go's resolver look for name
// servers (resolv.conf(5)).
const (
	resolvDir  = "/etc"
	resolvConf = resolvDir + "/resolv.conf"
)

// writeResolv is the resolv step.
func writeResolv(b *boot) (string, error) {
	n := b.cfg.Network
	if n == nil || len(n.DNS) == 0 {
		return "", skipped("no DNS servers in config")
	}
	if err := mkdirAll(resolvDir); err != nil {
		return "", err
	}
	if err := writeFile(resolvConf, resolv(n.DNS), 0o644); err != nil {
		return "", err
	}
	return strings.Join(n.DNS, " "), nil
}

// resolv is the content of resolv.conf for the given servers.
func resolv(servers []string) []byte {
	var sb strings.Builder
	sb.WriteString("# written by wisp's init\n")
	for _, s := range servers {
		fmt.Fprintf(&sb, "nameserver %s\n", s)
	}
	return []byte(sb.String())
}
