package qemu

import (
	"strings"
	"testing"

	"github.com/wispboot/wisp/boards"
)

func TestParseForward(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Forward
		err  bool
	}{
		{"8080", Forward{8080, 8080}, false},
		{"18080:80", Forward{18080, 80}, false},
		{"0:80", Forward{}, true},
		{"80:70000", Forward{}, true},
		{"http", Forward{}, true},
		{"1:2:3", Forward{}, true},
	} {
		got, err := ParseForward(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseForward(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestArgs(t *testing.T) {
	p, err := boards.Lookup("qemu-amd64")
	if err != nil {
		t.Fatal(err)
	}
	args, err := Args(Config{Board: p, Kernel: "k", Initrd: "i", Accel: "tcg",
		Forwards: []Forward{{8080, 80}, {2222, 22}}})
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(args, " ")
	for _, want := range []string{
		"qemu-system-x86_64 ", "-accel tcg", "-machine q35", "-m 256", "-no-reboot", "-serial stdio",
		"-kernel k -initrd i -append " + p.Kernel.Cmdline,
		"-netdev user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=tcp:127.0.0.1:2222-:22",
		"-device virtio-net-pci,romfile=,netdev=net0",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("command line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "hostfwd=tcp::") || strings.Contains(line, "0.0.0.0") {
		t.Errorf("a forward is not bound to 127.0.0.1: %s", line)
	}
	kvm, err := Args(Config{Board: p, Kernel: "k", Initrd: "i", Accel: "kvm"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(kvm, " "), "-accel kvm -m 256") || !strings.Contains(strings.Join(kvm, " "), "-cpu host") {
		t.Errorf("kvm command line: %v", kvm)
	}
	if _, err := Args(Config{Board: p, Accel: "hvf"}); err == nil {
		t.Error("accelerator hvf accepted")
	}
	disk := *p
	disk.QEMU = nil
	if _, err := Args(Config{Board: &disk}); err == nil {
		t.Error("a board without QEMU settings accepted")
	}
}

func TestArgsRaspi3b(t *testing.T) {
	p, err := boards.Lookup("raspi3b")
	if err != nil {
		t.Fatal(err)
	}
	args, err := Args(Config{Board: p, Kernel: "k", Initrd: "i", DTB: "d.dtb", Accel: "tcg"})
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(args, " ")
	for _, want := range []string{"qemu-system-aarch64 ", "-machine raspi3b", "-serial null -serial stdio", "-dtb d.dtb", "-m 1024"} {
		if !strings.Contains(line, want) {
			t.Errorf("command line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "-netdev") {
		t.Errorf("raspi3b got a NIC: %s", line)
	}
	if _, err := Args(Config{Board: p, Kernel: "k", Initrd: "i", DTB: "d", Accel: "tcg", Forwards: []Forward{{80, 80}}}); err == nil {
		t.Error("a forward on a board without network was accepted")
	}
	if _, err := Args(Config{Board: p, Kernel: "k", Initrd: "i", Accel: "tcg"}); err == nil {
		t.Error("raspi3b without a device tree was accepted")
	}
}
