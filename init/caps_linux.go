package main

import (
	"strconv"
	"strings"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// capLastCap holds the highest capability number the running kernel knows
// (proc(5)); /proc is mounted by the mount step.
const capLastCap = "/proc/sys/kernel/cap_last_cap"

func lastCap() (int, error) {
	s, err := readFile(capLastCap)
	if err != nil {
		return 0, err
	}
	last, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errs.Wrap("parsing "+capLastCap, err)
	}
	return last, nil
}

// dropBounding removes caps from the calling thread's bounding set, so
// that no execve can grant them again. It needs CAP_SETPCAP.
func dropBounding(caps []int) error {
	for _, c := range caps {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			return errs.Wrap("dropping capability "+strconv.Itoa(c)+" from the bounding set", err)
		}
	}
	return nil
}

// clearAmbient empties the calling thread's ambient capability set.
func clearAmbient() error {
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return errs.Wrap("clearing ambient capabilities", err)
	}
	return nil
}

// setCaps makes the calling thread's effective and permitted sets
// effPerm and its inheritable set inh. It can only lower the permitted
// set.
func setCaps(effPerm, inh [2]uint32) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	for i := range effPerm {
		data[i] = unix.CapUserData{Effective: effPerm[i], Permitted: effPerm[i], Inheritable: inh[i]}
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return errs.Wrap("setting capabilities", err)
	}
	return nil
}

// raiseAmbient adds caps to the calling thread's ambient set; each must
// be permitted and inheritable.
func raiseAmbient(caps []int) error {
	for _, c := range caps {
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(c), 0, 0); err != nil {
			return errs.Wrap("raising ambient capability "+strconv.Itoa(c), err)
		}
	}
	return nil
}

// lockedSecurebits are the securebits (include/uapi/linux/securebits.h)
// every app runs with, each locked: uid 0 is given no capabilities by
// execve (NOROOT), a change of uid does not raise or clear capabilities
// (NO_SETUID_FIXUP), capabilities are not kept across a change from
// uid 0 (KEEP_CAPS off), and no ambient capability can be raised
// (NO_CAP_AMBIENT_RAISE).
const lockedSecurebits = 1<<0 | 1<<1 | // SECBIT_NOROOT, _LOCKED
	1<<2 | 1<<3 | // SECBIT_NO_SETUID_FIXUP, _LOCKED
	1<<5 | // SECBIT_KEEP_CAPS_LOCKED (and KEEP_CAPS, bit 4, off)
	1<<6 | 1<<7 // SECBIT_NO_CAP_AMBIENT_RAISE, _LOCKED

// lockSecurebits sets lockedSecurebits; it needs CAP_SETPCAP.
func lockSecurebits() error {
	if err := unix.Prctl(unix.PR_SET_SECUREBITS, lockedSecurebits, 0, 0, 0); err != nil {
		return errs.Wrap("locking the securebits", err)
	}
	return nil
}

// keepCaps sets PR_SET_KEEPCAPS: whether the permitted set survives a
// change from uid 0.
func keepCaps(on bool) error {
	v := uintptr(0)
	if on {
		v = 1
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, v, 0, 0, 0); err != nil {
		return errs.Wrap("setting keepcaps to "+strconv.FormatUint(uint64(v), 10), err)
	}
	return nil
}
