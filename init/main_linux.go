package main

import (
	"os"
	"runtime"
)

// init runs before main on the main thread: locking it there keeps main,
// and so the drop and exec steps, on one OS thread, whose credentials
// the binary inherits.
func init() { runtime.LockOSThread() }

// steps is the boot sequence, in order. The config comes first, as the
// mounts depend on it (the size of /tmp); it needs nothing mounted.
var steps = []step{
	{"config", readConfig},
	{"mount", mountAll},
	{"modules", loadModules},
	{"sysctl", setSysctls},
	{"protect", protect},
	{"clock", clockFloor},
	{"hostname", setHostname},
	{"network", setupNetwork},
	{"dhcp", runDHCP},
	{"resolv", writeResolv},
	{"ntp", syncClock},
	{"drop", dropPrivileges},
	{"exec", execBinary},
}

func main() {
	b := &boot{start: sinceBoot(), out: os.Stdout}
	// The exec step does not return when it works: run returns only after
	// a step failed, and logged it.
	runner{now: sinceBoot}.run(b, steps)
	drainConsole()
	os.Exit(1)
}
