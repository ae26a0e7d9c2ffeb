package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// A mount is one filesystem the init mounts, in table order.
type mount struct {
	source, target, fstype string
	flags                  uintptr
	data                   string
	then                   func() error // run once mounted, if set
}

// mounts is the filesystem layout of an appliance, parents before
// children. Flags and options follow systemd's mount_table
// (src/shared/mount-setup.c): nothing executable or device-bearing where
// it is not needed. /dev/pts has no tty group to give ptys to, so it keeps
// the kernel's defaults apart from a usable /dev/ptmx.
var mounts = []mount{
	{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", nil},
	{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", nil},
	{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755", reopenConsole},
	{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "mode=0620,ptmxmode=0666", nil},
	{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755", nil},
	{"tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777", nil},
}

// mountAll is the mount step.
func mountAll(b *boot) (string, error) {
	for _, m := range mounts {
		if err := mkdirAll(m.target); err != nil {
			return "", err
		}
		if err := unix.Mount(m.source, m.target, m.fstype, m.flags, m.data); err != nil {
			return "", fmt.Errorf("mounting %s on %s: %w", m.fstype, m.target, err)
		}
		if m.then == nil {
			continue
		}
		if err := m.then(); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d filesystems", len(mounts)), nil
}
