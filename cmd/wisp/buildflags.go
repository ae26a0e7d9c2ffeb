package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wispboot/wisp/build"
	"github.com/wispboot/wisp/config"
)

// buildFlags are the flags build and run share.
type buildFlags struct {
	target, binary, binaryPath, base, init, tag, out string
	ip, gateway, hostname, user                      string
	dns, args, env                                   []string
}

func (f *buildFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.target, "target", "", "board name (see wisp targets) or a profile .json file")
	fs.StringVar(&f.binary, "binary", "", "the static binary: a local file, or an image reference whose entrypoint is the binary")
	fs.StringVar(&f.binaryPath, "binary-path", "", "path of the binary inside the --binary image, when its entrypoint is a wrapper")
	fs.StringVar(&f.base, "base", "", "board base: a store tag or digest, or a registry reference (default: the latest import, else the board's default base)")
	fs.StringVar(&f.init, "init", "", "an init image reference to use instead of the init embedded in wisp")
	fs.StringVar(&f.user, "user", "", "UID:GID the binary runs as (default the image's numeric user, else 65534:65534)")
	fs.StringVar(&f.tag, "tag", "", "store tag for the appliance (default BINARY:BOARD)")
	fs.StringVar(&f.ip, "ip", "", "static address of the board's interface in CIDR form, like 10.0.2.15/24")
	fs.StringVar(&f.gateway, "gateway", "", "default gateway, inside the --ip subnet")
	fs.StringSliceVar(&f.dns, "dns", nil, "DNS server (repeatable)")
	fs.StringVar(&f.hostname, "hostname", "", "host name (default the board name)")
	fs.StringArrayVar(&f.args, "arg", nil, "argument passed to the binary (repeatable; replaces the image's arguments)")
	fs.StringArrayVar(&f.env, "env", nil, "environment variable K=V for the binary (repeatable; overrides the image's)")
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
		Board: p, Binary: f.binary, BinaryPath: f.binaryPath, Base: f.base, Init: f.init, Tag: f.tag, Out: f.out,
		Hostname: f.hostname, Args: f.args, Env: f.env, Version: version,
	}
	if f.user != "" {
		u, err := parseUser(f.user)
		if err != nil {
			return build.Request{}, err
		}
		req.User = &u
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

// parseUser reads --user UID:GID.
func parseUser(s string) (config.User, error) {
	us, gs, ok := strings.Cut(s, ":")
	uid, err1 := strconv.ParseUint(us, 10, 32)
	gid, err2 := strconv.ParseUint(gs, 10, 32)
	if !ok || err1 != nil || err2 != nil || uid == 1<<32-1 || gid == 1<<32-1 {
		return config.User{}, fmt.Errorf("--user %q is not UID:GID with numbers, like 1000:1000", s)
	}
	return config.User{UID: uint32(uid), GID: uint32(gid)}, nil
}
