package initrd

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// FuzzLayerSegment: any layer (a pulled appliance's, a base's) is turned
// into a segment or refused, never a crash; a segment it makes is a newc
// archive the reader takes back.
func FuzzLayerSegment(f *testing.F) {
	for _, es := range [][]tarEntry{
		{reg("app/svc", "binary"), {tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755}, ""}},
		{reg("boot/vmlinux", "kernel"), reg("init", "x")},
		{{tar.Header{Name: "bin/sh", Typeflag: tar.TypeSymlink, Linkname: "/app/svc"}, ""}, {tar.Header{Name: "dev/null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}, ""}},
		{reg("../x", "out")},
	} {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for _, e := range es {
			h := e.h
			h.Size = int64(len(e.data))
			if err := tw.WriteHeader(&h); err != nil {
				f.Fatal(err)
			}
			if _, err := tw.Write([]byte(e.data)); err != nil {
				f.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes(), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, bootOnly bool) {
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			return
		}
		opts := []Option{WithCompression(None), WithMaxBytes(1<<20, 1<<20)}
		if bootOnly {
			opts = append(opts, BootOnly())
		}
		seg, err := LayerSegment(l, func(string, int64, io.Reader) error { return nil }, opts...)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if _, err := WriteSegments(&out, []*Segment{seg}, WithCompression(None)); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(bytes.NewReader(out.Bytes())); err != nil {
			t.Errorf("a segment the reader refuses: %v", err)
		}
	})
}
