package main

import (
	"errors"
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
	noexec                 bool         // MS_NOEXEC unless config.TmpExec
	then                   func() error // run once mounted, if set
}

// mounts is the filesystem layout of an appliance, parents before
// children. Flags and options follow systemd's mount_table
// (src/shared/mount-setup.c): nothing executable or device-bearing where
// it is not needed. /dev/pts has no tty group to give ptys to, so it keeps
// the kernel's defaults apart from a usable /dev/ptmx. Unlike systemd,
// /dev, /run and /tmp are noexec too (config.TmpExec lifts it): the app
// is in the initramfs, and nothing it writes should run.
var mounts = []mount{
	{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", false, false, nil},
	{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", false, false, nil},
	{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755", false, true, reopenConsole},
	{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "mode=0620,ptmxmode=0666", false, false, nil},
	{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755", false, true, nil},
	{"tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777", true, true, nil},
}

// mountAll is the mount step. Once /dev, /proc and /sys are there, the
// init's lines also go to the kernel log.
func mountAll(b *boot) (string, error) {
	for _, m := range mounts {
		if err := mkdirAll(m.target); err != nil {
			return "", err
		}
		data := mountData(m, b.cfg.TmpSize)
		if err := unix.Mount(m.source, m.target, m.fstype, mountFlags(m, b.cfg.TmpExec), data); err != nil {
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

// mountFlags are m's flags, with MS_NOEXEC unless exec is allowed.
func mountFlags(m mount, exec bool) uintptr {
	if m.noexec && !exec {
		return m.flags | unix.MS_NOEXEC
	}
	return m.flags
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

// readOnly are the parts of /proc that stay read-only for the app, as
// container runtimes keep them: the kernel's parameters, set by the
// sysctl step, and the magic SysRq trigger. A uid-0 app could write them
// otherwise (they belong to root, and no capability is needed).
var readOnly = []string{"/proc/sys", "/proc/sysrq-trigger"}

// protect is the protect step: it bind-mounts each of readOnly onto
// itself and makes the bind read-only. It runs after the sysctl step. A
// kernel without one of them (no CONFIG_MAGIC_SYSRQ) has nothing to
// protect there.
func protect(*boot) (string, error) {
	detail := ""
	for _, p := range readOnly {
		err := unix.Mount(p, p, "", unix.MS_BIND, "")
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return "", errs.Wrap("binding "+p, err)
		}
		if err := unix.Mount("", p, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return "", errs.Wrap("making "+p+" read-only", err)
		}
		if detail != "" {
			detail += ", "
		}
		detail += p
	}
	return detail + " read-only", nil
}
