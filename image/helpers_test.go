package image

import (
	"bytes"
	"encoding/binary"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	diskfs "github.com/diskfs/go-diskfs"

	"github.com/wispboot/wisp/internal/testenv"
)

// piFiles is a small boot partition with the names a Raspberry Pi uses:
// long names, names that share an 8.3 stem, an empty file, nested
// directories.
func piFiles() fstest.MapFS {
	return fstest.MapFS{
		"bcm2711-rpi-4-b.dtb":      {Data: pseudoRandom(1, 52_000)},
		"bcm2711-rpi-400.dtb":      {Data: pseudoRandom(2, 52_100)},
		"bcm2711-rpi-cm4.dtb":      {Data: pseudoRandom(3, 51_900)},
		"start4.elf":               {Data: pseudoRandom(4, 2_200_000)},
		"fixup4cd.dat":             {Data: pseudoRandom(5, 3_100)},
		"initrd.img":               {Data: pseudoRandom(6, 1_500_000)},
		"kernel8.img":              {Data: pseudoRandom(7, 700_001)},
		"config.txt":               {Data: []byte("arm_64bit=1\n")},
		"cmdline.txt":              {Data: []byte("console=serial0,115200\n")},
		"EMPTY":                    {Data: nil},
		"overlays/disable-bt.dtbo": {Data: pseudoRandom(8, 1_234)},
		"overlays/README":          {Data: []byte("overlays\n")},
		"overlays/deep/nested/a-rather-long-file-name-for-lfn.bin": {Data: pseudoRandom(9, 513)},
	}
}

// pseudoRandom returns n bytes that depend only on seed.
func pseudoRandom(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	r.Read(b)
	return b
}

// writeImage writes boot to a new image in a temporary directory.
func writeImage(t testing.TB, boot fs.FS, opts ...Option) (string, *Stats) {
	t.Helper()
	img := filepath.Join(t.TempDir(), "boot.img")
	st, err := Write(img, boot, opts...)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return img, st
}

// partition copies the partition out of img into its own file.
func partition(t testing.TB, img string) string {
	t.Helper()
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "part.img")
	if err := os.WriteFile(p, b[partitionStart:], 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fsck runs fsck.fat -n -v on the partition of img and returns its output;
// the test fails unless fsck.fat exits 0 and reports nothing to fix.
func fsck(t testing.TB, img string) string {
	t.Helper()
	return fsckPartition(t, partition(t, img))
}

// fsckPartition is fsck for a file that holds only a partition.
func fsckPartition(t testing.TB, part string) string {
	t.Helper()
	tool := testenv.Tool(t, "fsck.fat", "dosfstools")
	out, err := exec.Command(tool, "-n", "-v", part).CombinedOutput()
	if err != nil {
		t.Fatalf("fsck.fat -n -v: %v\n%s", err, out)
	}
	for _, bad := range []string{"arning", "differ", "wrong", "Leaving", "Invalid", "Dirty", "uninitialized", "Truncating", "Reclaim", "Fixing", "Perform changes"} {
		if strings.Contains(string(out), bad) {
			t.Errorf("fsck.fat -n -v says %q:\n%s", bad, out)
		}
	}
	return string(out)
}

// mtools runs an mtools command on img's partition and returns its output.
func mtools(t testing.TB, img, tool string, args ...string) []byte {
	t.Helper()
	path := testenv.Tool(t, tool, "mtools")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, append([]string{"-i", img + "@@1M"}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// checkMtools copies the whole partition out with mcopy -s, reads one file
// through mcopy to stdout too, and compares both with boot.
func checkMtools(t *testing.T, img string, boot fstest.MapFS) {
	t.Helper()
	dir := t.TempDir()
	mtools(t, img, "mcopy", "-s", "-n", "::*", dir)
	compareTree(t, "mcopy -s", os.DirFS(dir), boot)
	// One file is enough (mcopy -s read them all): the first by name that
	// mcopy does not take for a pattern. Picking from the map's random
	// order once chose "with space and+,;=[]chars.txt", whose [] mcopy
	// reads as a character class, and the test failed now and then.
	for _, name := range slices.Sorted(maps.Keys(boot)) {
		f := boot[name]
		if f.Mode.IsDir() || strings.ContainsAny(name, "*?[]") {
			continue
		}
		if got := mtools(t, img, "mcopy", "::/"+name, "-"); !bytes.Equal(got, f.Data) {
			t.Errorf("mcopy ::/%s -: got %d bytes, want the %d input bytes", name, len(got), len(f.Data))
		}
		break
	}
}

// checkDiskfs reads every file back with go-diskfs and compares it with
// boot.
func checkDiskfs(t *testing.T, img string, boot fstest.MapFS) {
	t.Helper()
	d, err := diskfs.Open(img, diskfs.WithOpenMode(diskfs.ReadOnly))
	if err != nil {
		t.Fatalf("go-diskfs: opening %s: %v", img, err)
	}
	defer d.Close()
	fat, err := d.GetFilesystem(1)
	if err != nil {
		t.Fatalf("go-diskfs: reading partition 1: %v", err)
	}
	compareTree(t, "go-diskfs", diskfsFS{fat}, boot)
}

// diskfsFS adapts go-diskfs's filesystem for fs.WalkDir.
type diskfsFS struct {
	fat interface {
		ReadDir(string) ([]fs.DirEntry, error)
		Open(string) (fs.File, error)
		Stat(string) (fs.FileInfo, error)
	}
}

func (d diskfsFS) Open(name string) (fs.File, error)          { return d.fat.Open("/" + name) }
func (d diskfsFS) ReadDir(name string) ([]fs.DirEntry, error) { return d.fat.ReadDir(name) }
func (d diskfsFS) Stat(name string) (fs.FileInfo, error)      { return d.fat.Stat(name) }

// compareTree checks that got holds exactly the regular files of want,
// with the same bytes.
func compareTree(t *testing.T, how string, got fs.FS, want fstest.MapFS) {
	t.Helper()
	seen := map[string]bool{}
	err := fs.WalkDir(got, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		seen[name] = true
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: %s is in the image, not in the input", how, name)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() == 0 {
			// Nothing to read; and go-diskfs cannot open an empty file
			// that has no cluster (fat12.File.Read asks for the chain
			// of cluster 0), though that is how FAT stores one.
			if len(w.Data) != 0 {
				t.Errorf("%s: %s: got 0 bytes, want %d", how, name, len(w.Data))
			}
			return nil
		}
		f, err := got.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		// One read of the whole file: go-diskfs's File.Read returns bytes
		// past the end when a read starts inside a cluster (it does not
		// cap the first partial cluster at the file size), so io.ReadAll's
		// small reads would see a longer file.
		b := make([]byte, info.Size()+1)
		n, err := io.ReadAtLeast(f, b, len(b)-1)
		if err != nil && err != io.EOF {
			return err
		}
		b = b[:n]
		if !bytes.Equal(b, w.Data) {
			t.Errorf("%s: %s: got %d bytes, want the %d input bytes", how, name, len(b), len(w.Data))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: walking the image: %v", how, err)
	}
	for name, f := range want {
		if !f.Mode.IsDir() && !seen[name] {
			t.Errorf("%s: %s is missing from the image", how, name)
		}
	}
}

// readDir lists dir, failing the test if it cannot: a missing directory
// is not an empty one.
func readDir(t testing.TB, dir string) []os.DirEntry {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

// sector reads 512 bytes of img at off.
func sector(t testing.TB, img string, off int64) []byte {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, sectorBytes)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	return b
}

var le = binary.LittleEndian
