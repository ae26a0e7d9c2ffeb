package image

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestWriteRoundTrip(t *testing.T) {
	t.Parallel()
	boot := piFiles()
	img, st := writeImage(t, boot)
	fsck(t, img)
	checkMtools(t, img, boot)
	checkDiskfs(t, img, boot)

	root := string(mtools(t, img, "mdir", "::"))
	for _, want := range []string{"Volume in drive : is WISPBOOT", "BCM271~1 DTB     52000", "bcm2711-rpi-4-b.dtb", "bcm2711-rpi-400.dtb", "fixup4cd.dat", "initrd.img", "config.txt", "cmdline.txt", "OVERLAYS     <DIR>"} {
		if !strings.Contains(root, want) {
			t.Errorf("mdir :: lacks %q:\n%s", want, root)
		}
	}
	if sub := string(mtools(t, img, "mdir", "::/overlays")); !strings.Contains(sub, "disable-bt.dtbo") {
		t.Errorf("mdir ::/overlays lacks disable-bt.dtbo:\n%s", sub)
	}

	want := Stats{ImageBytes: partitionStart + 33*mib, PartitionBytes: 33 * mib, Files: 13, ClusterBytes: 512}
	for _, f := range boot {
		want.ContentBytes += int64(len(f.Data))
	}
	want.SHA256 = sha256.Sum256(readFile(t, img))
	if *st != want {
		t.Errorf("Stats: got %+v, want %+v", *st, want)
	}
	if fi, err := os.Stat(img); err != nil || fi.Size() != st.ImageBytes || fi.Mode().Perm() != 0o644 {
		t.Errorf("image file: got %v (err %v), want %d bytes, mode 0644", fi, err, st.ImageBytes)
	}
}

func TestWriteEmpty(t *testing.T) {
	t.Parallel()
	img, st := writeImage(t, fstest.MapFS{})
	fsck(t, img)
	if st.Files != 0 || st.PartitionBytes != 33*mib {
		t.Errorf("Stats: got %+v, want 0 files in 33 MiB", *st)
	}
}

func TestWriteNames(t *testing.T) {
	t.Parallel()
	boot := fstest.MapFS{
		strings.Repeat("n", 255):        {Data: []byte("255 characters")},
		"thirteen-char":                 {Data: []byte("one full long-name entry")},
		"twenty-six-characters.abc":     {Data: []byte("two full long-name entries")}, // 25, plus:
		"twenty-six-characters.abcd":    {Data: []byte("26")},
		"with space and+,;=[]chars.txt": {Data: []byte("odd characters")},
		"archive.tar.gz":                {Data: []byte("two dots")},
		"NOEXT":                         {Data: []byte("plain 8.3, no long name")},
		"BCM271~1.DTB":                  {Data: []byte("an 8.3 name go-diskfs would also generate")},
		"bcm2711-rpi-4-b.dtb":           {Data: []byte("gets BCM271~2.DTB")},
		"dir.with.dots/Mixed-Case.Name": {Data: []byte("in a subdirectory")},
		"empty-dir":                     {Mode: os.ModeDir | 0o755},
	}
	for i := range 12 { // tails ~1 to ~9, then ~10 with a shorter stem
		boot[strings.Repeat("x", 10)+string(rune('a'+i))+".dtbo"] = &fstest.MapFile{Data: []byte{byte(i)}}
	}
	img, _ := writeImage(t, boot)
	fsck(t, img)
	checkMtools(t, img, boot)
	checkDiskfs(t, img, boot)
	if got := string(mtools(t, img, "mdir", "-b", "::/empty-dir")); got != "" {
		t.Errorf("mdir ::/empty-dir: got %q, want an empty directory", got)
	}
}

// TestShortNames: names whose 8.3 forms would be the same, or the volume
// label's, get numeric tails, whatever their order.
func TestShortNames(t *testing.T) {
	t.Parallel()
	boot := fstest.MapFS{
		"a+b.txt":  {Data: []byte("lossy: A_B~1.TXT")},
		"a_b.txt":  {Data: []byte("A_B.TXT, only case changed")},
		"A_C.TXT":  {Data: []byte("exact")},
		"a+c.txt":  {Data: []byte("lossy, and after A_C.TXT: A_C~1.TXT")},
		"a b.txt":  {Data: []byte("a space dropped: AB~1.TXT")},
		"ab.txt":   {Data: []byte("AB.TXT")},
		"wispboot": {Data: []byte("the label's name: WISPBO~1")},
		".hidden":  {Data: []byte("a leading dot dropped: HIDDEN~1")},
		"X~1":      {Data: []byte("exact, reserved before x+ takes a tail")},
		"x+":       {Data: []byte("X_~1")},
		"x++":      {Data: []byte("X__~1")},
		"xy~1":     {Data: []byte("only case: XY~1")},
	}
	img, _ := writeImage(t, boot)
	fsck(t, img)
	checkMtools(t, img, boot)
	checkDiskfs(t, img, boot)
	root := string(mtools(t, img, "mdir", "-a", "::"))
	for _, want := range []string{"A_B~1    TXT", "A_B      TXT", "A_C      TXT", "A_C~1    TXT", "AB~1     TXT", "AB       TXT", "WISPBO~1", "HIDDEN~1", "X~1 ", "X_~1", "X__~1", "XY~1"} {
		if !strings.Contains(root, want) {
			t.Errorf("mdir -a :: lacks the 8.3 name %q:\n%s", want, root)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		boot fstest.MapFS
		want string
	}{
		{"symlink", fstest.MapFS{"vmlinuz": {Mode: os.ModeSymlink, Data: []byte("vmlinuz-6.1")}}, "boot file vmlinuz is a symlink"},
		{"colon", fstest.MapFS{"a:b": {}}, "boot file a:b: name has a control character"},
		{"control", fstest.MapFS{"a\tb": {}}, "name has a control character"},
		{"trailing dot", fstest.MapFS{"x.": {}}, "name ends in a dot or a space"},
		{"trailing space", fstest.MapFS{"x ": {}}, "name ends in a dot or a space"},
		{"non-ASCII", fstest.MapFS{"café.txt": {}}, "outside printable ASCII"},
		{"too long", fstest.MapFS{strings.Repeat("n", 256): {}}, "longer than 255"},
		{"case", fstest.MapFS{"Config.txt": {}, "config.txt": {}}, "boot files Config.txt and config.txt differ only in case"},
		{"case in dir", fstest.MapFS{"A/x": {}, "a/y": {}}, "boot files A and a differ only in case"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			img := filepath.Join(dir, "boot.img")
			_, err := Write(img, tc.boot)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Write: got error %v, want one containing %q", err, tc.want)
			}
			if ents := readDir(t, dir); len(ents) != 0 {
				t.Errorf("output directory: got %v, want it empty", ents)
			}
		})
	}
}
