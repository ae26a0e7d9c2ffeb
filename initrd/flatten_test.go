package initrd

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cavaliergopher/cpio"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/klauspost/compress/gzip"
)

// tarEntry is a tar header and its content.
type tarEntry struct {
	h    tar.Header
	data string
}

func reg(name, data string) tarEntry {
	return tarEntry{tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data))}, data}
}

func layer(t *testing.T, entries ...tarEntry) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.h
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func image(t *testing.T, ls ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, ls...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// flatten writes img and returns the cpio entries (name → content) in
// order, and the boot files.
func flatten(t *testing.T, img v1.Image) ([]string, map[string]string, map[string]string, []byte) {
	t.Helper()
	var out bytes.Buffer
	boot := map[string]string{}
	_, err := Write(img, &out, func(name string, size int64, r io.Reader) error {
		b, err := io.ReadAll(r)
		boot[name] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	r := cpio.NewReader(zr)
	var names []string
	files := map[string]string{}
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		files[h.Name] = string(b)
	}
	return names, files, boot, out.Bytes()
}

func TestWriteSplitsBoot(t *testing.T) {
	img := image(t,
		layer(t, reg("boot/vmlinuz", "kernel"), reg("boot/overlays/x.dtbo", "dtbo")),
		layer(t, reg("./lib/modules/6.1/a.ko", "ko")),
		layer(t, reg("init", "init")),
	)
	names, files, boot, _ := flatten(t, img)
	if boot["vmlinuz"] != "kernel" || boot["overlays/x.dtbo"] != "dtbo" || len(boot) != 2 {
		t.Errorf("boot files = %v", boot)
	}
	if names[0] != "dev" || names[1] != "dev/console" {
		t.Errorf("archive starts with %v, want dev, dev/console", names[:2])
	}
	if files["init"] != "init" || files["lib/modules/6.1/a.ko"] != "ko" {
		t.Errorf("files = %v", files)
	}
	for _, want := range []string{"lib", "lib/modules", "lib/modules/6.1"} {
		if _, ok := files[want]; !ok {
			t.Errorf("parent directory %s missing: %v", want, names)
		}
	}
	for _, n := range names {
		if n == "boot" || len(n) > 5 && n[:5] == "boot/" {
			t.Errorf("archive holds %s", n)
		}
	}
}

func TestWriteAppliesWhiteouts(t *testing.T) {
	img := image(t,
		layer(t, reg("etc/keep", "1"), reg("etc/gone", "2"), reg("opt/dir/a", "3"), reg("etc/over", "old")),
		layer(t, reg("etc/.wh.gone", ""), reg("opt/dir/.wh..wh..opq", ""), reg("etc/over", "new")),
	)
	_, files, _, _ := flatten(t, img)
	if _, ok := files["etc/gone"]; ok {
		t.Error("whiteout did not delete etc/gone")
	}
	if _, ok := files["opt/dir/a"]; ok {
		t.Error("opaque whiteout did not hide opt/dir/a")
	}
	if files["etc/keep"] != "1" || files["etc/over"] != "new" {
		t.Errorf("files = %v", files)
	}
	for n := range files {
		if bytes.Contains([]byte(n), []byte(".wh.")) {
			t.Errorf("whiteout marker %s reached the archive", n)
		}
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	mk := func() v1.Image {
		return image(t, layer(t, reg("a/b", "x"), reg("boot/k", "k")), layer(t, reg("c", "y")))
	}
	_, _, _, a := flatten(t, mk())
	_, _, _, b := flatten(t, mk())
	if !bytes.Equal(a, b) {
		t.Error("two flattens of the same image differ")
	}
}

func TestWriteRejectsUnsafePaths(t *testing.T) {
	for _, tt := range []struct {
		name  string
		entry tarEntry
	}{
		{"dot-dot", reg("../../etc/passwd", "x")},
		{"dot-dot inside", reg("a/../../b", "x")},
		{"absolute", reg("/etc/passwd", "x")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Write(image(t, layer(t, reg("ok", "1"), tt.entry)), io.Discard, func(string, int64, io.Reader) error { return nil })
			if !errors.Is(err, ErrUnsafePath) && (err == nil || !strings.Contains(err.Error(), "unsafe tar path")) {
				t.Errorf("err = %v, want an unsafe path error", err)
			}
		})
	}
	escaping := tarEntry{tar.Header{Name: "a/link", Typeflag: tar.TypeSymlink, Linkname: "../../../etc"}, ""}
	_, files, _, _ := flatten(t, image(t, layer(t, reg("a/f", "1"), escaping)))
	if _, ok := files["a/link"]; ok {
		t.Error("a symlink escaping the root reached the archive")
	}
	// An absolute symlink is resolved inside the initramfs: allowed.
	abs := tarEntry{tar.Header{Name: "bin/sh", Typeflag: tar.TypeSymlink, Linkname: "/usr/bin/true"}, ""}
	if _, err := Write(image(t, layer(t, abs)), io.Discard, nil); err != nil {
		t.Errorf("absolute symlink rejected: %v", err)
	}
}

// failingLayer yields a valid tar stream, then an error, as a layer whose
// digest does not verify does.
type failingLayer struct{ v1.Layer }

var errVerify = errors.New("digest mismatch")

func (l failingLayer) Uncompressed() (io.ReadCloser, error) {
	rc, err := l.Layer.Uncompressed()
	if err != nil {
		return nil, err
	}
	return io.NopCloser(io.MultiReader(rc, errReader{})), nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errVerify }

// TestWriteFailsOnLayerError guards against mutate.Extract's clean tar
// trailer hiding a layer error: the write must fail, not come out short.
func TestWriteFailsOnLayerError(t *testing.T) {
	img := image(t, failingLayer{layer(t, reg("lib/a", "1"))}, layer(t, reg("init", "2")))
	_, err := Write(img, io.Discard, func(string, int64, io.Reader) error { return nil })
	if !errors.Is(err, errVerify) {
		t.Fatalf("err = %v, want the layer's error", err)
	}
}
