package appbinary

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"strconv"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// ent is one tar entry of a test layer.
type ent struct {
	name string
	typ  byte
	link string
	body string
	mode int64
}

func reg(name, body string) ent  { return ent{name: name, typ: tar.TypeReg, body: body, mode: 0o755} }
func data(name, body string) ent { return ent{name: name, typ: tar.TypeReg, body: body, mode: 0o644} }
func dir(name string) ent        { return ent{name: name, typ: tar.TypeDir, mode: 0o755} }
func sym(name, target string) ent {
	return ent{name: name, typ: tar.TypeSymlink, link: target, mode: 0o777}
}
func hard(name, target string) ent {
	return ent{name: name, typ: tar.TypeLink, link: target, mode: 0o755}
}

// whiteout deletes name from the layers below; opaque hides all they
// hold under dir.
func whiteout(dir, base string) ent { return data(dir+".wh."+base, "") }
func opaque(dir string) ent         { return data(dir+".wh..wh..opq", "") }

// tarLayer writes ents, in order and as given (no parents added, names
// not cleaned), into an uncompressed layer.
func tarLayer(t *testing.T, ents []ent) v1.Layer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: e.mode, Size: int64(len(e.body))}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar entry %s: %v", e.name, err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatalf("tar entry %s: %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// testImage stacks layers (the lowest first) under config c.
func testImage(t *testing.T, c v1.Config, layers ...[]ent) v1.Image {
	t.Helper()
	img := empty.Image
	for _, ents := range layers {
		var err error
		if img, err = mutate.AppendLayers(img, tarLayer(t, ents)); err != nil {
			t.Fatal(err)
		}
	}
	img, err := mutate.Config(img, c)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestResolveIsConfinedToTheImage(t *testing.T) {
	img := testImage(t, v1.Config{}, []ent{
		data("x", "root x"), data("a/x", "a x"),
		sym("a/b/root", "/"),
		sym("a/b/up", "root/../../x"), // lexically a/x, but .. is taken after following root
		sym("abs", "/../../../../x"),
		sym("passwd", "/etc/passwd"), // the image has no /etc; the host's must not be read
		sym("loop1", "loop2"), sym("loop2", "/loop1"),
		sym("self", "self"),
		sym("long", string(bytes.Repeat([]byte("/"), maxLinkLen+1))+"x"),
	})
	fsys, err := readImageFS(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, want string
		wantErr    error
	}{
		{"/a/b/up", "x", nil},
		{"/abs", "x", nil},
		{"/../../x", "x", nil},
		{"a/b/root/a/x", "a/x", nil},
		{"/passwd", "", ErrNotInImage},
		{"/etc/passwd", "", ErrNotInImage},
		{"/loop1", "", errSymlinkLoop},
		{"/self", "", errSymlinkLoop},
		{"/long", "", errNameTooLong},
		{"/x/y", "", errNotDir},
	} {
		t.Run(tt.path, func(t *testing.T) {
			name, _, _, err := fsys.resolve(tt.path)
			if !isErr(err, tt.wantErr) || name != tt.want {
				t.Errorf("resolve(%q) = %q, %v; want %q, %v", tt.path, name, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSymlinkLimit(t *testing.T) {
	for _, tt := range []struct {
		links   int
		wantErr error
	}{
		{maxSymlinks, nil},
		{maxSymlinks + 1, errSymlinkLoop},
	} {
		// l0 → l1 → … → l<links-1> → svc
		ents := []ent{reg("svc", "x")}
		for i := range tt.links {
			target := "l" + strconv.Itoa(i+1)
			if i == tt.links-1 {
				target = "svc"
			}
			ents = append(ents, sym("l"+strconv.Itoa(i), target))
		}
		fsys, err := readImageFS(context.Background(), testImage(t, v1.Config{}, ents))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := fsys.file("/l0"); !isErr(err, tt.wantErr) {
			t.Errorf("%d links: err = %v, want %v", tt.links, err, tt.wantErr)
		}
	}
}
