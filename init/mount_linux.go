package main

import (
	"strconv"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// A mount is one filesystem the init mounts, in table order.
type mount struct {
	source, target, fstype string
	flags                  uintptr
	data                   string
	sized                  bool         // takes config.TmpSize as its size= option
	then                   func() error // run once mounted, if set
}

// mounts is the filesystem layout of an appliance, parents before
// children. Flags and options follow systemd's mount_table
// (src/shared/mount-setup.c): nothing executable or device-bearing where
// it is not needed. /dev/pts has no tty group to give ptys to, so it keeps
// the kernel's defaults apart from a usable /dev/ptmx.
var mounts = []mount{
	{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", false, nil},
	{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", false, nil},
	{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755", false, reopenConsole},
	{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "mode=0620,ptmxmode=0666", false, nil},
	{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755", false, nil},
	{"tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777", true, nil},
}

// mountAll is the mount step. Once /dev, /proc and /sys are there, the
// init's lines also go to the kernel log.
func mountAll(b *boot) (string, error) {
	for _, m := range mounts {
		if err := mkdirAll(m.target); err != nil {
			return "", err
		}
		data := mountData(m, b.cfg.TmpSize)
		if err := unix.Mount(m.source, m.target, m.fstype, m.flags, data); err != nil {
			return "", errs.Wrap("mounting "+m.fstype+" on "+m.target+" ("+data+")", err)
		}
		if m.then == nil {
			continue
		}
		if err := m.then(); err != nil {
			return "", err
		}
	}
	b.klog = &kmsg{}
	detail := strconv.Itoa(len(mounts)) + " filesystems"
	if b.cfg.TmpSize != "" {
		detail += ", /tmp size=" + b.cfg.TmpSize
	}
	return detail, nil
}

// mountData is m's option string, with size= for a sized mount when the
// config gives a size.
func mountData(m mount, size string) string {
	if !m.sized || size == "" {
		return m.data
	}
	if m.data == "" {
		return "size=" + size
	}
	return m.data + ",size=" + size
}
