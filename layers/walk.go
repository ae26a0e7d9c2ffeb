package layers

import (
	"archive/tar"
	"context"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/ctxio"
	"github.com/wispboot/wisp/limits"
)

// Walk calls f for each regular file of a layer, with its clean
// relative path.
func Walk(ctx context.Context, l v1.Layer, f func(name string, h *tar.Header, r io.Reader) error) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(limits.Reader(ctxio.Reader(ctx, rc), "the layer's content", limits.LayerContent))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := f(strings.TrimPrefix(path.Clean("/"+h.Name), "/"), h, tr); err != nil {
			return err
		}
	}
}
