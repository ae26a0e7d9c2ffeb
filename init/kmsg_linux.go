package main

import (
	"strings"

	"golang.org/x/sys/unix"
)

// Where the kernel log and the console's log level are (the mount step
// provides /dev, /proc and /sys).
const (
	kmsgDevice     = "/dev/kmsg"
	printkLevels   = "/proc/sys/kernel/printk"
	ignoreLoglevel = "/sys/module/printk/parameters/ignore_loglevel"
)

// kmsg is the kernel log, /dev/kmsg (Documentation/ABI/testing/dev-kmsg).
//
// Each line opens the device anew: the kernel rate-limits writes per open
// file (10 lines per 5 s unless printk.devkmsg=on), which a whole boot's
// lines would exceed, dropping the last ones — the failures.
//
// The console's log level is read at the first line and kept until
// reread: reading its two files at every line was a measurable part of
// the init's time under TCG (bench/notes.md).
type kmsg struct {
	known  bool // level and ignore are read
	level  int  // console_loglevel
	ignore bool // printk.ignore_loglevel
}

var _ kernelLog = (*kmsg)(nil)

func (k *kmsg) log(prio int, line string) bool {
	fd, err := unix.Open(kmsgDevice, unix.O_WRONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	_, err = unix.Write(fd, kmsgRecord(prio, line))
	unix.Close(fd)
	if err != nil {
		return false
	}
	if !k.known {
		levels, _ := readFile(printkLevels)
		ignore, _ := readFile(ignoreLoglevel)
		k.level, k.ignore, k.known = consoleLoglevel(levels), strings.TrimSpace(ignore) == "Y", true
	}
	return kernelPrints(prio, k.level, k.ignore)
}

// reread makes the next line read the console's log level again.
func (k *kmsg) reread() { k.known = false }
