package initrd

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/spill"
)

// unpack reads an initrd with Read: name → "mode:content".
func unpack(t *testing.T, b []byte) map[string]string {
	t.Helper()
	entries, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tree := map[string]string{}
	for name, e := range entries {
		tree[name] = fmt.Sprintf("%o:%s", e.Mode, e.Data)
	}
	return tree
}

func segments(t *testing.T, ls ...v1.Layer) []*Segment {
	t.Helper()
	return segmentsWith(t, Gzip, ls...)
}

func segmentsWith(t *testing.T, c Compression, ls ...v1.Layer) []*Segment {
	t.Helper()
	var segs []*Segment
	for _, l := range ls {
		s, err := LayerSegment(l, func(string, int64, io.Reader) error { return nil }, WithCompression(c))
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, s)
	}
	return segs
}

// TestSegmentsEqualFlatten: when Stackable says so, the concatenated
// segments unpack to the tree the full flatten unpacks to, compressed or
// not.
func TestSegmentsEqualFlatten(t *testing.T) {
	for _, c := range []Compression{Gzip, None} {
		t.Run(string(c), func(t *testing.T) { testSegmentsEqualFlatten(t, c) })
	}
}

func testSegmentsEqualFlatten(t *testing.T, c Compression) {
	sym := tarEntry{tar.Header{Name: "bin/sh", Typeflag: tar.TypeSymlink, Linkname: "/app/svc"}, ""}
	dir := tarEntry{tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o750}, ""}
	ls := []v1.Layer{
		layer(t, reg("boot/vmlinuz", "kernel")),
		layer(t, reg("lib/modules/6.1/a.ko", "ko"), reg("lib/modules/6.1/modules.dep", "a.ko:")),
		layer(t, reg("init", "init"), dir, reg("etc/passwd", "old")),
		layer(t, reg("app/svc", "binary"), sym),
		layer(t, reg("etc/passwd", "new"), reg("etc/wisp/config.json", "{}")),
	}
	segs := segmentsWith(t, c, ls...)
	if err := Stackable(segs); err != nil {
		t.Fatal(err)
	}
	var stacked bytes.Buffer
	st, err := WriteSegments(&stacked, segs, WithCompression(c))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, flat := flatten(t, image(t, ls...))
	got, want := unpack(t, stacked.Bytes()), unpack(t, flat)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stacked segments unpack to\n%v\nflattening to\n%v", got, want)
	}
	if got["etc/passwd"] != "100644:new" || got["dev/console"] == "" {
		t.Errorf("etc/passwd %q, dev/console %q", got["etc/passwd"], got["dev/console"])
	}
	if st.Compressed != int64(stacked.Len()) || st.Entries == 0 {
		t.Errorf("stats %+v for %d bytes", st, stacked.Len())
	}
	if segs[0].Archive != nil || segs[0].Stats.BootFiles != 1 {
		t.Errorf("a layer of boot files only has segment %+v", segs[0])
	}
	gzipped := bytes.HasPrefix(stacked.Bytes(), []byte{0x1f, 0x8b})
	if raw := st.Compressed == st.Bytes; gzipped != (c == Gzip) || raw != (c == None) {
		t.Errorf("%s: initrd starts % x, %d bytes for %d uncompressed", c, stacked.Bytes()[:2], st.Compressed, st.Bytes)
	}
}

func TestUnknownCompression(t *testing.T) {
	_, err := LayerSegment(layer(t, reg("a", "b")), nil, WithCompression("zstd"))
	if err == nil || !strings.Contains(err.Error(), `"zstd"`) {
		t.Errorf("compression zstd: got %v, want an error naming it", err)
	}
}

func TestStackable(t *testing.T) {
	for _, tt := range []struct {
		name   string
		layers [][]tarEntry
		ok     bool
	}{
		{"plain", [][]tarEntry{{reg("a/b", "1")}, {reg("a/c", "2")}}, true},
		{"file replaced by a file", [][]tarEntry{{reg("a", "1")}, {reg("a", "2")}}, true},
		{"whiteout", [][]tarEntry{{reg("a", "1")}, {reg(".wh.a", "")}}, false},
		{"opaque directory", [][]tarEntry{{reg("d/a", "1")}, {reg("d/.wh..wh..opq", "")}}, false},
		{"file becomes a directory", [][]tarEntry{{reg("a", "1")}, {reg("a/b", "2")}}, false},
		{"directory becomes a file", [][]tarEntry{{reg("a/b", "1")}, {reg("a", "2")}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ls []v1.Layer
			for _, entries := range tt.layers {
				ls = append(ls, layer(t, entries...))
			}
			err := Stackable(segments(t, ls...))
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrNotStackable)) {
				t.Errorf("Stackable = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestSegmentIsDeterministic(t *testing.T) {
	mk := func() []byte {
		b, err := segments(t, layer(t, reg("a/b", "x"), reg("c", "y")))[0].Archive.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(mk(), mk()) {
		t.Error("one layer made two different segments")
	}
}

// TestSegmentSpills: a segment larger than the spill threshold lives in a
// file, and the initrd written from it is the same.
func TestSegmentSpills(t *testing.T) {
	big := strings.Repeat("z", spill.Threshold+1)
	l := layer(t, reg("data/big", big), reg("data/small", "s"))
	seg, err := LayerSegment(l, func(string, int64, io.Reader) error { return nil }, WithCompression(None), WithSpill(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if !seg.Archive.Spilled() {
		t.Fatal("a segment over the threshold stayed in memory")
	}
	var b bytes.Buffer
	if _, err := WriteSegments(&b, []*Segment{seg}, WithCompression(None)); err != nil {
		t.Fatal(err)
	}
	tree := unpack(t, b.Bytes())
	if got := tree["data/big"]; len(got) != len(big)+len("100644:") {
		t.Errorf("data/big unpacks to %d bytes", len(got))
	}
}
