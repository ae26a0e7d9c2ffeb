package main

import "testing"

func TestSysctlPath(t *testing.T) {
	tests := []struct {
		key, want string // want "" for a refusal
	}{
		{"net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward"},
		{"kernel.printk", "/proc/sys/kernel/printk"},
		{"net.ipv4.conf.eth0.rp_filter", "/proc/sys/net/ipv4/conf/eth0/rp_filter"},
		{"net.ipv6.conf.all.disable_ipv6", "/proc/sys/net/ipv6/conf/all/disable_ipv6"},
		{"", ""},
		{"kernel", ""},
		{"net..ipv4", ""},               // ".." between names
		{"..net.ipv4", ""},              // and at the start
		{"net.ipv4.", ""},               // an empty last name
		{"net.ipv4...", ""},             // climbing out
		{"../../etc/passwd", ""},        // a path
		{"net/ipv4/ip_forward", ""},     // slashes are not sysctl(8)'s eth0/100 form here
		{"net.ipv4.conf.a/b.x", ""},     // a slash in a name
		{"net.ipv4.ip_forward\x00", ""}, // NUL
	}
	for _, tt := range tests {
		got, err := sysctlPath(tt.key)
		if tt.want == "" {
			if err == nil {
				t.Errorf("sysctlPath(%q) = %q, want a refusal", tt.key, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("sysctlPath(%q) = %q, %v, want %q", tt.key, got, err, tt.want)
		}
	}
}
