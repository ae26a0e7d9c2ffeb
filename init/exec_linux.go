package main

import (
	"errors"
	"strings"
	"syscall"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// execBinary is the exec step: the binary replaces the init as PID 1. It
// returns only on failure.
func execBinary(b *boot) (string, error) {
	e, u := b.cfg.Exec, b.cfg.User
	now := sinceBoot()
	b.log(prioInfo, "exec "+e.Path+" as "+formatID(u.UID)+":"+formatID(u.GID)+
		" (init took "+strings.TrimSpace(duration(now-b.start))+", up "+strings.TrimSpace(duration(now))+")")
	err := syscall.Exec(e.Path, e.Args, e.Env)
	if errors.Is(err, syscall.ENOENT) {
		var st unix.Stat_t
		if unix.Stat(e.Path, &st) == nil {
			// The file is there: its ELF interpreter is not.
			return "", errs.WithMessage("executing "+e.Path+": "+err.Error()+" (is it dynamically linked? wisp needs a static binary)", err)
		}
	}
	return "", errs.Wrap("executing "+e.Path, err)
}
