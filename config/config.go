package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
)

// Path is where the config layer puts the configuration in the appliance.
const Path = "/etc/wisp/config.json"

// Version is the schema version wisp writes. The init refuses other versions.
const Version = 1

// Config is the whole configuration of one appliance.
type Config struct {
	Version  int      `json:"version"`
	Hostname string   `json:"hostname"`
	Modules  []string `json:"modules,omitempty"` // absolute .ko paths, in load order
	Network  *Network `json:"network,omitempty"`
	User     User     `json:"user"`
	Exec     Exec     `json:"exec"`
}

// Network is the static configuration of the board's one interface.
type Network struct {
	Interface string   `json:"interface"`
	Addresses []string `json:"addresses"` // CIDR, e.g. 10.0.2.15/24
	Gateway   string   `json:"gateway,omitempty"`
	DNS       []string `json:"dns,omitempty"`
}

// User is the numeric identity the binary runs as.
type User struct {
	UID uint32 `json:"uid"`
	GID uint32 `json:"gid"`
}

// Exec is what the init executes once the system is set up.
type Exec struct {
	Path string   `json:"path"`
	Args []string `json:"args"` // including argv[0]
	Env  []string `json:"env,omitempty"`
}

// Nobody is the default identity of the binary.
var Nobody = User{UID: 65534, GID: 65534}

// Decode reads a configuration and validates it.
func Decode(r io.Reader) (*Config, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("decoding config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate reports the first inconsistency in c.
func (c *Config) Validate() error {
	if c.Version != Version {
		return fmt.Errorf("config version %d, want %d", c.Version, Version)
	}
	if c.Exec.Path == "" || c.Exec.Path[0] != '/' {
		return fmt.Errorf("exec path %q is not absolute", c.Exec.Path)
	}
	if len(c.Exec.Args) == 0 {
		return errors.New("exec args are empty: argv[0] is required")
	}
	if c.Network != nil {
		return c.Network.Validate()
	}
	return nil
}

// Validate checks addresses, gateway and DNS servers. The gateway must lie
// inside the subnet of one of the addresses of its family.
func (n *Network) Validate() error {
	if n.Interface == "" {
		return errors.New("network interface is empty")
	}
	prefixes, err := n.Prefixes()
	if err != nil {
		return err
	}
	if n.Gateway != "" {
		gw, err := netip.ParseAddr(n.Gateway)
		if err != nil {
			return fmt.Errorf("gateway %q is not an IP address", n.Gateway)
		}
		if !reachable(gw, prefixes) {
			return fmt.Errorf("gateway %s is outside the subnets of %v", gw, n.Addresses)
		}
	}
	for _, s := range n.DNS {
		if _, err := netip.ParseAddr(s); err != nil {
			return fmt.Errorf("DNS server %q is not an IP address", s)
		}
	}
	return nil
}

// Prefixes parses the addresses.
func (n *Network) Prefixes() ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, s := range n.Addresses {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("address %q is not in CIDR form (like 10.0.2.15/24)", s)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func reachable(gw netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Masked().Contains(gw) && p.Addr() != gw {
			return true
		}
	}
	return false
}
