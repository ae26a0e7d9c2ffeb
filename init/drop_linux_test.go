package main

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/wispboot/wisp/config"
)

// dropChild tells the test binary, run again by TestDropExec, to drop its
// privileges and exec cat /proc/self/status.
const dropChild = "WISP_INIT_TEST_DROP"

// TestDropExec runs the drop and exec steps in a child test process, as
// root, and reads the credentials the exec'd program ends up with.
func TestDropExec(t *testing.T) {
	if os.Getenv(dropChild) == "1" {
		dropAndCat(t)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to drop privileges")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDropExec$")
	cmd.Env = append(os.Environ(), dropChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	status := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			status[k] = strings.TrimSpace(v)
		}
	}
	for k, want := range map[string]string{
		"Uid":        "65534\t65534\t65534\t65534",
		"Gid":        "65534\t65534\t65534\t65534",
		"Groups":     "",
		"CapInh":     "0000000000000000",
		"CapPrm":     "0000000000000000",
		"CapEff":     "0000000000000000",
		"CapBnd":     "0000000000000000",
		"CapAmb":     "0000000000000000",
		"NoNewPrivs": "1",
	} {
		if got := status[k]; got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

func dropAndCat(t *testing.T) {
	runtime.LockOSThread() // drop and exec on one thread, as in main
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Fatal(err)
	}
	b := &boot{out: os.Stderr, cfg: &config.Config{
		User: config.Nobody,
		Exec: config.Exec{Path: cat, Args: []string{"cat", "/proc/self/status"}},
	}}
	if _, err := dropPrivileges(b); err != nil {
		t.Fatal(err)
	}
	_, err = execBinary(b)
	t.Fatal(err)
}
