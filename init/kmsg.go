package main

import (
	"strconv"
	"strings"
)

// kernelPrints reports whether the kernel prints a message of priority
// prio on the console itself: when its level is below console_loglevel
// (the first field of /proc/sys/kernel/printk; `quiet` makes it 4, the
// default is 7), or always with the ignore_loglevel parameter
// (kernel/printk/printk.c, suppress_message_printing). An unknown level
// (0) prints nothing, so the init writes the line itself.
func kernelPrints(prio, consoleLevel int, ignoreLoglevel bool) bool {
	return ignoreLoglevel || prio < consoleLevel
}

// consoleLoglevel parses /proc/sys/kernel/printk ("4\t4\t1\t7\n"); 0 when
// it cannot.
func consoleLoglevel(printk string) int {
	f := strings.Fields(printk)
	if len(f) == 0 {
		return 0
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return 0
	}
	return n
}

// kmsgRecord is what a write to /dev/kmsg takes: "<prio>" and the line.
// The facility stays the kernel's default for /dev/kmsg, LOG_USER.
func kmsgRecord(prio int, line string) []byte {
	return []byte("<" + strconv.Itoa(prio) + ">" + line + "\n")
}
