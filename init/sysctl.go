package main

import (
	"fmt"
	"strings"
)

// procSys is where the kernel's parameters are files (proc(5)).
const procSys = "/proc/sys"

// sysctlPath maps a dotted parameter name to its file:
// net.ipv4.ip_forward is /proc/sys/net/ipv4/ip_forward. The config
// validates names already; this refuses anything that could leave
// /proc/sys (an empty, "." or ".." component, a slash) on its own.
func sysctlPath(key string) (string, error) {
	parts := strings.Split(key, ".")
	if len(parts) < 2 {
		return "", fmt.Errorf("sysctl %q is not a dotted parameter name like net.ipv4.ip_forward", key)
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, "/\x00") {
			return "", fmt.Errorf("sysctl %q is not a dotted parameter name like net.ipv4.ip_forward", key)
		}
	}
	return procSys + "/" + strings.Join(parts, "/"), nil
}
