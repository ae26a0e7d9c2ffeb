package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// measureInterrupt is the Ctrl-C section: how long wisp takes to exit
// after one SIGINT, sent at several moments of its longest commands
// (importing the Debian amd64 kernel, cold builds that cut the modules
// and write a disk image), and whether it left anything behind.
func measureInterrupt(ctx context.Context, e *env, m *md) error {
	m.p("Each command is started, sent one SIGINT after the delay, and timed from the signal to its exit. " +
		"The goal is at most 1 s whatever the phase; a row says whether the command exited with 130 and " +
		"left its output directory and its store's `tmp/` empty.")
	type cmd struct {
		what   string
		args   func(run int) ([]string, string, string) // wisp args, its store, its --out
		delays []time.Duration
	}
	amd64, pi4 := boards["qemu-amd64"], boards["pi4"]
	kdeb, err := e.deb(ctx, "amd64")
	if err != nil {
		return err
	}
	app, err := e.plainApp(ctx, "amd64")
	if err != nil {
		return err
	}
	armApp, err := e.plainApp(ctx, "arm64")
	if err != nil {
		return err
	}
	amd64Store, err := e.base(ctx, amd64)
	if err != nil {
		return err
	}
	pi4Store, err := e.base(ctx, pi4)
	if err != nil {
		return err
	}
	// A cold build: the store without its memos, so the modules are cut
	// and the segments made again.
	coldStore := func(store string) string {
		os.RemoveAll(filepath.Join(store, "memo"))
		return store
	}
	cmds := []cmd{
		{"`wisp base import` qemu-amd64", func(run int) ([]string, string, string) {
			store := filepath.Join(e.tmp, fmt.Sprintf("int-import-%d", run))
			return []string{"--cache", store, "base", "import", "--target", "qemu-amd64", "--kernel-deb", kdeb}, store, ""
		}, []time.Duration{500 * time.Millisecond, 2 * time.Second, 5 * time.Second}},
		{"cold `wisp build` qemu-amd64", func(run int) ([]string, string, string) {
			store, out := coldStore(amd64Store), filepath.Join(e.tmp, fmt.Sprintf("int-out-amd64-%d", run))
			return append(amd64.buildArgs(store, app), "--out", out), store, out
		}, []time.Duration{200 * time.Millisecond, 700 * time.Millisecond, 1500 * time.Millisecond}},
		{"cold `wisp build` pi4", func(run int) ([]string, string, string) {
			store, out := coldStore(pi4Store), filepath.Join(e.tmp, fmt.Sprintf("int-out-pi4-%d", run))
			return append(pi4.buildArgs(store, armApp), "--out", out), store, out
		}, []time.Duration{200 * time.Millisecond, 700 * time.Millisecond, 1500 * time.Millisecond}},
	}
	var rows [][]string
	n := 0
	for _, c := range cmds {
		for _, d := range c.delays {
			var worst time.Duration
			note := ""
			for i := range e.runs {
				n++
				args, store, out := c.args(n)
				lat, code, finished, err := interruptAfter(ctx, e.wisp, args, d)
				switch {
				case err != nil:
					return err
				case finished:
					note = "finished before the signal"
					continue
				case code != 130:
					note = fmt.Sprintf("exit %d", code)
				}
				if left := leftovers(store, out); left != "" {
					note = "left " + left
				}
				worst = max(worst, lat)
				e.logf("interrupt: %s after %s, run %d: %s", c.what, d, i, secs(lat))
			}
			if note == "" {
				note = "130, nothing left"
			}
			rows = append(rows, []string{c.what, secs(d), secs(worst), note})
		}
	}
	m.table([]string{"command", "SIGINT after", "exit after the signal (slowest run)", "result"}, rows)
	return nil
}

// interruptAfter starts wisp, sends SIGINT after d and times the exit.
func interruptAfter(ctx context.Context, wisp string, args []string, d time.Duration) (lat time.Duration, code int, finished bool, err error) {
	cmd := command(ctx, step{name: wisp, args: args})
	if err := cmd.Start(); err != nil {
		return 0, 0, false, err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		return 0, cmd.ProcessState.ExitCode(), true, nil
	case <-time.After(d):
	}
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		return 0, 0, false, fmt.Errorf("%v: no exit within a minute of SIGINT", args)
	}
	return time.Since(sent), cmd.ProcessState.ExitCode(), false, nil
}

// leftovers names what an interrupted command left in its store's tmp/
// or its output directory.
func leftovers(store, out string) string {
	for _, dir := range []string{filepath.Join(store, "tmp"), out} {
		if dir == "" {
			continue
		}
		if ents, _ := os.ReadDir(dir); len(ents) > 0 {
			return fmt.Sprintf("%d files in %s", len(ents), dir)
		}
	}
	return ""
}
