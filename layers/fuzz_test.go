package layers

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/wispboot/wisp/limits"
)

// FuzzCheckExtra: any tar (or gzip'd tar) is accepted as an extra layer or
// refused, and what is accepted never touches what wisp owns.
func FuzzCheckExtra(f *testing.F) {
	for _, hs := range [][]tar.Header{
		{{Name: "srv/a", Typeflag: tar.TypeReg, Mode: 0o644}},
		{{Name: "init", Typeflag: tar.TypeReg, Mode: 0o755}},
		{{Name: "etc", Typeflag: tar.TypeSymlink, Linkname: "/srv"}},
		{{Name: "lib/.wh..wh..opq", Typeflag: tar.TypeReg}},
	} {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for _, h := range hs {
			if err := tw.WriteHeader(&h); err != nil {
				f.Fatalf("seed entry %s: %v", h.Name, err)
			}
		}
		if err := tw.Close(); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			return
		}
		if CheckExtra(context.Background(), l, &limits.Budget{What: "fuzz", Limit: 1 << 20}) != nil {
			return
		}
		tr := tar.NewReader(bytes.NewReader(b))
		for {
			h, err := tr.Next()
			if err != nil {
				return
			}
			if err := checkEntry(h); err != nil {
				t.Fatalf("accepted a layer with %q: %v", h.Name, err)
			}
		}
	})
}
