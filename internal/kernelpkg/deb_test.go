package kernelpkg

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/layers"
)

const testKernel = "6.1.0-99-amd64"

func importFixture(t *testing.T, deb []byte) *Base {
	t.Helper()
	b, err := ImportDeb(context.Background(), bytes.NewReader(deb), Kernel{File: "vmlinuz"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func TestImportDeb(t *testing.T) {
	b := importFixture(t, fixture.KernelDeb(testKernel).Bytes())
	if b.KernelVersion != testKernel || b.ModuleCount != 10 {
		t.Errorf("version %q, %d modules; want %s, 10", b.KernelVersion, b.ModuleCount, testKernel)
	}
	if got := b.Kernel.Annotations[layers.AnnotationRole]; got != "kernel" {
		t.Errorf("kernel layer role %q", got)
	}
	kernel := fixture.LayerFiles(t, b.Kernel.Layer)
	if kernel["boot/vmlinuz"] != string(fixture.BzImage(fixture.Vmlinux)) || len(kernel) != 2 {
		t.Errorf("kernel layer holds %d files, want boot/ and boot/vmlinuz as shipped", len(kernel))
	}
	mods := fixture.LayerFiles(t, b.Modules.Layer)
	dir := "lib/modules/" + testKernel + "/"
	if _, ok := mods[dir+"kernel/drivers/block/zram.ko"]; !ok {
		t.Error("the compressed module was not stored as zram.ko")
	}
	if !strings.HasPrefix(mods[dir+"kernel/drivers/block/zram.ko"], "\x7fELF") {
		t.Error("zram.ko is not the decompressed ELF")
	}
	dep := mods[dir+"modules.dep"]
	if !strings.Contains(dep, "kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n") {
		t.Errorf("modules.dep:\n%s", dep)
	}
	for name := range mods {
		if strings.HasPrefix(name, "usr/") || strings.HasPrefix(name, "boot/") {
			t.Errorf("modules layer holds %s", name)
		}
	}
}

func TestImportDebExtractsVmlinux(t *testing.T) {
	b, err := ImportDeb(context.Background(), bytes.NewReader(fixture.KernelDeb(testKernel).Bytes()), Kernel{File: "vmlinux", Format: FormatELF, Arch: "amd64"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := fixture.LayerFiles(t, b.Kernel.Layer)["boot/vmlinux"]; got != string(fixture.Vmlinux) {
		t.Errorf("boot/vmlinux is %d bytes, want the %d-byte ELF inside the bzImage", len(got), len(fixture.Vmlinux))
	}
}

// TestImportVmlinuxMustMatchItsSize: a bzImage whose payload unpacks to
// more or less than its trailer states is refused, never cut or padded.
func TestImportVmlinuxMustMatchItsSize(t *testing.T) {
	for _, tt := range []struct {
		name  string
		delta int
		want  string
	}{
		{"longer than stated", -16, "unpacks to more than the"},
		{"shorter than stated", +16, "less than the"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bz := fixture.BzImage(fixture.Vmlinux)
			binary.LittleEndian.PutUint32(bz[len(bz)-4:], uint32(len(fixture.Vmlinux)+tt.delta))
			deb := fixture.KernelDeb(testKernel)
			deb.Files["./boot/vmlinuz-"+testKernel] = bz
			dir := t.TempDir()
			_, err := ImportDeb(context.Background(), bytes.NewReader(deb.Bytes()), Kernel{File: "vmlinux", Format: FormatELF, Arch: "amd64"}, dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			fixture.NoFilesLeft(t, dir)
		})
	}
}

func TestImportChecksKernelHeader(t *testing.T) {
	for _, tt := range []struct {
		name   string
		kernel []byte
		k      Kernel
		want   string // "" means accepted
	}{
		{"bzImage on amd64", fixture.BzImage(fixture.Vmlinux), Kernel{File: "vmlinuz", Arch: "amd64"}, ""},
		{"arm64 Image on amd64", fixture.ARM64Image(4 << 10), Kernel{File: "vmlinuz", Arch: "amd64"}, "the kernel is an arm64 Image with 4 KiB pages, the board is amd64"},
		{"arm64 Image, 4k pages, on a 4k board", fixture.ARM64Image(4 << 10), Kernel{File: "Image", Arch: "arm64", PageSize: 4096}, ""},
		{"arm64 Image, 4k pages, on a 16k board", fixture.ARM64Image(4 << 10), Kernel{File: "Image", Arch: "arm64", PageSize: 16384}, "the board's kernel uses 16384-byte pages"},
		{"arm64 Image, 16k pages, on a 16k board", fixture.ARM64Image(16 << 10), Kernel{File: "Image", Arch: "arm64", PageSize: 16384}, ""},
		{"gzip'd arm64 Image", gzipped(t, fixture.ARM64Image(4<<10)), Kernel{File: "Image", Arch: "riscv64"}, "the kernel is a gzip-compressed arm64 Image"},
		{"riscv64 Image", fixture.RISCV64Image(), Kernel{File: "Image", Arch: "riscv64"}, ""},
		{"riscv64 Image on arm64", fixture.RISCV64Image(), Kernel{File: "Image", Arch: "arm64"}, "the kernel is a riscv64 Image, the board is arm64"},
		{"no known header", []byte("#!/bin/sh\n" + strings.Repeat("x", 100)), Kernel{File: "k", Arch: "arm64"}, "no header wisp knows"},
		{"elf format from an arm64 Image", fixture.ARM64Image(4 << 10), Kernel{File: "vmlinux", Format: FormatELF, Arch: "arm64"}, "needs an x86 bzImage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			deb := fixture.KernelDeb(testKernel)
			deb.Files["./boot/vmlinuz-"+testKernel] = tt.kernel
			_, err := ImportDeb(context.Background(), bytes.NewReader(deb.Bytes()), tt.k, t.TempDir())
			if tt.want == "" && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportDebIsDeterministic(t *testing.T) {
	deb := fixture.KernelDeb(testKernel).Bytes()
	a, b := importFixture(t, deb), importFixture(t, deb)
	for _, pair := range [][2]v1.Layer{{a.Kernel.Layer, b.Kernel.Layer}, {a.Modules.Layer, b.Modules.Layer}} {
		da, err := pair[0].Digest()
		if err != nil {
			t.Fatal(err)
		}
		db, err := pair[1].Digest()
		if err != nil {
			t.Fatal(err)
		}
		if da != db {
			t.Errorf("two imports of one package: %s != %s", da, db)
		}
	}
}

func TestImportDebRejects(t *testing.T) {
	good := fixture.KernelDeb(testKernel).Bytes()
	noKernel := fixture.KernelDeb(testKernel)
	delete(noKernel.Files, "./boot/vmlinuz-"+testKernel)
	for _, tt := range []struct {
		name string
		deb  []byte
		want string
		is   error
	}{
		{"not an ar archive", []byte("#!/bin/sh\n"), "not an ar archive", nil},
		{"not a kernel package", fixture.Deb{Package: "hello", Files: map[string][]byte{"./usr/bin/hello": []byte("x")}}.Bytes(), "the package is hello", ErrNotKernelPackage},
		{"no kernel inside", noKernel.Bytes(), "no kernel image (boot/vmlinuz-*)", ErrNotKernelPackage},
		{"truncated", good[:len(good)*2/3], "truncated", nil},
		{"empty ar", []byte("!<arch>\n"), "no data.tar", ErrNotKernelPackage},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := ImportDeb(context.Background(), bytes.NewReader(tt.deb), Kernel{File: "vmlinuz"}, dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.is)
			}
			fixture.NoFilesLeft(t, dir)
		})
	}
}

func TestSelectModules(t *testing.T) {
	b := importFixture(t, fixture.KernelDeb(testKernel).Bytes())
	m, err := SelectModules(context.Background(), b.Modules.Layer, []string{"virtio_pci", "virtio_net", "virtio_blk"})
	if err != nil {
		t.Fatal(err)
	}
	dir := "/lib/modules/" + testKernel + "/kernel/"
	want := []string{
		dir + "drivers/virtio/virtio_pci_modern_dev.ko", dir + "drivers/virtio/virtio_pci_legacy_dev.ko",
		dir + "drivers/virtio/virtio_ring.ko", dir + "drivers/virtio/virtio.ko", dir + "drivers/virtio/virtio_pci.ko",
		dir + "net/core/failover.ko", dir + "drivers/net/net_failover.ko", dir + "drivers/net/virtio_net.ko",
	}
	if !reflect.DeepEqual(m.Load, want) {
		t.Errorf("load order:\n got %v\nwant %v", m.Load, want)
	}
	var got []string
	for name := range fixture.LayerFiles(t, m.Layer) {
		if strings.HasSuffix(name, ".ko") {
			got = append(got, "/"+name)
		}
	}
	sort.Strings(got)
	sorted := append([]string(nil), want...)
	sort.Strings(sorted)
	if !reflect.DeepEqual(got, sorted) {
		t.Errorf("selected layer holds %v, want %v", got, sorted)
	}
	if m.Annotations[layers.AnnotationRole] != "modules" || m.Annotations[layers.AnnotationModules] != "virtio_blk,virtio_net,virtio_pci" {
		t.Errorf("annotations %v", m.Annotations)
	}
	again, err := SelectModules(context.Background(), b.Modules.Layer, []string{"virtio_pci", "virtio_net", "virtio_blk"})
	if err != nil {
		t.Fatal(err)
	}
	d1, err := m.Layer.Digest()
	if err != nil {
		t.Fatal(err)
	}
	d2, err := again.Layer.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if d1 != d2 {
		t.Errorf("selection is not deterministic: %s != %s", d1, d2)
	}
	if _, err := SelectModules(context.Background(), b.Modules.Layer, []string{"e1000e"}); err == nil || !strings.Contains(err.Error(), testKernel) {
		t.Errorf("unknown module: err = %v, want one naming the kernel", err)
	}
}
