package compose

import (
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/internal/settings"
)

// Defaults are what the binary's image config says of running it; the
// zero value is a binary from a file, which says nothing.
type Defaults struct {
	From string   // the image reference, for messages
	Args []string // after argv[0]
	Env  []string
	User string // the image config's User, verbatim
}

// Config is the appliance's config.json: the settings, over what the
// binary's image says (d), over wisp's defaults. The binary is installed
// at dest; load are the modules to load, in order. Warnings (a binary
// that will run as root) go to warn, which may be nil.
func Config(p *boards.Profile, s *settings.Settings, d Defaults, dest string, load []string, warn io.Writer) (*config.Config, error) {
	if warn == nil {
		warn = io.Discard
	}
	host := s.Hostname
	if host == "" {
		host = p.Name
	}
	network, err := s.Network(p.Network.Interface)
	if err != nil {
		return nil, err
	}
	user := config.Nobody
	args := s.Args
	if args == nil {
		args = d.Args
	}
	env := mergeEnv(d.Env, s.Env)
	if d.User != "" {
		u, err := config.ParseUser(d.User)
		if err != nil {
			return nil, fmt.Errorf("binary %s: its config says User %q, which is not numeric: pass --user UID:GID", d.From, d.User)
		}
		if u.UID != 0 {
			user = u
		} else if s.User == "" {
			fmt.Fprintf(warn, "warning: the image %s runs as root; the appliance runs it as %d:%d (say --user 0:0 to keep root, which is discouraged)\n", d.From, user.UID, user.GID)
		}
	}
	if s.User != "" {
		if user, err = config.ParseUser(s.User); err != nil {
			return nil, fmt.Errorf("--user: %w", err)
		}
		if user.UID == 0 {
			fmt.Fprintln(warn, "warning: the binary will run as root (--user 0:0); an appliance's one process rarely needs to, and --cap can grant single privileges instead")
		}
	}
	var caps []string
	for _, c := range s.Capabilities {
		name, err := config.CapabilityName(c)
		if err != nil {
			return nil, fmt.Errorf("--cap: %w", err)
		}
		caps = append(caps, name)
	}
	var sysctls []config.Sysctl
	for _, kv := range s.Sysctls {
		k, v, _ := strings.Cut(kv, "=")
		sysctls = append(sysctls, config.Sysctl{Key: k, Value: v})
	}
	return &config.Config{
		Version:      config.Version,
		Hostname:     host,
		Modules:      load,
		Sysctls:      config.WithHardening(sysctls),
		TmpSize:      s.TmpSize,
		TmpExec:      s.TmpExec,
		Network:      network,
		Clock:        config.Clock{Floor: ClockFloor(), NTP: s.NTP},
		User:         user,
		Capabilities: caps,
		Exec:         config.Exec{Path: dest, Args: append([]string{path.Base(dest)}, args...), Env: env},
	}, nil
}

// ClockFloor is the default earliest time of an appliance's clock, its
// build time: SOURCE_DATE_EPOCH when set (the reproducible-builds
// definition of build time), else the current day, midnight UTC, so that
// rebuilds on one day are identical, and certificates issued before the
// build are valid on boards without a real-time clock.
func ClockFloor() int64 {
	if t, ok := epoch.Set(); ok {
		return t.Unix()
	}
	return time.Now().UTC().Truncate(24 * time.Hour).Unix()
}

// mergeEnv returns base with the entries of over replacing those of the
// same name, in base's order, new names last.
func mergeEnv(base, over []string) []string {
	out := append([]string(nil), base...)
	for _, kv := range over {
		k, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, b := range out {
			if bk, _, _ := strings.Cut(b, "="); bk == k {
				out[i], replaced = kv, true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}
