package kernelpkg

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/layers"
)

const rpiKernel = "6.6.51-0-rpi"

var pi5 = Kernel{File: "kernel_2712.img", Arch: "arm64", PageSize: 16384, DTBs: []string{"bcm2712-rpi-5-b.dtb"}}

func TestImportAPK(t *testing.T) {
	b, err := ImportAPK(context.Background(), bytes.NewReader(fixture.RPiAPK(rpiKernel).Bytes()), pi5, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.KernelVersion != rpiKernel || b.Architecture != "arm64" || b.ModuleCount != 1 {
		t.Errorf("version %q arch %q modules %d", b.KernelVersion, b.Architecture, b.ModuleCount)
	}
	kernel := fixture.LayerFiles(t, b.Kernel.Layer)
	if kernel["boot/kernel_2712.img"] != string(fixture.ARM64Image(16<<10)) || kernel["boot/bcm2712-rpi-5-b.dtb"] != "pi 5 device tree" {
		t.Errorf("kernel layer holds %v", keys(kernel))
	}
	if _, ok := kernel["boot/bcm2711-rpi-4-b.dtb"]; ok {
		t.Error("a device tree the board does not use was kept")
	}
	mods := fixture.LayerFiles(t, b.Modules.Layer)
	if !strings.HasPrefix(mods["lib/modules/"+rpiKernel+"/kernel/drivers/net/ethernet/cadence/macb.ko"], "\x7fELF") {
		t.Errorf("macb.ko.gz was not stored decompressed: %v", keys(mods))
	}
}

func TestImportAPKRejects(t *testing.T) {
	notKernel := fixture.RPiAPK(rpiKernel)
	notKernel.PkgName = "busybox"
	mips := fixture.RPiAPK(rpiKernel)
	mips.Arch = "mips64"
	good := fixture.RPiAPK(rpiKernel).Bytes()
	fourK := fixture.RPiAPK(rpiKernel)
	fourK.Files["boot/vmlinuz-rpi"] = fixture.ARM64Image(4 << 10)
	for _, tt := range []struct {
		name string
		apk  []byte
		want string
		is   error
	}{
		{"not gzip", []byte("!<arch>\n"), "not an Alpine package", nil},
		{"not a kernel", notKernel.Bytes(), `the package is "busybox"`, ErrNotKernelPackage},
		{"unknown arch", mips.Bytes(), `architecture "mips64"`, ErrNotKernelPackage},
		{"truncated", good[:len(good)*3/4], "truncated", nil},
		{"4k kernel for a 16k board", fourK.Bytes(), "the board's kernel uses 16384-byte pages", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := ImportAPK(context.Background(), bytes.NewReader(tt.apk), pi5, dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			fixture.NoFilesLeft(t, dir)
		})
	}
}

func TestImportDebDTBs(t *testing.T) {
	deb := fixture.KernelDeb(testKernel)
	deb.Files["./boot/vmlinuz-"+testKernel] = fixture.ARM64Image(4 << 10)
	deb.Files["./usr/lib/linux-image-"+testKernel+"/broadcom/bcm2711-rpi-4-b.dtb"] = []byte("pi4 dtb")
	deb.Files["./usr/lib/linux-image-"+testKernel+"/broadcom/bcm2837-rpi-3-b.dtb"] = []byte("pi3 dtb")
	pi4 := Kernel{File: "kernel8.img", Arch: "arm64", PageSize: 4096, DTBs: []string{"bcm2711-rpi-4-b.dtb"}}
	b, err := ImportDeb(context.Background(), bytes.NewReader(deb.Bytes()), pi4, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := fixture.LayerFiles(t, b.Kernel.Layer)
	if got["boot/bcm2711-rpi-4-b.dtb"] != "pi4 dtb" || len(got) != 3 {
		t.Errorf("kernel layer holds %v", keys(got))
	}
	pi5deb := pi4
	pi5deb.DTBs = []string{"bcm2712-rpi-5-b.dtb"}
	_, err = ImportDeb(context.Background(), bytes.NewReader(deb.Bytes()), pi5deb, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "no device tree bcm2712-rpi-5-b.dtb") {
		t.Errorf("missing dtb: err = %v", err)
	}
}

func TestFirmware(t *testing.T) {
	deb := fixture.Deb{Package: "raspi-firmware", Files: map[string][]byte{
		"./usr/lib/raspi-firmware/start4.elf":   []byte("gpu firmware"),
		"./usr/lib/raspi-firmware/fixup4.dat":   []byte("fixup"),
		"./usr/lib/raspi-firmware/bootcode.bin": []byte("boot"),
		"./lib/firmware/brcm/wifi.bin":          []byte("not boot firmware"),
	}}
	fw, err := FirmwareFromDeb(context.Background(), bytes.NewReader(deb.Bytes()), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	if got := strings.Join(fw.Files, ","); got != "bootcode.bin,fixup4.dat,start4.elf" {
		t.Errorf("files %s", got)
	}
	files := fixture.LayerFiles(t, fw.Layer)
	if files["boot/start4.elf"] != "gpu firmware" || fw.Annotations[layers.AnnotationRole] != "firmware" {
		t.Errorf("firmware layer %v %v", keys(files), fw.Annotations)
	}
	if m := MissingFirmware(fw.Files, []string{"start4.elf", "fixup4*.dat"}); len(m) != 0 {
		t.Errorf("missing %v", m)
	}
	if m := MissingFirmware([]string{"config.txt", "overlays/x.dtbo"}, []string{"start*.elf"}); len(m) != 1 {
		t.Errorf("a directory without start*.elf: missing %v", m)
	}
	if _, err := FirmwareFromDeb(context.Background(), bytes.NewReader(fixture.KernelDeb(testKernel).Bytes()), t.TempDir()); err == nil || !strings.Contains(err.Error(), "raspi-firmware") {
		t.Errorf("a kernel package as firmware: %v", err)
	}
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestFirmwareFromDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "overlays"), 0o755); err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, filepath.Join(dir, "start4.elf"), []byte("gpu"), 0o644)
	testenv.WriteFile(t, filepath.Join(dir, "overlays", "disable-bt.dtbo"), []byte("ovl"), 0o644)
	fw, err := FirmwareFromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := fixture.LayerFiles(t, fw.Layer)
	if files["boot/start4.elf"] != "gpu" || files["boot/overlays/disable-bt.dtbo"] != "ovl" || strings.Join(fw.Files, ",") != "overlays/disable-bt.dtbo,start4.elf" {
		t.Errorf("firmware from a directory: %v %v", keys(files), fw.Files)
	}
	if _, err := FirmwareFromDir(t.TempDir()); err == nil {
		t.Error("an empty directory was accepted")
	}
}
