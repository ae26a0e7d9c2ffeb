package main

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// execBinary is the exec step: the binary replaces the init as PID 1. It
// returns only on failure.
func execBinary(b *boot) (string, error) {
	e, u := b.cfg.Exec, b.cfg.User
	now := sinceBoot()
	b.logf(prioInfo, "exec %s as %d:%d (init took %s, up %s)", e.Path, u.UID, u.GID,
		strings.TrimSpace(duration(now-b.start)), strings.TrimSpace(duration(now)))
	err := syscall.Exec(e.Path, e.Args, e.Env)
	if errors.Is(err, syscall.ENOENT) {
		var st unix.Stat_t
		if unix.Stat(e.Path, &st) == nil {
			// The file is there: its ELF interpreter is not.
			return "", fmt.Errorf("executing %s: %w (is it dynamically linked? wisp needs a static binary)", e.Path, err)
		}
	}
	return "", fmt.Errorf("executing %s: %w", e.Path, err)
}
