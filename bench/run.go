package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// step is one command to run and time.
type step struct {
	name    string
	args    []string
	dir     string   // working directory; "" is the harness's
	env     []string // added to the harness's environment
	timeout time.Duration
	stdin   io.Reader // nil is /dev/null
}

// result is what running a step gives: its wall time, its peak RSS and
// its output.
type result struct {
	sample
	stdout, stderr []byte
}

// command prepares s: its own process group, so that a timeout or the
// harness's end kills a whole pipeline, and SIGKILL if the harness dies.
func command(ctx context.Context, s step) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.name, s.args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), s.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs s to its end and times it from start to exit. It first writes
// back dirty pages (sync, not timed), so that no measurement pays for the
// writeback of what the one before wrote.
func run(ctx context.Context, s step) (result, error) {
	syscall.Sync()
	if s.timeout == 0 {
		s.timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	measured, rssFile := underTime(s)
	cmd := command(ctx, measured)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &stdout, &stderr, s.stdin
	start := time.Now()
	err := cmd.Run()
	r := result{sample: sample{wall: time.Since(start), rss: maxRSS(cmd.ProcessState, rssFile)}, stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after %s", s.timeout)
		}
		return r, fmt.Errorf("%s: %w%s", s, err, tail(stderr.Bytes(), stdout.Bytes()))
	}
	return r, nil
}

// String is the command line, shortened to its program and first
// arguments, for error messages.
func (s step) String() string {
	words := append([]string{s.name}, s.args...)
	line := strings.Join(words, " ")
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	return line
}

// timeBin is GNU time, which the harness measures peak RSS with: the
// kernel gives a child started by a Go program's vfork the larger of its
// own and the parent's high-water mark (exec_mmap records the old mm's),
// so ru_maxrss read here would count the harness; GNU time forks a small
// process of its own. "" if it is not installed (scripts/deps installs it).
var timeBin, _ = exec.LookPath("time")

// underTime returns s run under GNU time, writing the peak RSS (KiB) to
// the returned file; s itself and "" without GNU time.
func underTime(s step) (step, string) {
	if timeBin == "" {
		return s, ""
	}
	f, err := os.CreateTemp("", "bench-rss-*")
	if err != nil {
		return s, ""
	}
	f.Close()
	s.args = append([]string{"-f", "%M", "-o", f.Name(), s.name}, s.args...)
	s.name = timeBin
	return s, f.Name()
}

// maxRSS is the process's peak resident set in KiB: GNU time's figure
// (the largest of the process and the children it waited for), else
// ru_maxrss, which may include the harness's own.
func maxRSS(ps *os.ProcessState, rssFile string) int64 {
	if rssFile != "" {
		b, err := os.ReadFile(rssFile)
		os.Remove(rssFile)
		if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
			if kib, err := strconv.ParseInt(f[len(f)-1], 10, 64); err == nil {
				return kib
			}
		}
	}
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// tail returns the last lines of a failed command's output, for its error.
func tail(outs ...[]byte) string {
	var lines []string
	for _, o := range outs {
		for _, l := range strings.Split(strings.TrimSpace(string(o)), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
	}
	if len(lines) == 0 {
		return ""
	}
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return ": " + strings.Join(lines, " / ")
}

// sh is a step running a shell pipeline in dir.
func sh(dir, script string, timeout time.Duration) step {
	return step{name: "sh", args: []string{"-ec", script}, dir: dir, timeout: timeout}
}

// quote makes s one word for sh.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
