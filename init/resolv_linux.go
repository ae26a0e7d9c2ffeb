package main

import "strings"

// resolvConf is where the C library and Go's resolver look for name
// servers (resolv.conf(5)).
const (
	resolvDir  = "/etc"
	resolvConf = resolvDir + "/resolv.conf"
)

// writeResolv is the resolv step. With nothing to say it leaves the file
// alone: the config layer may carry one.
func writeResolv(b *boot) (string, error) {
	servers, search := dnsConfig(b.cfg.Network, b.lease)
	if len(servers) == 0 && len(search) == 0 {
		return "", skipped("no DNS servers nor search domains")
	}
	if err := mkdirAll(resolvDir); err != nil {
		return "", err
	}
	if err := writeFile(resolvConf, resolv(servers, search), 0o644); err != nil {
		return "", err
	}
	detail := joinAddrs(servers)
	if len(search) > 0 {
		detail = strings.TrimSpace(detail + " search " + strings.Join(search, " "))
	}
	return detail, nil
}
