package config

import (
	"strings"
	"testing"
)

func valid() *Config {
	return &Config{Version: Version, Hostname: "h", User: Nobody,
		Exec:    Exec{Path: "/app/svc", Args: []string{"svc"}},
		Network: &Network{Interface: "eth0", Addresses: []string{"10.0.2.15/24"}, Gateways: []string{"10.0.2.2"}, DNS: []string{"10.0.2.3"}}}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Config)
		want string // "" means valid
	}{
		{"static IPv4", func(*Config) {}, ""},
		{"no network", func(c *Config) { c.Network = nil }, ""},
		{"IPv6 with an IPv6 gateway", func(c *Config) {
			c.Network.Addresses = []string{"fd00::15/64"}
			c.Network.Gateways = []string{"fd00::1"}
		}, ""},
		{"dual stack, two gateways", func(c *Config) {
			c.Network.Addresses = append(c.Network.Addresses, "fd00::15/64")
			c.Network.Gateways = append(c.Network.Gateways, "fd00::1")
		}, ""},
		{"link-local IPv6 gateway", func(c *Config) {
			c.Network.Addresses = append(c.Network.Addresses, "fd00::15/64")
			c.Network.Gateways = append(c.Network.Gateways, "fe80::1")
		}, ""},
		{"two IPv4 gateways", func(c *Config) { c.Network.Gateways = []string{"10.0.2.2", "10.0.2.3"} }, "two IPv4 gateways"},
		{"gateway outside the subnet", func(c *Config) { c.Network.Gateways = []string{"10.0.3.1"} }, "outside the subnets"},
		{"gateway is the address", func(c *Config) { c.Network.Gateways = []string{"10.0.2.15"} }, "outside the subnets"},
		{"IPv4 gateway for an IPv6 address", func(c *Config) {
			c.Network.Addresses = []string{"fd00::15/64"}
		}, "outside the subnets"},
		{"address without prefix", func(c *Config) { c.Network.Addresses = []string{"10.0.2.15"} }, "not in CIDR form"},
		{"bad gateway", func(c *Config) { c.Network.Gateways = []string{"router"} }, "not an IP address"},
		{"DHCP", func(c *Config) { c.Network = &Network{Interface: "eth0", DHCP: true, Search: []string{"example.org"}} }, ""},
		{"DHCP with a static IPv6 address", func(c *Config) {
			c.Network = &Network{Interface: "eth0", DHCP: true, Addresses: []string{"fd00::15/64"}, Gateways: []string{"fd00::1"}}
		}, ""},
		{"DHCP and a static IPv4 address", func(c *Config) { c.Network.DHCP = true }, "address 10.0.2.15/24 and DHCP both configure IPv4"},
		{"neither DHCP nor an address", func(c *Config) { c.Network = &Network{Interface: "eth0"} }, "neither DHCP nor an address"},
		{"bad search domain", func(c *Config) { c.Network.Search = []string{"not a domain"} }, "search domain"},
		{"capability", func(c *Config) { c.Capabilities = []string{"CAP_NET_BIND_SERVICE", "net_raw"} }, ""},
		{"unknown capability", func(c *Config) { c.Capabilities = []string{"CAP_FLY"} }, `"CAP_FLY" is not a Linux capability`},
		{"sysctl", func(c *Config) { c.Sysctls = []Sysctl{{Key: "net.ipv4.ip_forward", Value: "1"}} }, ""},
		{"sysctl climbing out of /proc/sys", func(c *Config) { c.Sysctls = []Sysctl{{Key: "net/../../etc", Value: "1"}} }, "not a kernel parameter"},
		{"tmp size", func(c *Config) { c.TmpSize = "64m" }, ""},
		{"tmp size in percent", func(c *Config) { c.TmpSize = "25%" }, ""},
		{"tmp size with two units", func(c *Config) { c.TmpSize = "64mk" }, "not a size"},
		{"sysctl with a dash", func(c *Config) { c.Sysctls = []Sysctl{{Key: "net.ipv4.conf.eth-0.rp_filter", Value: "1"}} }, ""},
		{"sysctl without a dot", func(c *Config) { c.Sysctls = []Sysctl{{Key: "kernel", Value: "1"}} }, "not a kernel parameter"},
		{"search domain with a trailing dot", func(c *Config) { c.Network.Search = []string{"example.org."} }, ""},
		{"search label starting with -", func(c *Config) { c.Network.Search = []string{"-x.org"} }, "search domain"},
		{"NTP server with a path", func(c *Config) { c.Clock.NTP = []string{"pool.ntp.org/x"} }, "NTP server"},
		{"bad tmp size", func(c *Config) { c.TmpSize = "64 MB" }, "not a size"},
		{"uid -1", func(c *Config) { c.User.UID = 1<<32 - 1 }, "not an id"},
		{"relative module", func(c *Config) { c.Modules = []string{"kernel/x.ko"} }, "not absolute"},
		{"env without =", func(c *Config) { c.Exec.Env = []string{"NOPE"} }, "not K=V"},
		{"bad DNS", func(c *Config) { c.Network.DNS = []string{"dns.example"} }, `DNS server "dns.example"`},
		{"no interface", func(c *Config) { c.Network.Interface = "" }, "interface is empty"},
		{"other version", func(c *Config) { c.Version = 2 }, "config version 2"},
		{"relative exec path", func(c *Config) { c.Exec.Path = "app/svc" }, "not absolute"},
		{"no argv[0]", func(c *Config) { c.Exec.Args = nil }, "argv[0]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.edit(c)
			err := c.Validate()
			if tt.want == "" && err != nil {
				t.Fatalf("Validate = %v, want valid", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDecodeRejectsUnknownFields(t *testing.T) {
	_, err := Decode(strings.NewReader(`{"version":1,"exec":{"path":"/a","args":["a"]},"shell":"/bin/sh"}`))
	if err == nil || !strings.Contains(err.Error(), `unknown field "shell"`) {
		t.Errorf("err = %v", err)
	}
}

// TestParseUser: one parser for --user and an image's User.
func TestParseUser(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want User
		ok   bool
	}{
		{"1000:1000", User{1000, 1000}, true},
		{"0:0", User{0, 0}, true},
		{"1000", User{1000, 1000}, true},
		{"7:8", User{7, 8}, true},
		{"root", User{}, false},
		{"1000:", User{}, false},
		{":1000", User{}, false},
		{"4294967295", User{}, false},
		{"1:4294967295", User{}, false},
		{"-1:0", User{}, false},
	} {
		got, err := ParseUser(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseUser(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
