package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// booted is one boot until the first HTTP reply.
type booted struct {
	elapsed  time.Duration // process start → first HTTP 200
	rss      int64         // KiB
	console  string
	qemuArgs []string // QEMU's command line, when asked for
}

// bootOnce starts s, polls url until it answers 200 (or limit passes, or
// the process exits), then stops the process with SIGTERM and returns
// what it printed. With findQEMU it also reads the command line of the
// QEMU process that s started.
func bootOnce(ctx context.Context, s step, url string, limit time.Duration, findQEMU bool) (booted, error) {
	ctx, cancel := context.WithTimeout(ctx, limit+time.Minute)
	defer cancel()
	cmd := command(ctx, s)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return booted{}, fmt.Errorf("%s: %w", s, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	pctx, pcancel := context.WithTimeout(ctx, limit)
	err := firstReply(pctx, url, done)
	pcancel()
	b := booted{elapsed: time.Since(start)}
	if err == nil && findQEMU {
		b.qemuArgs, err = qemuArgs(cmd.Process.Pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	// Not under GNU time (the harness signals wisp or QEMU and reads its
	// child's command line): ru_maxrss may include the harness's own RSS,
	// which QEMU's (over 200 MB) is far above.
	b.rss, b.console = maxRSS(cmd.ProcessState, ""), out.String()
	if err != nil {
		return b, fmt.Errorf("%s: %w%s", s, err, tail([]byte(b.console)))
	}
	return b, nil
}

// firstReply polls url every 50 ms, each attempt timing out after 300 ms:
// before the guest listens, QEMU's user networking accepts the connection
// and stalls it, and a longer timeout would inflate the figure.
func firstReply(ctx context.Context, url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	var last error
	for {
		t := time.Now()
		resp, err := client.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("no HTTP 200 from %s in time (last attempt: %v)", url, last)
		case <-exited:
			return fmt.Errorf("exited before %s answered", url)
		case <-time.After(time.Until(t.Add(50 * time.Millisecond))):
		}
	}
}

// qemuArgs finds the QEMU process among pid's descendants and returns its
// command line.
func qemuArgs(pid int) ([]string, error) {
	children := map[int][]int{}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so cut at the last ')'.
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:]))
		id, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if len(f) > 1 {
			ppid, _ := strconv.Atoi(f[1])
			children[ppid] = append(children[ppid], id)
		}
	}
	for queue := children[pid]; len(queue) > 0; queue = queue[1:] {
		p := queue[0]
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
		if strings.HasPrefix(string(comm), "qemu-system") {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
			if err != nil {
				return nil, err
			}
			return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00"), nil
		}
		queue = append(queue, children[p]...)
	}
	return nil, fmt.Errorf("no qemu-system process under wisp (pid %d)", pid)
}

// withPort returns QEMU arguments whose host forward uses port.
func withPort(args []string, port string) ([]string, error) {
	out := append([]string(nil), args...)
	for i, a := range out {
		if j := strings.Index(a, "hostfwd=tcp:127.0.0.1:"); j >= 0 {
			rest := a[j+len("hostfwd=tcp:127.0.0.1:"):]
			k := strings.IndexByte(rest, '-')
			if k < 0 {
				break
			}
			out[i] = a[:j] + "hostfwd=tcp:127.0.0.1:" + port + rest[k:]
			return out, nil
		}
	}
	return nil, fmt.Errorf("no hostfwd=tcp:127.0.0.1:PORT- in QEMU's arguments %q", args)
}
