package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wispboot/wisp/config"
	"golang.org/x/sys/unix"
)

// inNetns runs f on a thread of its own in a new network namespace, in
// which only lo exists, down. The thread stays locked, so it is thrown away
// afterwards rather than returned to the pool in the namespace; processes
// f starts are in the namespace too. It skips the test when not root.
func inNetns(t *testing.T, f func()) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a network namespace")
	}
	errc := make(chan error)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- err
			return
		}
		f()
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Skipf("creating a network namespace: %v", err)
	}
}

// TestNetworkNetns configures lo as if it were the board's interface.
func TestNetworkNetns(t *testing.T) {
	inNetns(t, func() {
		b := &boot{cfg: &config.Config{Network: &config.Network{
			Interface: "lo",
			Addresses: []string{"10.9.0.1/24", "fd00::1/64"},
			Gateways:  []string{"10.9.0.2"}, // IPv6 has no gateways on lo
		}}}
		detail, err := setupNetwork(b)
		if err != nil {
			t.Errorf("setupNetwork: %v", err)
			return
		}
		if want := "lo 10.9.0.1/24 fd00::1/64 via 10.9.0.2"; detail != want {
			t.Errorf("setupNetwork detail %q, want %q", detail, want)
		}
		// Again: the kernel refuses the address that is there.
		_, err = setupNetwork(b)
		if want := "adding 10.9.0.1/24 to lo: file exists"; err == nil || err.Error() != want {
			t.Errorf("setupNetwork again = %v, want %q", err, want)
		}
		if !errors.Is(err, unix.EEXIST) {
			t.Errorf("setupNetwork again = %v, want EEXIST", err)
		}
	})
}

// TestWaitLinkNetns has an interface appear while the network step waits,
// as a driver's would, and checks that a missing one times out.
func TestWaitLinkNetns(t *testing.T) {
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip to make an interface")
	}
	inNetns(t, func() {
		later := exec.Command("sh", "-c", "sleep 0.3 && exec ip link add eth9 type veth peer name eth9p")
		if err := later.Start(); err != nil {
			t.Errorf("starting ip: %v", err)
			return
		}
		defer func() {
			if err := later.Wait(); err != nil {
				t.Errorf("ip link add eth9: %v", err)
			}
		}()
		b := &boot{cfg: &config.Config{Network: &config.Network{
			Interface: "eth9",
			Addresses: []string{"10.9.0.1/24", "fd00::1/64"},
			Gateways:  []string{"10.9.0.2", "fe80::1"}, // a router's link-local address

		}}}
		start := time.Now()
		if _, err := setupNetwork(b); err != nil {
			t.Errorf("setupNetwork: %v", err)
		}
		if d := time.Since(start); d < 300*time.Millisecond || d > 2*time.Second {
			t.Errorf("setupNetwork took %v, want the 0.3s until eth9 appears", d)
		}
		for cmd, want := range map[string]string{
			"ip -4 route show default": "default via 10.9.0.2 dev eth9 proto static",
			"ip -6 route show default": "default via fe80::1 dev eth9 proto static metric 512",
		} {
			out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
			if err != nil || !strings.Contains(string(out), want) {
				t.Errorf("%s: %v\n%s\nwant %q in it", cmd, err, out, want)
			}
		}

		c, err := dialRoute(0)
		if err != nil {
			t.Errorf("dialRoute: %v", err)
			return
		}
		defer c.Close()
		start = time.Now()
		_, err = c.waitLink("eth1", 200*time.Millisecond)
		if want := "not there after 200ms (have eth9, eth9p, lo)"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("waitLink(eth1) = %v, want %q", err, want)
		}
		if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
			t.Errorf("waitLink(eth1) waited %v, want 200ms", d)
		}
	})
}
