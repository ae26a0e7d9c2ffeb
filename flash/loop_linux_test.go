package flash

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/wispboot/wisp/internal/testenv"
)

// loopDevice attaches a loop device to a new file of size bytes of 0x55.
func loopDevice(t *testing.T, size int) (dev, backing string) {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Missing(t, "a loop device needs root")
	}
	losetup := testenv.Tool(t, "losetup", "mount")
	backing = filepath.Join(t.TempDir(), "backing.raw")
	if err := os.WriteFile(backing, bytes.Repeat([]byte{0x55}, size), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(losetup, "--find", "--show", backing)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		testenv.Missing(t, "losetup: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	dev = strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if out, err := exec.Command(losetup, "--detach", dev).CombinedOutput(); err != nil {
			t.Errorf("losetup --detach %s: %v: %s", dev, err, out)
		}
	})
	return dev, backing
}

// TestLoopDevice flashes a real block device: the machine's own /proc and
// /sys, O_EXCL, BLKFLSBUF and the read-back.
func TestLoopDevice(t *testing.T) {
	const devSize = 16 << 20
	dev, backing := loopDevice(t, devSize)
	image, data := testImage(t, imageSize)
	ctx := context.Background()

	if _, err := Check(dev, imageSize); !errors.Is(err, ErrNotRemovable) {
		t.Errorf("Check(%s) error = %v, want %v", dev, err, ErrNotRemovable)
	}
	if _, err := Check(dev, devSize+1, WithForce(true)); !errors.Is(err, ErrTooSmall) {
		t.Errorf("Check(%s, forced, image of %d bytes) error = %v, want %v", dev, devSize+1, err, ErrTooSmall)
	}
	got, err := Check(dev, imageSize, WithForce(true))
	if err != nil {
		t.Fatalf("Check(%s, forced): %v", dev, err)
	}
	if want := (Target{Path: dev, Size: devSize, Block: true}); *got != want {
		t.Errorf("Check(%s, forced) = %+v, want %+v", dev, *got, want)
	}

	var reports []report
	progress := func(phase string, done, total int64) { reports = append(reports, report{phase, done, total}) }
	if err := Write(ctx, image, dev, WithForce(true), WithProgress(progress)); err != nil {
		t.Fatalf("Write to %s: %v", dev, err)
	}
	checkProgress(t, reports)
	content, err := os.ReadFile(backing)
	if err != nil {
		t.Fatal(err)
	}
	want := append(bytes.Clone(data), bytes.Repeat([]byte{0x55}, devSize-imageSize)...)
	if !bytes.Equal(content, want) {
		t.Errorf("the loop device's file differs from the image followed by the old bytes")
	}

	corrupt := func(path string) error {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteAt([]byte{^data[7_000_000]}, 7_000_000); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	err = Write(ctx, image, dev, WithForce(true), withAfterSync(corrupt))
	if !errors.Is(err, ErrVerify) || !strings.Contains(err.Error(), "at byte 7000000") {
		t.Errorf("Write to a corrupted %s: error = %v, want %v at byte 7000000", dev, err, ErrVerify)
	}

	// A device the kernel holds (here: another exclusive open, as a mount
	// makes) cannot be opened with O_EXCL.
	held, err := os.OpenFile(dev, os.O_RDONLY|unix.O_EXCL, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := Write(ctx, image, dev, WithForce(true)); !errors.Is(err, ErrMounted) {
		t.Errorf("Write to a held %s: error = %v, want %v", dev, err, ErrMounted)
	}
}
