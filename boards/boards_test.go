package boards

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/testenv"
)

func TestEmbeddedProfilesParse(t *testing.T) {
	ps, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("no embedded profiles")
	}
	p, err := Lookup("qemu-amd64")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Platform.String(), "linux/amd64"; got != want {
		t.Errorf("platform = %s, want %s", got, want)
	}
	if p.QEMU == nil || p.QEMU.Binary != "qemu-system-x86_64" {
		t.Errorf("qemu = %+v, want qemu-system-x86_64", p.QEMU)
	}
}

// TestLookupReadsNoFile: a board named by an image label or a wisp.json
// never makes wisp read a file, even one that exists.
func TestLookupReadsNoFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "board.json")
	testenv.WriteFile(t, file, []byte(`{}`), 0o644)
	for _, name := range []string{file, "board.json", "../board.json"} {
		if _, err := Lookup(name); !errors.Is(err, ErrProfileFile) {
			t.Errorf("Lookup(%q) = %v, want ErrProfileFile", name, err)
		}
	}
}

func TestLookupUnknownListsKnown(t *testing.T) {
	_, err := Lookup("pi9")
	if !errors.Is(err, ErrUnknownBoard) {
		t.Fatalf("err = %v, want ErrUnknownBoard", err)
	}
	if !strings.Contains(err.Error(), "qemu-amd64") {
		t.Errorf("error %q does not list the known boards", err)
	}
}

func TestBoardFacts(t *testing.T) {
	for _, tt := range []struct {
		name, arch, kernel string
		page               int
		disk, qemu         bool
	}{
		{"qemu-amd64", "amd64", "vmlinux", 4096, false, true},
		{"qemu-arm64", "arm64", "Image", 4096, false, true},
		{"qemu-riscv64", "riscv64", "Image", 4096, false, true},
		{"raspi3b", "arm64", "kernel8.img", 4096, true, true},
		{"pi4", "arm64", "kernel8.img", 4096, true, false},
		{"pi5", "arm64", "kernel_2712.img", 16384, true, false},
	} {
		p, err := Lookup(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if p.Platform.Architecture != tt.arch || p.Kernel.File != tt.kernel || p.PageSize != tt.page || (p.Disk != nil) != tt.disk || (p.QEMU != nil) != tt.qemu {
			t.Errorf("%s = %+v", tt.name, p)
		}
		if len(p.Sources) == 0 {
			t.Errorf("%s cites no sources for its facts", tt.name)
		}
		if p.Disk != nil && len(p.DTBs) == 0 {
			t.Errorf("%s boots from a disk but names no device tree", tt.name)
		}
	}
}

func TestParseRejects(t *testing.T) {
	const ok = `"name":"x","platform":{"os":"linux","architecture":"arm64"},"pageSize":4096,"kernel":{"file":"Image"},"qemu":{"machine":"virt","memoryMiB":64}`
	const head = `"platform":{"os":"linux","architecture":"arm64"},"pageSize":4096`
	qemu := func(q string) string { return `{"name":"x",` + head + `,"kernel":{"file":"Image"},"qemu":{` + q + `}}` }
	for _, tt := range []struct {
		name, json, want string
	}{
		{"unknown top-level field", `{` + ok + `,"kernal":{}}`, `unknown field "kernal"`},
		{"unknown nested field", `{"name":"x","platform":{"os":"linux","architecture":"arm64","arch":"x"}}`, `unknown field "arch"`},
		{"bad architecture", `{"name":"x","platform":{"os":"linux","architecture":"mips"},"pageSize":4096,"kernel":{"file":"k"}}`, `architecture "mips"`},
		{"page size not a power of two", `{"name":"x","platform":{"os":"linux","architecture":"arm64"},"pageSize":4000,"kernel":{"file":"k"}}`, `pageSize 4000`},
		{"no way to boot", `{"name":"x","platform":{"os":"linux","architecture":"arm64"},"pageSize":4096,"kernel":{"file":"k"}}`, `neither qemu nor disk`},
		{"trailing data", `{` + ok + `} {}`, `trailing data`},
		{"a QEMU binary", qemu(`"binary":"/tmp/evil.sh","machine":"virt","memoryMiB":64`), `unknown field "binary"`},
		{"QEMU arguments", qemu(`"machine":"virt","memoryMiB":64,"args":["-netdev","tap,script=/tmp/evil.sh"]`), `only wisp's built-in profiles may pass arguments to QEMU`},
		{"machine options", qemu(`"machine":"virt,dumpdtb=/etc/passwd","memoryMiB":64`), `qemu.machine "virt,dumpdtb=/etc/passwd" is not a QEMU machine name`},
		{"cpu options", qemu(`"machine":"virt","cpu":"max,x=y","memoryMiB":64`), `qemu.cpu "max,x=y"`},
		{"nic reading a host file", qemu(`"machine":"virt","memoryMiB":64,"nic":"virtio-net-pci,romfile=/root/.ssh/id_rsa"`), `qemu.nic "virtio-net-pci,romfile=/root/.ssh/id_rsa" is not a QEMU device name`},
		{"absurd memory", qemu(`"machine":"virt","memoryMiB":10000000`), `qemu.memoryMiB 10000000`},
		{"name is a path", `{"name":"../../.bashrc",` + head + `,"kernel":{"file":"Image"},"qemu":{"machine":"virt","memoryMiB":64}}`, `name "../../.bashrc" is not a board name`},
		{"name of a built-in board", `{"name":"qemu-arm64",` + head + `,"kernel":{"file":"Image"},"qemu":{"machine":"virt","memoryMiB":64}}`, `is a built-in board's`},
		{"kernel file is a path", `{"name":"x",` + head + `,"kernel":{"file":"../init"},"qemu":{"machine":"virt","memoryMiB":64}}`, `kernel.file "../init" is not a plain file name`},
		{"dtb is a path", `{"name":"x",` + head + `,"kernel":{"file":"Image"},"dtb":["a/b.dtb"],"qemu":{"machine":"virt","memoryMiB":64}}`, `dtb "a/b.dtb"`},
		{"cmdline with a newline", `{"name":"x",` + head + `,"kernel":{"file":"Image","cmdline":"quiet\ninit=/bin/sh"},"qemu":{"machine":"virt","memoryMiB":64}}`, `kernel.cmdline holds control characters`},
		{"config.txt line with a newline", `{"name":"x",` + head + `,"ramMiB":512,"kernel":{"file":"Image"},"firmwareConfig":["a=1\nkernel=evil"],"disk":{"bootPartitionMiB":64,"initrd":"initrd.img"}}`, `firmwareConfig line`},
		{"module name is a path", `{"name":"x",` + head + `,"kernel":{"file":"Image"},"modules":["../../init"],"qemu":{"machine":"virt","memoryMiB":64}}`, `module "../../init"`},
		{"firmware pattern leaves the partition", `{"name":"x",` + head + `,"ramMiB":512,"kernel":{"file":"Image"},"disk":{"bootPartitionMiB":64,"firmware":["../x"],"initrd":"initrd.img"}}`, `disk.firmware "../x"`},
		{"disk board without an initrd name", `{"name":"x",` + head + `,"ramMiB":512,"kernel":{"file":"Image"},"disk":{"bootPartitionMiB":64}}`, `needs disk.initrd`},
		{"boot file is a path", `{"name":"x",` + head + `,"ramMiB":512,"kernel":{"file":"Image"},"disk":{"bootPartitionMiB":64,"initrd":"../initrd"}}`, `disk.initrd "../initrd" is not a file name`},
		{"config written over the kernel", `{"name":"x",` + head + `,"ramMiB":512,"kernel":{"file":"Image"},"disk":{"bootPartitionMiB":64,"initrd":"initrd.img","config":"Image"}}`, `disk.config "Image" is also kernel.file`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("my-board.json", strings.NewReader(tt.json))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "my-board.json") {
				t.Errorf("error %q does not name the file and %q", err, tt.want)
			}
		})
	}
	if _, err := Parse("ok.json", strings.NewReader(`{`+ok+`}`)); err != nil {
		t.Errorf("valid profile rejected: %v", err)
	}
}
