package main

import (
	"strconv"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// setHostname is the hostname step.
func setHostname(b *boot) (string, error) {
	name := b.cfg.Hostname
	if name == "" {
		return "", skipped("no hostname in config")
	}
	if err := unix.Sethostname([]byte(name)); err != nil {
		return "", errs.Wrap("setting hostname "+strconv.Quote(name), err)
	}
	return name, nil
}
