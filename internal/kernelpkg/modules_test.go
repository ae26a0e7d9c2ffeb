package kernelpkg

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/fixture"
)

func fixtureIndex() *moduleIndex {
	ix := newModuleIndex()
	for name, deps := range map[string][]string{
		"virtio_net":            {"net_failover", "virtio", "virtio_ring"},
		"net_failover":          {"failover"},
		"failover":              nil,
		"virtio":                {"virtio_ring"},
		"virtio_ring":           nil,
		"virtio_pci":            {"virtio_pci_modern_dev", "virtio", "virtio_ring"},
		"virtio_pci_modern_dev": nil,
		"uses_builtin":          {"crc32c"},
		"broken":                {"missing"},
		"cycle_a":               {"cycle_b"},
		"cycle_b":               {"cycle_a"},
	} {
		ix.paths[name] = "kernel/" + name + ".ko"
		ix.deps[name] = deps
	}
	ix.builtin["crc32c"] = true
	ix.builtin["virtio_blk"] = true
	return ix
}

func TestClosure(t *testing.T) {
	for _, tt := range []struct {
		name    string
		roots   []string
		want    []string
		wantErr string
	}{
		{"chain", []string{"net_failover"}, []string{"failover", "net_failover"}, ""},
		{"shared deps loaded once, deps first", []string{"virtio_pci", "virtio_net"},
			[]string{"virtio_pci_modern_dev", "virtio_ring", "virtio", "virtio_pci", "failover", "net_failover", "virtio_net"}, ""},
		{"dashes are underscores", []string{"virtio-net"}, []string{"failover", "net_failover", "virtio_ring", "virtio", "virtio_net"}, ""},
		{"builtin root skipped", []string{"virtio_blk"}, nil, ""},
		{"builtin dependency skipped", []string{"uses_builtin"}, []string{"uses_builtin"}, ""},
		{"unknown root", []string{"e1000"}, nil, `module "e1000" is neither`},
		{"unknown dependency", []string{"broken"}, nil, "module broken needs missing"},
		{"cycle", []string{"cycle_a"}, nil, "cycle_a → cycle_b → cycle_a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fixtureIndex().closure(tt.roots)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("closure(%v) = %v, want %v", tt.roots, got, tt.want)
			}
		})
	}
}

func TestDepRoundTrip(t *testing.T) {
	ix := fixtureIndex()
	delete(ix.paths, "broken")
	delete(ix.paths, "cycle_a")
	delete(ix.paths, "cycle_b")
	var b strings.Builder
	if err := ix.writeDep(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "kernel/net_failover.ko: kernel/failover.ko\n") {
		t.Errorf("modules.dep lacks the net_failover line:\n%s", b.String())
	}
	back := newModuleIndex()
	back.builtin = ix.builtin
	if err := back.readDep(strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	want, err := ix.closure([]string{"virtio_pci", "virtio_net"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.closure([]string{"virtio_pci", "virtio_net"})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("closure from modules.dep = %v, %v; want %v", got, err, want)
	}
}

func TestModinfoDepends(t *testing.T) {
	got, err := modinfoDepends(fixture.Module("virtio_net", "net_failover", "virtio"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"net_failover", "virtio"}; !reflect.DeepEqual(got, want) {
		t.Errorf("depends = %v, want %v", got, want)
	}
	if _, err := modinfoDepends([]byte("not elf")); err == nil {
		t.Error("no error for a non-ELF module")
	}
}
