package main

import (
	"os"
	"runtime"
)

// init runs before main on the main thread: locking it there keeps main,
// and so the drop and exec steps, on one OS thread, whose credentials
// the binary inherits.
func init() { runtime.LockOSThread() }

// steps is the boot sequence, in order.
var steps = []step{
	{"mount", mountAll},
	{"config", readConfig},
	{"modules", loadModules},
	{"hostname", setHostname},
	{"network", setupNetwork},
	{"resolv", writeResolv},
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
