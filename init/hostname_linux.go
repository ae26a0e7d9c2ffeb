package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// setHostname is the hostname step.
func setHostname(b *boot) (string, error) {
	name := b.cfg.Hostname
	if name == "" {
		return "", skipped("no hostname in config")
	}
	if err := unix.Sethostname([]byte(name)); err != nil {
		return "", fmt.Errorf("setting hostname %q: %w", name, err)
	}
	return name, nil
}
