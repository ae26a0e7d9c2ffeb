package main

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wispboot/wisp/build"
	"github.com/wispboot/wisp/config"
)

// buildFlags are the flags build and run share.
type buildFlags struct {
	target, binary, base, tag, out string
	ip, gateway, hostname          string
	dns, args, env                 []string
}

func (f *buildFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.target, "target", "", "board name (see wisp targets) or a profile .json file")
	fs.StringVar(&f.binary, "binary", "", "the static binary to run (a local file)")
	fs.StringVar(&f.base, "base", "", "base tag or digest in the local store (default base-BOARD:latest)")
	fs.StringVar(&f.tag, "tag", "", "store tag for the appliance (default BINARY:BOARD)")
	fs.StringVar(&f.ip, "ip", "", "static address of the board's interface in CIDR form, like 10.0.2.15/24")
	fs.StringVar(&f.gateway, "gateway", "", "default gateway, inside the --ip subnet")
	fs.StringSliceVar(&f.dns, "dns", nil, "DNS server (repeatable)")
	fs.StringVar(&f.hostname, "hostname", "", "host name (default the board name)")
	fs.StringArrayVar(&f.args, "arg", nil, "argument passed to the binary (repeatable)")
	fs.StringArrayVar(&f.env, "env", nil, "environment variable K=V for the binary (repeatable)")
}

// request turns the flags into a build request; errors name the flag.
func (f *buildFlags) request() (build.Request, error) {
	p, err := board(f.target)
	if err != nil {
		return build.Request{}, err
	}
	if f.binary == "" {
		return build.Request{}, fmt.Errorf("--binary is required")
	}
	req := build.Request{
		Board: p, Binary: f.binary, Base: f.base, Tag: f.tag, Out: f.out,
		Hostname: f.hostname, User: config.Nobody, Args: f.args, Env: f.env, Version: version,
	}
	for _, e := range f.env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return build.Request{}, fmt.Errorf("--env %q is not K=V", e)
		}
	}
	if req.Network, err = f.network(p.Network.Interface); err != nil {
		return build.Request{}, err
	}
	return req, nil
}

func (f *buildFlags) network(iface string) (*config.Network, error) {
	if f.ip == "" {
		if f.gateway != "" || len(f.dns) > 0 {
			return nil, fmt.Errorf("--gateway and --dns need --ip")
		}
		return nil, nil
	}
	if _, err := netip.ParsePrefix(f.ip); err != nil {
		return nil, fmt.Errorf("--ip %q is not an address in CIDR form (like 10.0.2.15/24)", f.ip)
	}
	n := &config.Network{Interface: iface, Addresses: []string{f.ip}, Gateway: f.gateway, DNS: f.dns}
	if f.gateway != "" {
		if _, err := netip.ParseAddr(f.gateway); err != nil {
			return nil, fmt.Errorf("--gateway %q is not an IP address", f.gateway)
		}
	}
	for _, d := range f.dns {
		if _, err := netip.ParseAddr(d); err != nil {
			return nil, fmt.Errorf("--dns %q is not an IP address", d)
		}
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("--gateway: %w", err)
	}
	return n, nil
}
