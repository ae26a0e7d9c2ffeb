package flash

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/testenv"
)

// imageSize is not a multiple of the chunk size or of 512.
const imageSize = 10<<20 + 12345

// testImage writes size deterministic pseudo-random bytes to a file.
func testImage(t *testing.T, size int) (path string, data []byte) {
	t.Helper()
	data = make([]byte, size)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	path = filepath.Join(t.TempDir(), "pi5.img")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

// report is one WithProgress call.
type report struct {
	phase       string
	done, total int64
}

func TestWriteRegularFile(t *testing.T) {
	image, data := testImage(t, imageSize)
	tests := []struct {
		name   string
		before []byte // the target's content before
		want   []byte
	}{
		{name: "empty file", before: nil, want: data},
		{name: "smaller file grows", before: bytes.Repeat([]byte{0xaa}, 1000), want: data},
		{name: "larger file keeps its tail",
			before: bytes.Repeat([]byte{0xaa}, imageSize+5000),
			want:   append(bytes.Clone(data), bytes.Repeat([]byte{0xaa}, 5000)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "disk.raw")
			if err := os.WriteFile(target, tt.before, 0o644); err != nil {
				t.Fatal(err)
			}
			var reports []report
			progress := func(phase string, done, total int64) { reports = append(reports, report{phase, done, total}) }
			if err := Write(context.Background(), image, target, WithProgress(progress)); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("target has %d bytes, want %d; equal prefix of the image: %v",
					len(got), len(tt.want), bytes.HasPrefix(got, data))
			}
			checkProgress(t, reports)
		})
	}
}

// checkProgress wants every phase in order, from 0 to the image size,
// never going back.
func checkProgress(t *testing.T, reports []report) {
	t.Helper()
	phases := []string{PhaseWrite, PhaseSync, PhaseVerify}
	var last report
	for _, r := range reports {
		if r.total != imageSize {
			t.Fatalf("progress %+v: total = %d, want %d", r, r.total, imageSize)
		}
		if r.phase == last.phase && r.done < last.done {
			t.Fatalf("progress went back: %+v after %+v", r, last)
		}
		if r.phase != last.phase {
			if len(phases) == 0 || r.phase != phases[0] || r.done != 0 {
				t.Fatalf("progress %+v after %+v: want the next phase from 0, of %v", r, last, phases)
			}
			phases = phases[1:]
		}
		last = r
	}
	if want := (report{PhaseVerify, imageSize, imageSize}); last != want || len(phases) != 0 {
		t.Errorf("last progress = %+v, want %+v", last, want)
	}
}

func TestWriteRefuses(t *testing.T) {
	image, _ := testImage(t, 1000)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.img")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		image, target string
		wantErr       error
		wantText      string
	}{
		{name: "missing target is not created", image: image, target: filepath.Join(dir, "sdx"), wantErr: fs.ErrNotExist},
		{name: "directory", image: image, target: dir, wantErr: ErrNotDevice},
		{name: "character device", image: image, target: "/dev/null", wantErr: ErrNotDevice},
		{name: "missing image", image: filepath.Join(dir, "nope.img"), target: empty, wantErr: fs.ErrNotExist, wantText: "reading image"},
		{name: "empty image", image: empty, target: image, wantText: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Write(context.Background(), tt.image, tt.target)
			if err == nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("Write error = %v, want %v containing %q", err, tt.wantErr, tt.wantText)
			}
			if _, err := os.Stat(filepath.Join(dir, "sdx")); err == nil {
				t.Errorf("Write created %s", filepath.Join(dir, "sdx"))
			}
		})
	}
}

// TestWriteGoesWhereConfirmed: a symbolic link that points elsewhere once
// the device was opened (after the question) does not redirect the write.
func TestWriteGoesWhereConfirmed(t *testing.T) {
	image, data := testImage(t, 100_000)
	dir := t.TempDir()
	confirmed, other, link := filepath.Join(dir, "confirmed.raw"), filepath.Join(dir, "other.raw"), filepath.Join(dir, "card")
	testenv.WriteFile(t, confirmed, nil, 0o644)
	testenv.WriteFile(t, other, []byte("keep me"), 0o644)
	if err := os.Symlink(confirmed, link); err != nil {
		t.Fatal(err)
	}
	d, err := Open(link, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(other, link); err != nil { // swapped while the user reads the question
		t.Fatal(err)
	}
	if err := d.Write(context.Background(), image); err != nil {
		t.Fatal(err)
	}
	if got := testenv.ReadFile(t, confirmed); !bytes.Equal(got, data) {
		t.Errorf("the confirmed file holds %d bytes, not the image", len(got))
	}
	if got := testenv.ReadFile(t, other); string(got) != "keep me" {
		t.Errorf("the link's new target was written: %q", got)
	}
}

// TestWriteRefusesAnotherCard: when sysfs describes another card at the
// device number than the one shown in the question (a card swapped while
// it was asked), nothing is written.
func TestWriteRefusesAnotherCard(t *testing.T) {
	image, data := testImage(t, 1000)
	f := machine(t)
	dev := filepath.Join(f.root, "dev", "sdc")
	d, err := Open(dev, int64(len(data)), withHost(f.host()))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f.file("sys/devices/"+usbC+"/device/model", "Another Card")
	err = d.Write(context.Background(), image)
	if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), "model was Samsung Portable SSD T5 when checked and is Samsung Another Card now") {
		t.Fatalf("err = %v, want ErrChanged naming the model", err)
	}
	if got := testenv.ReadFile(t, dev); len(got) != 0 {
		t.Errorf("%d bytes written to a changed device", len(got))
	}
}
