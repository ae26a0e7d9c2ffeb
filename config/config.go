package config

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/wispboot/wisp/internal/errs"
)

// Path is where the config layer puts the configuration in the appliance.
const Path = "/etc/wisp/config.json"

// Version is the schema version wisp writes. The init refuses other versions.
const Version = 1

// Config is the whole configuration of one appliance, applied by the init
// in this order: mounts, modules, sysctls, clock floor, hostname, network,
// resolv.conf, clock by NTP, user and capabilities, exec.
type Config struct {
	Version  int      `json:"version"`
	Hostname string   `json:"hostname"`
	Modules  []string `json:"modules,omitempty"` // absolute .ko paths, in load order
	Sysctls  []Sysctl `json:"sysctls,omitempty"` // written in order
	// TmpSize is the size option of the /tmp tmpfs ("64m", "25%"); ""
	// is the kernel's default (half the RAM).
	TmpSize string `json:"tmpSize,omitempty"`
	// TmpExec lets files on /tmp, /run and /dev be executed; they are
	// mounted noexec otherwise.
	TmpExec bool     `json:"tmpExec,omitempty"`
	Network *Network `json:"network,omitempty"`
	Clock   Clock    `json:"clock"`
	User    User     `json:"user"`
	// Capabilities are kept, as ambient capabilities, across the change to
	// User and the exec; every other one is dropped. Names as in
	// capabilities(7): CAP_NET_BIND_SERVICE.
	Capabilities []string `json:"capabilities,omitempty"`
	Exec         Exec     `json:"exec"`
}

// Sysctl is one kernel parameter, by its dotted name.
type Sysctl struct {
	Key   string `json:"key"`   // like net.ipv4.ip_forward
	Value string `json:"value"` // written to /proc/sys/net/ipv4/ip_forward
	// Optional parameters a kernel does not have are skipped; others
	// fail the boot.
	Optional bool `json:"optional,omitempty"`
}

// Hardening are the kernel parameters every appliance gets before its
// own (which override them): kernel pointers hidden from everyone
// (kptr_restrict 2), the kernel log readable only with CAP_SYSLOG
// (dmesg_restrict 1), no perf events without CAP_PERFMON (Debian's
// perf_event_paranoid 3; upstream kernels treat it as 2). They are
// optional: a kernel built without one skips it.
var Hardening = []Sysctl{
	{Key: "kernel.kptr_restrict", Value: "2", Optional: true},
	{Key: "kernel.dmesg_restrict", Value: "1", Optional: true},
	{Key: "kernel.perf_event_paranoid", Value: "3", Optional: true},
}

// WithHardening returns the Hardening parameters that ss does not set,
// followed by ss.
func WithHardening(ss []Sysctl) []Sysctl {
	var out []Sysctl
	for _, h := range Hardening {
		set := false
		for _, s := range ss {
			set = set || s.Key == h.Key
		}
		if !set {
			out = append(out, h)
		}
	}
	return append(out, ss...)
}

// Clock says how the init sets the time. Boards without a real-time clock
// start in 1970, where no TLS certificate is valid yet.
type Clock struct {
	// Floor is a Unix time the clock is never left earlier than: if the
	// clock reads less at boot, it is set to Floor.
	Floor int64 `json:"floor"`
	// NTP servers (host or IP, optional :port) asked by SNTP after the
	// network is up; the first answer sets the clock.
	NTP []string `json:"ntp,omitempty"`
	// NTPTimeoutMs bounds the wait for an answer; 0 means 5000.
	NTPTimeoutMs int `json:"ntpTimeoutMs,omitempty"`
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

// ParseUser reads a numeric identity: "UID:GID", or "UID" with the group
// of the same number (as --user and an image config's User give it).
// Names cannot be resolved without the image's /etc/passwd, and
// 4294967295 is no id (it means "unchanged" to setresuid).
func ParseUser(s string) (User, error) {
	us, gs, hasGID := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(us, 10, 32)
	gid := uid
	if err == nil && hasGID {
		gid, err = strconv.ParseUint(gs, 10, 32)
	}
	if err != nil || uid == 1<<32-1 || gid == 1<<32-1 {
		return User{}, errors.New("user " + strconv.Quote(s) + " is not UID:GID (or UID) with numbers, like 1000:1000")
	}
	return User{UID: uint32(uid), GID: uint32(gid)}, nil
}

// Decode reads a configuration and validates it. A field it does not know,
// a value of the wrong type or anything after the JSON object is an error.
func Decode(r io.Reader) (*Config, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, errs.Wrap("reading config", err)
	}
	c, err := decode(b)
	if err != nil {
		return nil, errs.Wrap("decoding config", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate reports the first inconsistency in c.
func (c *Config) Validate() error {
	switch {
	case c.Version != Version:
		return errors.New("config version " + strconv.Itoa(c.Version) + ", want " + strconv.Itoa(Version))
	case c.Exec.Path == "" || c.Exec.Path[0] != '/':
		return errors.New("exec path " + strconv.Quote(c.Exec.Path) + " is not absolute")
	case len(c.Exec.Args) == 0:
		return errors.New("exec args are empty: argv[0] is required")
	case c.User.UID == 1<<32-1 || c.User.GID == 1<<32-1:
		return errors.New("user " + strconv.FormatUint(uint64(c.User.UID), 10) + ":" + strconv.FormatUint(uint64(c.User.GID), 10) +
			": 4294967295 is not an id")
	case c.TmpSize != "" && !IsSize(c.TmpSize):
		return errors.New("tmp size " + strconv.Quote(c.TmpSize) + " is not a size like 64m or 25%")
	case c.Clock.NTPTimeoutMs < 0:
		return errors.New("NTP timeout " + strconv.Itoa(c.Clock.NTPTimeoutMs) + " ms is negative")
	}
	for _, m := range c.Modules {
		if !strings.HasPrefix(m, "/") {
			return errors.New("module path " + strconv.Quote(m) + " is not absolute")
		}
	}
	for _, s := range c.Sysctls {
		if !isSysctlKey(s.Key) {
			return errors.New("sysctl " + strconv.Quote(s.Key) + " is not a kernel parameter name like net.ipv4.ip_forward")
		}
	}
	for _, e := range c.Exec.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return errors.New("environment entry " + strconv.Quote(e) + " is not K=V")
		}
	}
	for _, s := range c.Clock.NTP {
		if s == "" || strings.ContainsAny(s, " /") {
			return errors.New("NTP server " + strconv.Quote(s) + " is not a host or host:port")
		}
	}
	if _, err := Capabilities(c.Capabilities); err != nil {
		return err
	}
	if c.Network != nil {
		return c.Network.Validate()
	}
	return nil
}

// The checks below are written out rather than as regular expressions:
// the init imports this package, and package regexp costs it ~270 KB.

// isSysctlKey accepts dotted kernel parameter names (net.ipv4.ip_forward,
// net.ipv4.conf.eth0.rp_filter), never a path.
func isSysctlKey(k string) bool {
	parts := strings.Split(k, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || p == ".." {
			return false
		}
		for _, r := range p {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				return false
			}
		}
	}
	return true
}

// IsSize accepts a tmpfs size: digits, then one of k, m, g or %.
func IsSize(s string) bool {
	digits := strings.TrimRight(s, "kmgKMG%")
	if len(s)-len(digits) > 1 || digits == "" {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
