package oci

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func TestImageRoundTrip(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	img, err := random.Image(1024, 3)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := s.WriteImage(img, "app:1")
	if err != nil {
		t.Fatal(err)
	}
	want := digest(t, img)
	if desc.Digest != want {
		t.Errorf("stored digest %s, want %s", desc.Digest, want)
	}
	got, err := s.Image("app:1")
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(got); err != nil {
		t.Errorf("validate.Image: %v", err)
	}
	byDigest, err := s.Image(want.String())
	if err != nil {
		t.Fatal(err)
	}
	if d := digest(t, byDigest); d != want {
		t.Errorf("image by digest = %s, want %s", d, want)
	}
	if _, err := s.Image("app:2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown tag: err = %v, want ErrNotFound", err)
	}
}

func TestTagReplaces(t *testing.T) {
	s := newStore(t)
	a := randomImage(t, 10, 1)
	b := randomImage(t, 10, 1)
	if _, err := s.WriteImage(a, "x:latest"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteImage(b, "x:latest"); err != nil {
		t.Fatal(err)
	}
	tags, err := s.Tags()
	if err != nil {
		t.Fatal(err)
	}
	want := digest(t, b)
	if len(tags) != 1 || tags[0].Descriptor.Digest != want {
		t.Errorf("tags = %+v, want one tag at %s", tags, want)
	}
}

func TestCorruptBlobIsAnError(t *testing.T) {
	s := newStore(t)
	img := randomImage(t, 4096, 1)
	if _, err := s.WriteImage(img, "c:1"); err != nil {
		t.Fatal(err)
	}
	l := mustLayers(t, img)[0]
	d := digest(t, l)
	if err := os.WriteFile(s.blobPath(d), []byte("not what was stored"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := s.Image("c:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mustLayers(t, got)[0].Uncompressed(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), d.Hex) {
		t.Errorf("reading a corrupted blob: err = %v, want ErrCorrupt naming it", err)
	}
}

func TestWriteBlobRejectsWrongDigest(t *testing.T) {
	s := newStore(t)
	h, err := v1.NewHash("sha256:" + fmt.Sprintf("%064x", 1))
	if err != nil {
		t.Fatal(err)
	}
	err = s.WriteBlob(h, strings.NewReader("hello"))
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if s.HasBlob(h) {
		t.Error("blob with the wrong digest was kept")
	}
	if ents := readDir(t, s.TempDir()); len(ents) != 0 {
		t.Errorf("temporary files left behind: %v", ents)
	}
}

// TestWriteBlobKeepsGoodBlob: content offered under the wrong digest is
// dropped without touching the stored blob that content really is.
func TestWriteBlobKeepsGoodBlob(t *testing.T) {
	s := newStore(t)
	good, _, err := v1.SHA256(strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteBlob(good, strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	wrong, err := v1.NewHash("sha256:" + fmt.Sprintf("%064x", 2))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteBlob(wrong, strings.NewReader("hello")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if b, err := os.ReadFile(s.blobPath(good)); err != nil || string(b) != "hello" {
		t.Errorf("the good blob is %q (%v) after a wrong-digest write of its content", b, err)
	}
}

// TestSweepTemp: files a killed process left in tmp/ go when the store is
// next opened by a process that is alone with it, not while another has
// it open.
func TestSweepTemp(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	left := filepath.Join(s.TempDir(), "blob-123")
	if err := os.WriteFile(left, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	other, err := OpenStore(dir) // s still has it open
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); err != nil {
		t.Fatalf("a temp file of a store in use was swept: %v", err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if ents := readDir(t, again.TempDir()); len(ents) != 0 {
		t.Errorf("tmp/ holds %v after the store was opened alone", ents)
	}
}

// TestIndexWriteLeavesNoTemp: the index and memos are written through
// tmp/, never as stray files beside them.
func TestIndexWriteLeavesNoTemp(t *testing.T) {
	s := newStore(t)
	defer s.Close()
	img := randomImage(t, 100, 1)
	if _, err := s.WriteImage(img, "a:1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMemo("k", 1); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{s.Dir(), s.path("memo"), s.TempDir()} {
		ents := readDir(t, d)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".tmp") || d == s.TempDir() {
				t.Errorf("%s holds %s", d, e.Name())
			}
		}
	}
}

// TestConcurrentWriters tags from goroutines and from other processes at
// once; every tag must survive and every image must read back intact.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	const goroutines, procs = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, goroutines+procs)
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- writeRandom(dir, "g"+strconv.Itoa(i))
		}()
	}
	for i := 0; i < procs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
			cmd.Env = append(os.Environ(), "WISP_STORE_HELPER="+dir, "WISP_STORE_TAG=p"+strconv.Itoa(i))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("helper process: %v\n%s", err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := s.Tags()
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != goroutines+procs {
		t.Fatalf("%d tags survived, want %d: %v", len(tags), goroutines+procs, tags)
	}
	for _, tag := range tags {
		img, err := s.Image(tag.Name)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate.Image(img); err != nil {
			t.Errorf("%s: %v", tag.Name, err)
		}
	}
}

// TestHelperWriter is the body of the other processes of TestConcurrentWriters.
func TestHelperWriter(t *testing.T) {
	dir := os.Getenv("WISP_STORE_HELPER")
	if dir == "" {
		t.Skip("helper process for TestConcurrentWriters")
	}
	if err := writeRandom(dir, os.Getenv("WISP_STORE_TAG")); err != nil {
		t.Fatal(err)
	}
}

func writeRandom(dir, tag string) error {
	s, err := OpenStore(dir)
	if err != nil {
		return err
	}
	for i := 0; i < 5; i++ {
		img, err := random.Image(2048, 2)
		if err != nil {
			return err
		}
		if _, err := s.WriteImage(img, tag+":"+strconv.Itoa(i%1)); err != nil {
			return err
		}
	}
	return nil
}

func randomImage(t *testing.T, byteSize, layers int64) v1.Image {
	t.Helper()
	img, err := random.Image(byteSize, layers)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// digest is the digest of an image or a layer.
func digest(t *testing.T, x interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	d, err := x.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// readDir lists dir, failing the test if it cannot: a missing directory
// is not an empty one.
func readDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

func mustLayers(t *testing.T, img v1.Image) []v1.Layer {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	return ls
}
