package boards

import (
	"errors"
	"strings"
	"testing"
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

func TestLookupUnknownListsKnown(t *testing.T) {
	_, err := Lookup("pi9")
	if !errors.Is(err, ErrUnknownBoard) {
		t.Fatalf("err = %v, want ErrUnknownBoard", err)
	}
	if !strings.Contains(err.Error(), "qemu-amd64") {
		t.Errorf("error %q does not list the known boards", err)
	}
}

func TestDiskBoardSchemaFits(t *testing.T) {
	p, err := Load("testdata/pi5.json")
	if err != nil {
		t.Fatal(err)
	}
	if p.PageSize != 16384 || p.Disk == nil || p.Disk.BootPartitionMiB != 128 || len(p.FirmwareConfig) != 2 || p.DTBs[0] != "bcm2712-rpi-5-b.dtb" {
		t.Errorf("pi5 fixture parsed as %+v", p)
	}
}

func TestParseRejects(t *testing.T) {
	const ok = `"name":"x","platform":{"os":"linux","architecture":"arm64"},"pageSize":4096,"kernel":{"file":"Image"},"qemu":{"binary":"q","machine":"virt","memoryMiB":64}`
	for _, tt := range []struct {
		name, json, want string
	}{
		{"unknown top-level field", `{` + ok + `,"kernal":{}}`, `unknown field "kernal"`},
		{"unknown nested field", `{"name":"x","platform":{"os":"linux","architecture":"arm64","arch":"x"}}`, `unknown field "arch"`},
		{"bad architecture", `{"name":"x","platform":{"os":"linux","architecture":"mips"},"pageSize":4096,"kernel":{"file":"k"}}`, `architecture "mips"`},
		{"page size not a power of two", `{"name":"x","platform":{"os":"linux","architecture":"arm64"},"pageSize":4000,"kernel":{"file":"k"}}`, `pageSize 4000`},
		{"no way to boot", `{"name":"x","platform":{"os":"linux","architecture":"arm64"},"pageSize":4096,"kernel":{"file":"k"}}`, `neither qemu nor disk`},
		{"trailing data", `{` + ok + `} {}`, `trailing data`},
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
