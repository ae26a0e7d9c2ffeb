package settings

import (
	"time"

	"github.com/wispboot/wisp/boards"
)

// Settings say how the appliance runs its binary; nil and "" mean the
// default, which is what the binary's image says, else wisp's.
type Settings struct {
	Hostname      string   `json:"hostname,omitempty" flag:"hostname" help:"host name (default the board name)"`
	DHCP          bool     `json:"dhcp,omitempty" flag:"dhcp" help:"configure the board's interface by DHCPv4 (address, router, DNS, domain)"`
	IP            []string `json:"ip,omitempty" flag:"ip" check:"cidr" help:"static address in CIDR form, like 10.0.2.15/24 or fd00::15/64 (repeatable)"`
	Gateway       []string `json:"gateway,omitempty" flag:"gateway" check:"ip" help:"default gateway, inside an --ip subnet; one per address family (repeatable)"`
	DNS           []string `json:"dns,omitempty" flag:"dns" check:"ip" help:"DNS server (repeatable)"`
	Search        []string `json:"search,omitempty" flag:"search" help:"DNS search domain (repeatable)"`
	NTP           []string `json:"ntp,omitempty" flag:"ntp" help:"NTP server to set the clock from at boot (repeatable); without one the clock is never earlier than the build time"`
	User          string   `json:"user,omitempty" flag:"user" check:"user" help:"UID:GID the binary runs as (default the image's numeric user, else 65534:65534)"`
	Capabilities  []string `json:"capabilities,omitempty" flag:"cap" check:"capability" help:"capability the binary keeps, like CAP_NET_BIND_SERVICE (repeatable); all others are dropped"`
	Args          []string `json:"args,omitempty" flag:"arg" help:"argument passed to the binary (repeatable; replaces the image's arguments)"`
	Env           []string `json:"env,omitempty" flag:"env" check:"env" file:"map" help:"environment variable K=V for the binary (repeatable; overrides the image's)"`
	Sysctls       []string `json:"sysctls,omitempty" flag:"sysctl" check:"sysctl" file:"map" help:"kernel parameter KEY=VALUE set at boot, like net.core.somaxconn=1024 (repeatable)"`
	CmdlineAppend string   `json:"cmdlineAppend,omitempty" flag:"cmdline-append" help:"text added to the board's kernel command line"`
	TmpSize       string   `json:"tmpSize,omitempty" flag:"tmp-size" check:"size" help:"size of the /tmp tmpfs, like 64m or 25% (default: half the RAM)"`
	TmpExec       bool     `json:"tmpExec,omitempty" flag:"tmp-exec" help:"let the binary execute files on /tmp, /run and /dev, which are mounted noexec otherwise"`
}

// Inputs are what an appliance is made of, beside wisp's own init.
type Inputs struct {
	Board      *boards.Profile `json:"-"` // resolved from Target by the command line
	Binary     string          `json:"binary,omitempty" flag:"binary" file:"pathOrRef" help:"the static binary: a local file, or an image reference whose entrypoint is the binary"`
	BinaryPath string          `json:"binaryPath,omitempty" flag:"binary-path" help:"path of the binary inside the --binary image, when its entrypoint is a wrapper"`
	Base       string          `json:"base,omitempty" flag:"base" help:"board base: a store tag or digest, or a registry reference (default: the latest import, else the board's default base)"`
	Init       string          `json:"init,omitempty" flag:"init" help:"an init image reference to use instead of the init embedded in wisp"`
	Layers     []string        `json:"layers,omitempty" flag:"layer" file:"pathOrRef" help:"extra layer before the app: a tar file, a directory or an image reference (repeatable, in order); it may add files, not replace what wisp makes nor hold devices, setuid or world-writable files"`
	CACerts    string          `json:"caCerts,omitempty" flag:"ca-certs" file:"caBundle" noopt:"/etc/ssl/certs/ca-certificates.crt" help:"CA bundle (PEM) to install as /etc/ssl/certs/ca-certificates.crt: --ca-certs=FILE, or --ca-certs alone for the host's"`
}

// Outputs are where an appliance goes.
type Outputs struct {
	Tag  string `json:"tag,omitempty" flag:"tag" help:"store tag for the appliance (default BINARY:BOARD)"`
	Out  string `json:"out,omitempty" flag:"out" file:"path" help:"directory for the boot files (kernel and initrd.img, or the board's disk image); without it only the image is stored"`
	Push string `json:"push,omitempty" flag:"push" help:"push the appliance to this registry reference"`
}

// Target names the board.
type Target struct {
	Target string `json:"target,omitempty" flag:"target" file:"board" help:"board name (see wisp targets), or a board profile .json file"`
}

// Fetch says when images are fetched.
type Fetch struct {
	Pull string `json:"pull,omitempty" flag:"pull" enum:"missing,always,never" default:"missing" help:"when to fetch bases, inits and appliances: missing, always or never (binary images are resolved on every build unless never)"`
}

// Run are wisp run's own settings.
type Run struct {
	Forward []string      `json:"forward,omitempty" flag:"forward" pattern:"^[0-9]+(:[0-9]+)?$" help:"forward 127.0.0.1:HOST to the guest's GUEST port, as HOST:GUEST (repeatable)"`
	Accel   string        `json:"accel,omitempty" flag:"accel" enum:"auto,tcg,kvm" default:"auto" help:"accelerator: tcg, kvm, or auto (KVM when usable and not nested)"`
	Timeout time.Duration `json:"timeout,omitempty" flag:"timeout" help:"stop QEMU after this long (like 60s); 0 runs until Ctrl-C"`
}

// All are the structs whose fields wisp.json may set, in the order the
// schema lists them.
func All() []any {
	return []any{&Target{}, &Inputs{}, &Outputs{}, &Fetch{}, &Settings{}, &Run{}}
}
