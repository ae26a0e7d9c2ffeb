package main

import (
	"fmt"
	"math"
	"strings"
	"syscall"

	"github.com/wispboot/wisp/config"
	"golang.org/x/sys/unix"
)

// dropPrivileges is the drop step. It acts on the calling thread, which
// must be the one that execs: capabilities, keepcaps and no_new_privs are
// per thread, hence the runtime.LockOSThread in init. The ids are changed
// with package syscall, which applies them to every thread of the process.
//
// The order matters: the bounding set can only be lowered while still
// root (CAP_SETPCAP); keepcaps keeps the permitted set across the change
// from uid 0, which clears the effective one; capset then leaves exactly
// the kept capabilities in the effective, permitted and inheritable sets,
// and raising them as ambient capabilities carries them across the
// execve of a binary without file capabilities. Every other capability is
// gone from every set, the bounding set included.
func dropPrivileges(b *boot) (string, error) {
	u := b.cfg.User
	if u.UID == math.MaxUint32 || u.GID == math.MaxUint32 {
		return "", fmt.Errorf("user %d:%d: -1 is not an id", u.UID, u.GID)
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
		return "", fmt.Errorf("setting no_new_privs: %w", err)
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
	if err := syscall.Setgroups(nil); err != nil {
		return "", fmt.Errorf("clearing supplementary groups: %w", err)
	}
	gid, uid := int(u.GID), int(u.UID)
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return "", fmt.Errorf("setting gid %d: %w", gid, err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return "", fmt.Errorf("setting uid %d: %w", uid, err)
	}
	if err := setCaps(plan.sets); err != nil {
		return "", err
	}
	if err := raiseAmbient(plan.keep); err != nil {
		return "", err
	}
	if err := keepCaps(false); err != nil {
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
	return fmt.Sprintf("%d:%d, %s, no_new_privs", uid, gid, caps), nil
}
