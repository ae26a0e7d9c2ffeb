package main

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// dropPrivileges is the drop step. It acts on the calling thread, which
// must be the one that execs: capabilities, keepcaps and no_new_privs are
// per thread, hence the runtime.LockOSThread in init. So are the ids, to
// the kernel: they are changed on this thread only (package syscall would
// stop every thread of the process to change them on each, which is
// slow under TCG: bench/notes.md). The other threads are the Go runtime's, run no code of ours, and
// end at the execve; the binary gets this thread's credentials.
//
// The order matters: the bounding set can only be lowered while still
// root (CAP_SETPCAP); keepcaps keeps the permitted set across the change
// from uid 0, which clears the effective one; capset then leaves exactly
// the kept capabilities in the effective, permitted and inheritable sets,
// and raising them as ambient capabilities carries them across the
// execve of a binary without file capabilities. Every other capability is
// gone from every set, the bounding set included. CAP_SETPCAP stays in the
// effective set just long enough to lock the securebits (lockedSecurebits),
// after the ambient capabilities are raised: from then on no execve, no
// change of uid (not to 0 either) can give the app a capability more.
func dropPrivileges(b *boot) (string, error) {
	u := b.cfg.User
	if u.UID == math.MaxUint32 || u.GID == math.MaxUint32 {
		return "", errors.New("user " + formatID(u.UID) + ":" + formatID(u.GID) + ": -1 is not an id")
	}
	kept, err := config.Capabilities(b.cfg.Capabilities)
	if err != nil {
		return "", err
	}
	last, err := lastCap()
	if err != nil {
		return "", err
	}
	plan, err := planCaps(kept, last)
	if err != nil {
		return "", err
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return "", errs.Wrap("setting no_new_privs", err)
	}
	if err := keepCaps(true); err != nil {
		return "", err
	}
	if err := dropBounding(plan.drop); err != nil {
		return "", err
	}
	if err := clearAmbient(); err != nil {
		return "", err
	}
	if err := threadSyscall(unix.SYS_SETGROUPS, 0, 0, 0); err != nil {
		return "", errs.Wrap("clearing supplementary groups", err)
	}
	gid, uid := uintptr(u.GID), uintptr(u.UID)
	if err := threadSyscall(unix.SYS_SETRESGID, gid, gid, gid); err != nil {
		return "", errs.Wrap("setting gid "+formatID(u.GID), err)
	}
	if err := threadSyscall(unix.SYS_SETRESUID, uid, uid, uid); err != nil {
		return "", errs.Wrap("setting uid "+formatID(u.UID), err)
	}
	withSetpcap := plan.sets
	withSetpcap[unix.CAP_SETPCAP/32] |= 1 << (unix.CAP_SETPCAP % 32)
	if err := setCaps(withSetpcap, plan.sets); err != nil {
		return "", err
	}
	if err := raiseAmbient(plan.keep); err != nil {
		return "", err
	}
	if err := lockSecurebits(); err != nil { // keepcaps goes off too
		return "", err
	}
	if err := setCaps(plan.sets, plan.sets); err != nil {
		return "", err
	}
	caps := "no capabilities"
	if len(plan.keep) > 0 {
		var names []string
		for _, c := range b.cfg.Capabilities {
			n, _ := config.CapabilityName(c)
			names = append(names, n)
		}
		caps = strings.Join(names, " ") + " (ambient)"
	}
	return formatID(u.UID) + ":" + formatID(u.GID) + ", " + caps + ", no_new_privs, securebits locked", nil
}

// formatID formats a uid or gid for a message.
func formatID(id uint32) string { return strconv.FormatUint(uint64(id), 10) }

// threadSyscall makes a credentials system call for the calling thread
// only.
func threadSyscall(trap, a1, a2, a3 uintptr) error {
	if _, _, e := unix.RawSyscall(trap, a1, a2, a3); e != 0 {
		return e
	}
	return nil
}
