package kernelpkg

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/limits"
)

// Kernel packages come from mirrors and layers from registries: their
// parsers must turn any bytes into a base, a layer or an error, never a
// crash, and leave no file behind on error.

const fuzzKernel = "6.1.0-99-amd64"

func FuzzImportDeb(f *testing.F) {
	f.Add(fixture.KernelDeb(fuzzKernel).Bytes())
	f.Add(fixture.Deb{Package: "hello", Files: map[string][]byte{"./usr/bin/hello": []byte("x")}}.Bytes())
	f.Add([]byte("!<arch>\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tmp := t.TempDir()
		base, err := ImportDeb(context.Background(), bytes.NewReader(b), Kernel{File: "vmlinux", Format: FormatELF, Arch: "amd64"}, tmp)
		if err == nil {
			base.Close()
		}
		fixture.NoFilesLeft(t, tmp)
	})
}

func FuzzImportAPK(f *testing.F) {
	f.Add(fixture.RPiAPK("6.6.51-0-rpi").Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		tmp := t.TempDir()
		base, err := ImportAPK(context.Background(), bytes.NewReader(b), Kernel{File: "kernel8.img", Arch: "arm64"}, tmp)
		if err == nil {
			base.Close()
		}
		fixture.NoFilesLeft(t, tmp)
	})
}

func FuzzFirmwareFromDeb(f *testing.F) {
	f.Add(fixture.RaspiFirmwareDeb().Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		tmp := t.TempDir()
		fw, err := FirmwareFromDeb(context.Background(), bytes.NewReader(b), tmp)
		if err == nil {
			fw.Close()
		}
		fixture.NoFilesLeft(t, tmp)
	})
}

func FuzzModinfo(f *testing.F) {
	f.Add(fixture.Module("virtio_net", "net_failover", "virtio"))
	f.Add(fixture.Signed(fixture.Module("x"), 256))
	f.Fuzz(func(t *testing.T, ko []byte) {
		modinfoDepends(ko)
		if out, err := stripSignature(ko); err == nil && len(out) > len(ko) {
			t.Errorf("stripping a signature grew the module from %d to %d bytes", len(ko), len(out))
		}
	})
}

func FuzzModulesDep(f *testing.F) {
	f.Add([]byte("kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko\nkernel/net/core/failover.ko:\n"))
	f.Add([]byte("a.ko: ../../init\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ix := newModuleIndex()
		if ix.readDep(bytes.NewReader(b)) != nil {
			return
		}
		for name := range ix.paths {
			if _, err := ix.closure([]string{name}); err == nil {
				for _, p := range ix.paths {
					if !isModulePath(p) {
						t.Errorf("modules.dep path %q was taken", p)
					}
				}
			}
		}
	})
}

func FuzzKernelHeader(f *testing.F) {
	f.Add(fixture.BzImage(fixture.Vmlinux), "elf", "amd64")
	f.Add(fixture.ARM64Image(16<<10), "", "arm64")
	f.Add(fixture.RISCV64Image(), "", "riscv64")
	f.Fuzz(func(t *testing.T, img []byte, format, arch string) {
		if format != "" && format != FormatELF {
			format = FormatELF
		}
		r, size, err := convertKernel(bytes.NewReader(img), int64(len(img)), Kernel{Format: format, Arch: arch})
		if err != nil {
			return
		}
		if size < 0 || size > limits.Vmlinux {
			t.Fatalf("a kernel of %d bytes passed", size)
		}
		// A bomb may claim up to limits.Vmlinux; reading that much on
		// every input would stall the fuzzer, so only the start is read.
		n, _ := io.Copy(io.Discard, io.LimitReader(r, min(size+1, 1<<20)))
		if n > size {
			t.Errorf("the kernel said %d bytes and gave more", size)
		}
	})
}
