package qemu

import (
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

	"github.com/wispboot/wisp/boards"
)

// Forward maps a TCP port on the host's 127.0.0.1 to a port of the guest.
type Forward struct {
	Host, Guest int
}

// ParseForward reads "HOST:GUEST" or "PORT" (the same on both sides).
func ParseForward(s string) (Forward, error) {
	h, g, ok := strings.Cut(s, ":")
	if !ok {
		g = h
	}
	hp, err1 := port(h)
	gp, err2 := port(g)
	if err := errors.Join(err1, err2); err != nil {
		return Forward{}, fmt.Errorf("forward %q: %w (want HOST:GUEST, like 8080:80)", s, err)
	}
	return Forward{Host: hp, Guest: gp}, nil
}

func port(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port number", s)
	}
	return n, nil
}

// Config is one boot.
type Config struct {
	Board    *boards.Profile
	Kernel   string // path
	Initrd   string // path
	DTB      string // path; for boards whose QEMU machine needs -dtb
	Cmdline  string // "" means the board's
	Forwards []Forward
	Accel    string   // auto, tcg or kvm; "" means auto
	Extra    []string // more QEMU arguments, last
	Stdout   io.Writer
	Stderr   io.Writer
}

// Args returns the QEMU command line for c, binary first.
func Args(c Config) ([]string, error) {
	q := c.Board.QEMU
	if q == nil {
		return nil, fmt.Errorf("board %s cannot be booted in QEMU", c.Board.Name)
	}
	accel, err := ChooseAccel(c.Accel)
	if err != nil {
		return nil, err
	}
	cmdline := c.Cmdline
	if cmdline == "" {
		cmdline = c.Board.Kernel.Cmdline
	}
	args := []string{q.Binary,
		"-machine", q.Machine, "-accel", accel,
		"-m", strconv.Itoa(q.MemoryMiB),
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
	}
	// The console is on serial port ConsoleSerial; the ones before it go
	// nowhere.
	for i := 0; i < q.ConsoleSerial; i++ {
		args = append(args, "-serial", "null")
	}
	args = append(args, "-serial", "stdio", "-kernel", c.Kernel, "-initrd", c.Initrd, "-append", cmdline)
	if q.DTB {
		if c.DTB == "" {
			return nil, fmt.Errorf("board %s boots in QEMU with its device tree, and none was given", c.Board.Name)
		}
		args = append(args, "-dtb", c.DTB)
	}
	switch {
	case accel == "kvm":
		args = append(args, "-cpu", "host")
	case q.CPU != "":
		args = append(args, "-cpu", q.CPU)
	}
	if q.NIC == "" && len(c.Forwards) > 0 {
		return nil, fmt.Errorf("board %s has no network in QEMU, so nothing can be forwarded", c.Board.Name)
	}
	if q.NIC != "" {
		netdev := "user,id=net0"
		for _, f := range c.Forwards {
			netdev += fmt.Sprintf(",hostfwd=tcp:127.0.0.1:%d-:%d", f.Host, f.Guest)
		}
		args = append(args, "-netdev", netdev, "-device", q.NIC+",netdev=net0")
	}
	return append(append(args, q.Args...), c.Extra...), nil
}

// ChooseAccel resolves "auto" and checks the others.
func ChooseAccel(a string) (string, error) {
	switch a {
	case "tcg", "kvm":
		return a, nil
	case "", "auto":
		if kvmUsable() {
			return "kvm", nil
		}
		return "tcg", nil
	}
	return "", fmt.Errorf("accelerator %q is not one of auto, tcg, kvm", a)
}

func kvmUsable() bool {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	cpuinfo, err := os.ReadFile("/proc/cpuinfo")
	return err == nil && !strings.Contains(string(cpuinfo), " hypervisor")
}

// ErrStopped is returned by Run when QEMU exits by itself: the guest
// powered off or panicked (the init failed or the binary exited).
var ErrStopped = errors.New("the appliance stopped")

// Run boots c and waits. It returns nil when ctx ends (QEMU is then
// terminated), ErrStopped when QEMU exits by itself.
func Run(ctx context.Context, c Config) error {
	args, err := Args(c)
	if err != nil {
		return err
	}
	bin, err := exec.LookPath(args[0])
	if err != nil {
		return fmt.Errorf("%s is not installed: apt-get install %s", args[0], c.Board.QEMU.Package)
	}
	cmd := exec.Command(bin, args[1:]...)
	cmd.Stdout, cmd.Stderr = c.Stdout, c.Stderr
	// Own process group: a terminal's Ctrl-C reaches wisp, which stops
	// QEMU; Pdeathsig stops it if wisp is killed outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		return ErrStopped
	case <-ctx.Done():
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		return nil
	}
}
