package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wispboot/wisp/build"
	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/layers"
)

// buildFlags are the flags build and run share; wisp.json (-f) can set
// every one of them.
type buildFlags struct {
	file                                             string
	target, binary, binaryPath, base, init, tag, out string
	hostname, user, cmdlineAppend, tmpSize, caCerts  string
	dhcp, tmpExec                                    bool
	ip, gateway, dns, search, ntp                    []string
	args, env, caps, sysctls, layers                 []string
}

func (f *buildFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.file, "file", "f", "", "read the flags from this wisp.json (flags given on the command line win; its paths are relative to it and stay inside its directory; it names built-in boards only)")
	fs.StringVar(&f.target, "target", "", targetHelp)
	fs.StringVar(&f.binary, "binary", "", "the static binary: a local file, or an image reference whose entrypoint is the binary")
	fs.StringVar(&f.binaryPath, "binary-path", "", "path of the binary inside the --binary image, when its entrypoint is a wrapper")
	fs.StringVar(&f.base, "base", "", "board base: a store tag or digest, or a registry reference (default: the latest import, else the board's default base)")
	fs.StringVar(&f.init, "init", "", "an init image reference to use instead of the init embedded in wisp")
	fs.StringVar(&f.tag, "tag", "", "store tag for the appliance (default BINARY:BOARD)")
	fs.StringVar(&f.hostname, "hostname", "", "host name (default the board name)")
	fs.BoolVar(&f.dhcp, "dhcp", false, "configure the board's interface by DHCPv4 (address, router, DNS, domain)")
	fs.StringArrayVar(&f.ip, "ip", nil, "static address in CIDR form, like 10.0.2.15/24 or fd00::15/64 (repeatable)")
	fs.StringArrayVar(&f.gateway, "gateway", nil, "default gateway, inside an --ip subnet; one per address family (repeatable)")
	fs.StringArrayVar(&f.dns, "dns", nil, "DNS server (repeatable)")
	fs.StringArrayVar(&f.search, "search", nil, "DNS search domain (repeatable)")
	fs.StringArrayVar(&f.ntp, "ntp", nil, "NTP server to set the clock from at boot (repeatable); without one the clock is never earlier than the build time")
	fs.StringVar(&f.user, "user", "", "UID:GID the binary runs as (default the image's numeric user, else 65534:65534)")
	fs.StringArrayVar(&f.caps, "cap", nil, "capability the binary keeps, like CAP_NET_BIND_SERVICE (repeatable); all others are dropped")
	fs.StringArrayVar(&f.args, "arg", nil, "argument passed to the binary (repeatable; replaces the image's arguments)")
	fs.StringArrayVar(&f.env, "env", nil, "environment variable K=V for the binary (repeatable; overrides the image's)")
	fs.StringArrayVar(&f.sysctls, "sysctl", nil, "kernel parameter KEY=VALUE set at boot, like net.core.somaxconn=1024 (repeatable)")
	fs.StringVar(&f.cmdlineAppend, "cmdline-append", "", "text added to the board's kernel command line")
	fs.StringVar(&f.tmpSize, "tmp-size", "", "size of the /tmp tmpfs, like 64m or 25% (default: half the RAM)")
	fs.BoolVar(&f.tmpExec, "tmp-exec", false, "let the binary execute files on /tmp, /run and /dev, which are mounted noexec otherwise")
	fs.StringArrayVar(&f.layers, "layer", nil, "extra layer before the app: a tar file, a directory or an image reference (repeatable, in order); it may add files, not replace what wisp makes nor hold devices, setuid or world-writable files")
	fs.StringVar(&f.caCerts, "ca-certs", "", "CA bundle (PEM) to install as /etc/ssl/certs/ca-certificates.crt: --ca-certs=FILE, or --ca-certs alone for the host's")
	fs.Lookup("ca-certs").NoOptDefVal = layers.HostCACerts
}

// buildOnly refuses, for wisp run APPLIANCE, the flags that say how to
// build: the appliance boots as it was built, and they would be ignored.
// --target (a custom board's profile) and --out stay.
func buildOnly(c *cobra.Command) error {
	var given []string
	c.Flags().Visit(func(f *pflag.Flag) {
		if f.Name == "target" || f.Name == "out" || !isBuildFlag(f.Name) {
			return
		}
		given = append(given, "--"+f.Name)
	})
	if len(given) == 0 {
		return nil
	}
	return fmt.Errorf("%s: wisp run APPLIANCE boots the appliance as it was built, and these flags say how to build one; leave them out, or build anew with wisp run --target BOARD --binary FILE|IMAGE", strings.Join(given, ", "))
}

// isBuildFlag reports whether name is one of the flags register adds.
func isBuildFlag(name string) bool {
	fs := pflag.NewFlagSet("", pflag.ContinueOnError)
	(&buildFlags{}).register(fs)
	return fs.Lookup(name) != nil
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
		Hostname: f.hostname, Args: f.args, Env: f.env, Version: version, NTP: f.ntp,
		CmdlineAppend: f.cmdlineAppend, TmpSize: f.tmpSize, TmpExec: f.tmpExec, Layers: f.layers, CACerts: f.caCerts,
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
	for _, c := range f.caps {
		name, err := config.CapabilityName(c)
		if err != nil {
			return build.Request{}, fmt.Errorf("--cap: %w", err)
		}
		req.Capabilities = append(req.Capabilities, name)
	}
	for _, s := range f.sysctls {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return build.Request{}, fmt.Errorf("--sysctl %q is not KEY=VALUE", s)
		}
		req.Sysctls = append(req.Sysctls, config.Sysctl{Key: k, Value: v})
	}
	if req.Network, err = f.network(p.Network.Interface); err != nil {
		return build.Request{}, err
	}
	return req, nil
}

func (f *buildFlags) network(iface string) (*config.Network, error) {
	if len(f.ip) == 0 && !f.dhcp {
		if len(f.gateway) > 0 || len(f.dns) > 0 || len(f.search) > 0 {
			return nil, fmt.Errorf("--gateway, --dns and --search need --ip or --dhcp")
		}
		return nil, nil
	}
	n := &config.Network{Interface: iface, DHCP: f.dhcp, Addresses: f.ip, Gateways: f.gateway, DNS: f.dns, Search: f.search}
	for _, ip := range f.ip {
		p, err := netip.ParsePrefix(ip)
		if err != nil {
			return nil, fmt.Errorf("--ip %q is not an address in CIDR form (like 10.0.2.15/24)", ip)
		}
		if f.dhcp && p.Addr().Is4() {
			return nil, fmt.Errorf("--dhcp and --ip %s both configure IPv4: choose one", ip)
		}
	}
	for _, g := range f.gateway {
		if _, err := netip.ParseAddr(g); err != nil {
			return nil, fmt.Errorf("--gateway %q is not an IP address", g)
		}
	}
	for _, d := range f.dns {
		if _, err := netip.ParseAddr(d); err != nil {
			return nil, fmt.Errorf("--dns %q is not an IP address", d)
		}
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
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
