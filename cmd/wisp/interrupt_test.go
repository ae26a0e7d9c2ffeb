package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wispboot/wisp/internal/cleanup"
	"github.com/wispboot/wisp/internal/testenv"
)

// interruptChild makes the test binary, run again by TestSecondInterrupt,
// a command that ignores its context: the worst case for Ctrl-C.
const interruptChild = "WISP_TEST_INTERRUPT"

// TestSecondInterrupt: a second Ctrl-C ends wisp at once even when the
// command does not stop on the first, and removes the temporary files it
// made outside the store.
func TestSecondInterrupt(t *testing.T) {
	if dir := os.Getenv(interruptChild); dir != "" {
		_, stop := interruptible(t.Context(), os.Stderr)
		defer stop()
		tmp := filepath.Join(dir, ".kernel-123")
		testenv.WriteFile(t, tmp, []byte("half a kernel"), 0o644)
		cleanup.Add(tmp)
		select {} // a phase that never looks at its context
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondInterrupt$")
	cmd.Env = append(os.Environ(), interruptChild+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tmp := filepath.Join(dir, ".kernel-123")
	sigint := func() {
		t.Helper()
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			cmd.Process.Kill()
			t.Fatalf("sending SIGINT to the child: %v", err)
		}
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(tmp); err == nil {
			break
		}
		if i == 1000 {
			t.Fatal("the child never made its temporary file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sigint()
	select {
	case err := <-done:
		t.Fatalf("the child ended on the first Ctrl-C, which it ignores: %v\n%s", err, stderr.String())
	case <-time.After(300 * time.Millisecond):
	}
	sigint()
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("the second Ctrl-C did not end the child")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stderr.String(), "wisp: interrupted twice: stopped at once") {
		t.Errorf("exit %d, stderr %q; want 130 and the line", code, stderr.String())
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Errorf("%s is still there", tmp)
	}
}
