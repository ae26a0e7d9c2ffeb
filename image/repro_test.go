package image

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// copyToDisk writes boot into a new directory with every mtime set to
// mtime, and returns it as an fs.FS whose directory listings come in
// reverse order, so Write cannot rely on the fs.FS's order.
func copyToDisk(t *testing.T, boot fstest.MapFS, mtime time.Time) fs.FS {
	t.Helper()
	dir := t.TempDir()
	for name, f := range boot {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return reversed{os.DirFS(dir).(fs.ReadDirFS)}
}

type reversed struct{ fs.ReadDirFS }

func (r reversed) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := r.ReadDirFS.ReadDir(name)
	slices.Reverse(ents)
	return ents, err
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReproducible(t *testing.T) {
	t.Parallel()
	boot := piFiles()
	a, _ := writeImage(t, copyToDisk(t, boot, time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)))
	// go-diskfs takes time.Now with FAT's 2-second resolution: let the
	// clock move past it.
	time.Sleep(2100 * time.Millisecond)
	dir := t.TempDir()
	b := filepath.Join(dir, "elsewhere", "other-name.img")
	if err := os.Mkdir(filepath.Dir(b), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(b, copyToDisk(t, boot, time.Now())); err != nil {
		t.Fatal(err)
	}
	fsck(t, a)
	if !bytes.Equal(readFile(t, a), readFile(t, b)) {
		t.Fatalf("two images of the same files differ")
	}
	// The MapFS itself (in memory, sorted listings) gives the same bytes.
	c, _ := writeImage(t, boot)
	if !bytes.Equal(readFile(t, a), readFile(t, c)) {
		t.Fatalf("the image of an fstest.MapFS differs from that of the same files on disk")
	}
}

// TestChangedInputDiffers changes one byte of one file: the image, its
// volume ID and its disk signature must all change.
func TestChangedInputDiffers(t *testing.T) {
	t.Parallel()
	boot := piFiles()
	a, _ := writeImage(t, boot)
	boot["overlays/disable-bt.dtbo"].Data[1000] ^= 1
	b, _ := writeImage(t, boot)
	fsck(t, b)
	ia, ib := readFile(t, a), readFile(t, b)
	if bytes.Equal(ia, ib) {
		t.Fatal("images of different files are identical")
	}
	for _, f := range []struct {
		what string
		off  int
	}{{"disk signature", mbrSignatureOffset}, {"volume ID", partitionStart + bpbVolumeID}} {
		if bytes.Equal(ia[f.off:f.off+4], ib[f.off:f.off+4]) {
			t.Errorf("%s: both images have %x, want different ones", f.what, ia[f.off:f.off+4])
		}
	}
}

// TestTimes checks that every entry carries the chosen time, as mtools
// sees it, and that SOURCE_DATE_EPOCH is the default.
func TestTimes(t *testing.T) {
	boot := fstest.MapFS{"a.txt": {Data: []byte("a")}, "dir/b.txt": {Data: []byte("b")}, "empty": {}}
	for _, tc := range []struct {
		name  string
		epoch string
		opts  []Option
		want  string // as mdir prints it
	}{
		{"default", "", nil, "1980-01-01   0:00"},
		{"SOURCE_DATE_EPOCH", "1700000000", nil, "2023-11-14  22:13"},
		{"WithTime", "1700000000", []Option{WithTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("CEST", 2*3600)))}, "2024-05-06   5:08"},
		{"before 1980", "", []Option{WithTime(time.Unix(0, 0))}, "1980-01-01   0:00"},
		{"after 2107", "", []Option{WithTime(time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC))}, "2107-12-31  23:59"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tc.epoch)
			img, _ := writeImage(t, boot, tc.opts...)
			fsck(t, img)
			// -a lists all entries, "." and ".." included.
			for _, dir := range []string{"::", "::/dir"} {
				out := string(mtools(t, img, "mdir", "-a", dir))
				lines := 0
				for _, l := range strings.Split(out, "\n") {
					if strings.Contains(l, "<DIR>") || strings.Contains(l, ".txt") || strings.HasPrefix(l, "empty") {
						lines++
						if !strings.Contains(l, tc.want) {
							t.Errorf("mdir -a %s: %q, want time %q", dir, l, tc.want)
						}
					}
				}
				if lines < 2 {
					t.Errorf("mdir -a %s lists too few entries:\n%s", dir, out)
				}
			}
		})
	}
}

// TestDigestsGiven: digests the caller gives for some files make the same
// image as Write computing them; a wrong one changes only the IDs.
func TestDigestsGiven(t *testing.T) {
	t.Parallel()
	boot := piFiles()
	a, _ := writeImage(t, boot)
	known := map[string][]byte{}
	for _, name := range []string{"start4.elf", "kernel8.img", "overlays/disable-bt.dtbo", "EMPTY"} {
		sum := sha256.Sum256(boot[name].Data)
		known[name] = sum[:]
	}
	b, _ := writeImage(t, boot, WithDigests(known))
	if !bytes.Equal(readFile(t, a), readFile(t, b)) {
		t.Error("the image made with known digests differs from the one Write hashed itself")
	}
	wrong := sha256.Sum256([]byte("not the kernel"))
	known["kernel8.img"] = wrong[:]
	c, _ := writeImage(t, boot, WithDigests(known))
	fsck(t, c)
	ia, ic := readFile(t, a), readFile(t, c)
	off := partitionStart + bpbVolumeID
	if bytes.Equal(ia[off:off+4], ic[off:off+4]) {
		t.Error("a different digest kept the volume ID")
	}
	var got bytes.Buffer
	if err := ReadFile(c, "kernel8.img", &got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), boot["kernel8.img"].Data) {
		t.Error("kernel8.img's content changed with its digest")
	}
}
