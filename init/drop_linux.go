package main

import (
	"fmt"
	"math"
	"syscall"

	"golang.org/x/sys/unix"
)

// dropPrivileges is the drop step. It acts on the calling thread, which
// must be the one that execs: capabilities and no_new_privs are per
// thread, hence the runtime.LockOSThread in init. The ids are changed
// with package syscall, which applies them to every thread of the process.
//
// The order matters: the bounding set can only be emptied while still
// root (CAP_SETPCAP), and the final capset clears what the uid change
// leaves (the inheritable set).
func dropPrivileges(b *boot) (string, error) {
	u := b.cfg.User
	if u.UID == math.MaxUint32 || u.GID == math.MaxUint32 {
		return "", fmt.Errorf("user %d:%d: -1 is not an id", u.UID, u.GID)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return "", fmt.Errorf("setting no_new_privs: %w", err)
	}
	if err := dropBounding(); err != nil {
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
	if err := clearCaps(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d, no capabilities, no_new_privs", uid, gid), nil
}
