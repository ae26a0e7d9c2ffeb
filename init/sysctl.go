package main

import (
	"errors"
	"strconv"
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
		return "", errors.New("sysctl " + strconv.Quote(key) + " is not a dotted parameter name like net.ipv4.ip_forward")
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, "/\x00") {
			return "", errors.New("sysctl " + strconv.Quote(key) + " is not a dotted parameter name like net.ipv4.ip_forward")
		}
	}
	return procSys + "/" + strings.Join(parts, "/"), nil
}
