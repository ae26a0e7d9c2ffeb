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
type kmsg struct{}

var _ kernelLog = kmsg{}

func (kmsg) log(prio int, line string) bool {
	fd, err := unix.Open(kmsgDevice, unix.O_WRONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	_, err = unix.Write(fd, kmsgRecord(prio, line))
	unix.Close(fd)
	if err != nil {
		return false
	}
	// Read at every line: a sysctl step may change kernel.printk.
	levels, _ := readFile(printkLevels)
	ignore, _ := readFile(ignoreLoglevel)
	return kernelPrints(prio, consoleLoglevel(levels), strings.TrimSpace(ignore) == "Y")
}
