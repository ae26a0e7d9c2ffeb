package main

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// capLastCap holds the highest capability number the running kernel knows
// (proc(5)); /proc is mounted by the mount step.
const capLastCap = "/proc/sys/kernel/cap_last_cap"

// dropBounding empties the calling thread's capability bounding set, so
// that no execve can grant a capability again. It needs CAP_SETPCAP.
func dropBounding() error {
	s, err := readFile(capLastCap)
	if err != nil {
		return err
	}
	last, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("parsing %s: %w", capLastCap, err)
	}
	for c := 0; c <= last; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			return fmt.Errorf("dropping capability %d from the bounding set: %w", c, err)
		}
	}
	return nil
}

// clearAmbient empties the calling thread's ambient capability set.
func clearAmbient() error {
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("clearing ambient capabilities: %w", err)
	}
	return nil
}

// clearCaps empties the calling thread's effective, permitted and
// inheritable sets. A uid change away from 0 clears the first two, not
// the inheritable set.
func clearCaps() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData // version 3: two 32-bit words per set
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("clearing capabilities: %w", err)
	}
	return nil
}
