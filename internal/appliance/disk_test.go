package appliance

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/image"
	"github.com/wispboot/wisp/initrd"
	"github.com/wispboot/wisp/internal/artifacts"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/oci"
)

const (
	armKernel = "6.1.0-99-arm64"
	rpiKernel = "6.6.51-0-rpi"
)

// piStore imports the fixture base of a Pi board into a new store.
func piStore(t *testing.T, board string) (*oci.Store, *boards.Profile) {
	t.Helper()
	s, err := oci.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := boards.Lookup(board)
	if err != nil {
		t.Fatal(err)
	}
	pk := Packages{KernelDeb: fixtureFile(t, fixture.ArmKernelDeb(armKernel).Bytes()), FirmwareDeb: fixtureFile(t, fixture.RaspiFirmwareDeb().Bytes())}
	if board == "pi5" {
		pk = Packages{KernelAPK: fixtureFile(t, fixture.RPiAPK(rpiKernel).Bytes())}
	}
	if _, err := Import(context.Background(), s, p, pk); err != nil {
		t.Fatal(err)
	}
	return s, p
}

func armBinary(t *testing.T, align uint64) string {
	return fixtureFile(t, fixture.TinyELFAligned("arm64", align))
}

// mcopy reads a file out of the image's partition with mtools.
func mcopy(t *testing.T, img, name string) []byte {
	t.Helper()
	out, err := exec.Command(testenv.Tool(t, "mcopy", "mtools"), "-n", "-i", img+"@@1M", "::"+name, "-").Output()
	if err != nil {
		t.Fatalf("mcopy %s: %v", name, err)
	}
	return out
}

func fsckImage(t *testing.T, img string) {
	t.Helper()
	bin := testenv.Tool(t, "fsck.fat", "dosfstools")
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) <= 1<<20 {
		t.Fatalf("%s is %d bytes: no partition after the first MiB", img, len(b))
	}
	part := filepath.Join(t.TempDir(), "part")
	testenv.WriteFile(t, part, b[1<<20:], 0o644)
	if out, err := exec.Command(bin, "-n", part).CombinedOutput(); err != nil {
		t.Fatalf("fsck.fat -n: %v\n%s", err, out)
	}
}

func TestDiskImages(t *testing.T) {
	for _, tt := range []struct {
		board, kernelFile, dtb string
		kernel, firmware       []byte
		firmwareFile           string
	}{
		{"raspi3b", "kernel8.img", "bcm2837-rpi-3-b.dtb", fixture.ARM64Image(4 << 10), []byte("pi 3 gpu firmware"), "start.elf"},
		{"pi4", "kernel8.img", "bcm2711-rpi-4-b.dtb", fixture.ARM64Image(4 << 10), []byte("pi 4 gpu firmware"), "start4.elf"},
		{"pi5", "kernel_2712.img", "bcm2712-rpi-5-b.dtb", fixture.ARM64Image(16 << 10), nil, ""},
	} {
		t.Run(tt.board, func(t *testing.T) {
			s, p := piStore(t, tt.board)
			out := filepath.Join(t.TempDir(), "out")
			res, err := build(context.Background(), oci.Sources{Store: s}, job{Board: p, Binary: armBinary(t, 0x10000), Out: out, InitBinary: []byte("init")})
			if err != nil {
				t.Fatal(err)
			}
			img := filepath.Join(out, tt.board+".img")
			if res.Artifacts.Image != img || len(res.Artifacts.Files) != 1 || res.Artifacts.Files[0].Name != tt.board+".img" {
				t.Fatalf("artifacts %+v", res.Artifacts)
			}
			if ents := fixture.DirEntries(t, out); len(ents) != 1 {
				t.Errorf("output directory holds %v, want only the image", ents)
			}
			fsckImage(t, img)
			if got := mcopy(t, img, tt.kernelFile); !bytes.Equal(got, tt.kernel) {
				t.Errorf("%s is not the kernel imported", tt.kernelFile)
			}
			if got := mcopy(t, img, tt.dtb); len(got) == 0 || !strings.Contains(string(got), "device tree") {
				t.Errorf("%s = %q", tt.dtb, got)
			}
			if tt.firmwareFile != "" {
				if got := mcopy(t, img, tt.firmwareFile); !bytes.Equal(got, tt.firmware) {
					t.Errorf("%s = %q", tt.firmwareFile, got)
				}
			}
			config := string(mcopy(t, img, "config.txt"))
			for _, want := range []string{"arm_64bit=1\n", "kernel=" + tt.kernelFile + "\n", "initramfs initrd.img followkernel\n", "enable_uart=1\n", "device_tree=" + tt.dtb + "\n"} {
				if !strings.Contains(config, want) {
					t.Errorf("config.txt lacks %q:\n%s", want, config)
				}
			}
			if got := string(mcopy(t, img, "cmdline.txt")); got != p.Kernel.Cmdline+"\n" {
				t.Errorf("cmdline.txt = %q", got)
			}
			files := cpioNames(t, mcopy(t, img, "initrd.img"))
			at := strings.Index(res.Binary, "@")
			if !strings.HasPrefix(res.Binary, "file:") || at < len("file:") {
				t.Fatalf("binary source %q, want file:PATH@SHA256", res.Binary)
			}
			for _, want := range []string{"dev/console", "init", "app/" + filepath.Base(res.Binary[len("file:"):at]), "etc/wisp/config.json"} {
				if !files[want] {
					t.Errorf("initrd.img lacks %s", want)
				}
			}
		})
	}
}

// TestDiskFilesFromProfile: the names of the files wisp writes on the boot
// partition are the profile's, and a name left out writes no file.
func TestDiskFilesFromProfile(t *testing.T) {
	s, p := piStore(t, "pi4")
	custom := *p
	custom.Disk = &boards.Disk{BootPartitionMiB: p.Disk.BootPartitionMiB, Firmware: p.Disk.Firmware, Initrd: "rd.cpio", Cmdline: "args.txt"}
	out := t.TempDir()
	res, err := build(context.Background(), oci.Sources{Store: s}, job{Board: &custom, Binary: armBinary(t, 0x10000), Out: out, InitBinary: []byte("init")})
	if err != nil {
		t.Fatal(err)
	}
	img := res.Artifacts.Image
	fsckImage(t, img)
	if files := cpioNames(t, mcopy(t, img, "rd.cpio")); !files["etc/wisp/config.json"] {
		t.Error("rd.cpio is not the initrd")
	}
	if got := string(mcopy(t, img, "args.txt")); got != p.Kernel.Cmdline+"\n" {
		t.Errorf("args.txt = %q", got)
	}
	for _, absent := range []string{"initrd.img", "config.txt", "cmdline.txt"} {
		if err := exec.Command(testenv.Tool(t, "mcopy", "mtools"), "-n", "-i", img+"@@1M", "::"+absent, "-").Run(); err == nil {
			t.Errorf("the image holds %s, which the profile does not name", absent)
		}
	}
}

func cpioNames(t *testing.T, gz []byte) map[string]bool {
	t.Helper()
	entries, err := initrd.Read(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for n := range entries {
		names[n] = true
	}
	return names
}

// TestDiskImageReproducible builds twice, in other stores and paths and a
// second apart: the same bytes.
func TestDiskImageReproducible(t *testing.T) {
	var images [][]byte
	for i := 0; i < 2; i++ {
		s, p := piStore(t, "pi4")
		out := filepath.Join(t.TempDir(), "somewhere", "else")
		bin := armBinary(t, 0x10000)
		if err := os.Chtimes(bin, time.Now().Add(time.Duration(i)*time.Hour), time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := build(context.Background(), oci.Sources{Store: s}, job{Board: p, Binary: bin, Out: out, InitBinary: []byte("init")})
		if err != nil {
			t.Fatal(err)
		}
		b := testenv.ReadFile(t, res.Artifacts.Image)
		images = append(images, b)
		if i == 0 { // the stored image flattens to the same disk image
			img, err := s.Image(res.Digest.String())
			if err != nil {
				t.Fatal(err)
			}
			a, err := artifacts.Export(context.Background(), img, p, t.TempDir(), s)
			if err != nil {
				t.Fatal(err)
			}
			if b2 := testenv.ReadFile(t, a.Image); !bytes.Equal(b2, b) {
				t.Error("the stored image's disk image differs from the one its build wrote")
			}
		}
		time.Sleep(1100 * time.Millisecond)
	}
	if !bytes.Equal(images[0], images[1]) {
		t.Error("two builds of the same appliance made different disk images")
	}
}

func TestDiskImageRejects(t *testing.T) {
	ctx := context.Background()
	t.Run("4k-aligned binary for pi5", func(t *testing.T) {
		s, p := piStore(t, "pi5")
		_, err := build(ctx, oci.Sources{Store: s}, job{Board: p, Binary: armBinary(t, 0x1000), Out: t.TempDir(), InitBinary: []byte("i")})
		if !errors.Is(err, elfcheck.ErrAlignment) || !strings.Contains(err.Error(), "-ldflags=-R=0x4000") {
			t.Errorf("err = %v, want ErrAlignment with the link flag", err)
		}
	})
	t.Run("boot partition too small", func(t *testing.T) {
		s, p := piStore(t, "pi4")
		small := *p
		disk := *p.Disk
		disk.BootPartitionMiB = 16
		small.Disk = &disk
		out := t.TempDir()
		_, err := build(ctx, oci.Sources{Store: s}, job{Board: &small, Binary: armBinary(t, 0x10000), Out: out, InitBinary: []byte("i")})
		if !errors.Is(err, image.ErrTooLarge) || !strings.Contains(err.Error(), "the limit is 16 MiB") {
			t.Errorf("err = %v, want ErrTooLarge naming the limit", err)
		}
		if ents := fixture.DirEntries(t, out); len(ents) != 0 {
			t.Errorf("a failed build left %v", ents)
		}
	})
	t.Run("initramfs larger than half the RAM", func(t *testing.T) {
		s, p := piStore(t, "pi4")
		tiny := *p
		tiny.RAMMiB = 1
		big := fixtureFile(t, append(fixture.TinyELF("arm64"), bytes.Repeat([]byte{7}, 1<<20)...))
		_, err := build(ctx, oci.Sources{Store: s}, job{Board: &tiny, Binary: big, Out: t.TempDir(), InitBinary: []byte("i")})
		if err == nil || !strings.Contains(err.Error(), "more than half of board pi4's 1 MiB of RAM") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestImportRejectsPiInputs(t *testing.T) {
	ctx := context.Background()
	p, err := boards.Lookup("pi4")
	if err != nil {
		t.Fatal(err)
	}
	kernel := fixtureFile(t, fixture.ArmKernelDeb(armKernel).Bytes())
	noStart := t.TempDir()
	testenv.WriteFile(t, filepath.Join(noStart, "fixup4.dat"), []byte("f"), 0o644)
	testenv.WriteFile(t, filepath.Join(noStart, "config.txt"), []byte("c"), 0o644)
	for _, tt := range []struct {
		name string
		pk   Packages
		want string
	}{
		{"firmware dir without start4.elf", Packages{KernelDeb: kernel, FirmwareDir: noStart}, "has no start4.elf, which board pi4 boots with"},
		{"no firmware", Packages{KernelDeb: kernel}, "board pi4 needs its boot firmware"},
		{"amd64 kernel", Packages{KernelDeb: fixtureFile(t, fixture.KernelDeb("6.1.0-99-amd64").Bytes()), FirmwareDeb: fixtureFile(t, fixture.RaspiFirmwareDeb().Bytes())}, "the kernel is an x86 bzImage, the board is arm64"},
		{"two kernels", Packages{KernelDeb: kernel, KernelAPK: kernel}, "give one kernel package"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := oci.OpenStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			_, err = Import(ctx, s, p, tt.pk)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			tags, err := s.Tags()
			if err != nil {
				t.Fatal(err)
			}
			if len(tags) != 0 {
				t.Errorf("a failed import stored %v", tags)
			}
		})
	}
}

// TestDiskLinksBootFiles: a disk board's stored boot files are linked
// into the staging directory, never written through: a second build
// leaves every blob hashing to its name, and a blob damaged (same size,
// one byte flipped) is noticed, made anew, and the image is the same.
func TestDiskLinksBootFiles(t *testing.T) {
	s, p := piStore(t, "pi4")
	bin := armBinary(t, 0x10000)
	buildImage := func() []byte {
		t.Helper()
		res, err := build(context.Background(), oci.Sources{Store: s}, job{Board: p, Binary: bin, Out: t.TempDir(), InitBinary: []byte("init")})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(res.Artifacts.Image)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	want := buildImage()
	_, boot := rememberedBlobs(t, s) // the blobs of the remembered boot files
	if len(boot) == 0 {
		t.Fatal("no remembered boot file")
	}
	intact := func() {
		t.Helper()
		for _, f := range boot {
			b, err := os.ReadFile(f)
			if sum := sha256.Sum256(b); err != nil || hex.EncodeToString(sum[:]) != filepath.Base(f) {
				t.Errorf("blob %s: %v, or it no longer hashes to its name", f, err)
			}
		}
	}
	if !bytes.Equal(buildImage(), want) {
		t.Error("a warm build made another image")
	}
	intact()
	b := testenv.ReadFile(t, boot[0])
	if len(b) == 0 {
		t.Fatalf("the boot file blob %s is empty", boot[0])
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(boot[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buildImage(), want) {
		t.Error("a build over a damaged boot file made another image")
	}
	intact()

	// A layer that deletes a file cannot be stacked: the whole image is
	// flattened after the segments were replayed, and every boot file is
	// written a second time, over its link.
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	if err := tw.WriteHeader(&tar.Header{Name: "etc/.wh.gone", Typeflag: tar.TypeReg, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	layer := filepath.Join(t.TempDir(), "deletes.tar")
	testenv.WriteFile(t, layer, tb.Bytes(), 0o644)
	mtimes := map[string]time.Time{}
	for _, f := range boot {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		mtimes[f] = fi.ModTime()
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := build(context.Background(), oci.Sources{Store: s}, job{Board: p, Binary: bin, Out: t.TempDir(), InitBinary: []byte("init"), Layers: []string{layer}}); err != nil {
		t.Fatal(err)
	}
	intact()
	for _, f := range boot {
		if fi, err := os.Stat(f); err != nil || !fi.ModTime().Equal(mtimes[f]) {
			t.Errorf("blob %s was written to (%v)", f, err)
		}
	}
}
