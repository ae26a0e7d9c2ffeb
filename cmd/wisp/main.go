// Command wisp turns one static binary and a board name into a bootable
// appliance in which that binary is the only process. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"

	"github.com/wispboot/wisp/internal/cleanup"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/limits"
)

// version is set by the Makefile (-X main.version=…).
var version = "dev"

// memoryLimit is the Go heap's soft limit unless GOMEMLIMIT says
// otherwise. wisp streams, so its live heap is small, but garbage from
// decompressing a kernel package piles up between collections; the limit
// keeps base import's RSS down at no cost in time. Under the limit the
// collector does not run at all unless GOGC says otherwise: a build
// allocates a few tens of MB and exits, and collections (their assists)
// were a fifth of a warm build. A larger live heap (a huge binary) only
// makes the collector run more often. Figures: docs/design.md, "Fast
// paths" ("A soft heap limit").
const memoryLimit = 64 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(-1)
		}
	}
	// WISP_CPUPROFILE=FILE writes a CPU profile of the command (for
	// finding where build time goes; see BENCHMARKS.md).
	if f := os.Getenv("WISP_CPUPROFILE"); f != "" {
		if out, err := os.Create(f); err == nil {
			pprof.StartCPUProfile(out)
			defer pprof.StopCPUProfile()
		}
	}
	ctx, stop := interruptible(context.Background(), os.Stderr)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if code != 0 {
		pprof.StopCPUProfile()
		os.Exit(code)
	}
}

// interruptible returns a context that the first Ctrl-C (or SIGTERM)
// cancels: every phase of a command checks it and stops, removing what it
// wrote. A second one exits at once, after removing the temporary files
// the command made outside the store (cleanup.Run); the store's own are
// swept when it is next opened. stop ends the watch.
func interruptible(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		select {
		case <-sigs:
		case <-done:
			return
		}
		reporting.Lock()
		if reporting.done {
			reporting.Unlock()
			return // the command has ended and is saying so
		}
		cleanup.Run()
		fmt.Fprintln(stderr, "wisp: interrupted twice: stopped at once")
		os.Exit(130)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

// reporting makes either the command or a second Ctrl-C, never both, say
// how the command ended.
var reporting struct {
	sync.Mutex
	done bool
}

// execute runs one command line and returns the exit status. Errors are
// printed one line each, prefixed with "wisp: ".
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if err := epoch.Check(); err != nil {
		fmt.Fprintln(stderr, "wisp: "+limits.Text(err.Error(), 4096))
		return 1
	}
	root, g := newRoot()
	g.progress = &progress{w: stderr}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	g.progress.wait()
	g.close()
	reporting.Lock()
	defer reporting.Unlock()
	reporting.done = true
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(stderr, "wisp: interrupted: nothing was left half-written")
		return 130
	}
	if err != nil {
		// Errors quote outside input (file names, labels, registry
		// messages): each line is printed without control characters.
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "wisp: "+limits.Text(line, 4096))
		}
		return 1
	}
	return 0
}
