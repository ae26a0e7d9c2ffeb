package main

import (
	"errors"
	"strconv"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// setSysctls is the sysctl step: each value written to its file, in
// order. It runs after the modules step, so that module parameters
// (net.netfilter.*, ...) exist.
func setSysctls(b *boot) (string, error) {
	ss := b.cfg.Sysctls
	if len(ss) == 0 {
		return "", skipped("no sysctls in config")
	}
	set, missing := 0, ""
	for _, s := range ss {
		path, err := sysctlPath(s.Key)
		if err != nil {
			return "", err
		}
		err = writeExisting(path, []byte(s.Value))
		switch {
		case s.Optional && errors.Is(err, unix.ENOENT):
			missing += " " + s.Key
			continue
		case err != nil:
			return "", errs.Wrap("setting "+s.Key+" to "+strconv.Quote(s.Value), err)
		}
		set++
	}
	if b.klog != nil {
		b.klog.reread() // kernel.printk may be among them
	}
	detail := strconv.Itoa(set) + " set"
	if missing != "" {
		detail += "; not in this kernel:" + missing
	}
	return detail, nil
}

// writeExisting writes data to a file that must exist, in one write, as
// /proc/sys files want.
func writeExisting(path string, data []byte) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return errs.Wrap("opening "+path, err)
	}
	_, err = unix.Write(fd, data)
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return errs.Wrap("writing "+path, err)
	}
	return nil
}
