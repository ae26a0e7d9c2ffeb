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
	if caps, ok := os.LookupEnv(dropChild); ok {
		dropAndCat(t, caps)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to drop privileges")
	}
	tests := []struct {
		name, caps, want string
	}{
		{"no capabilities", "", "0000000000000000"},
		{"CAP_NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", "0000000000000400"},
		{"two", "net_bind_service,CAP_SYS_TIME", "0000000002000400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDropExec$")
			cmd.Env = append(os.Environ(), dropChild+"="+tt.caps)
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
				"CapInh":     tt.want,
				"CapPrm":     tt.want,
				"CapEff":     tt.want,
				"CapBnd":     tt.want,
				"CapAmb":     tt.want,
				"NoNewPrivs": "1",
			} {
				if got := status[k]; got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		})
	}
}

func dropAndCat(t *testing.T, caps string) {
	runtime.LockOSThread() // drop and exec on one thread, as in main
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Fatal(err)
	}
	b := &boot{out: os.Stderr, cfg: &config.Config{
		User: config.Nobody,
		Exec: config.Exec{Path: cat, Args: []string{"cat", "/proc/self/status"}},
	}}
	if caps != "" {
		b.cfg.Capabilities = strings.Split(caps, ",")
	}
	if _, err := dropPrivileges(b); err != nil {
		t.Fatal(err)
	}
	_, err = execBinary(b)
	t.Fatal(err)
}
