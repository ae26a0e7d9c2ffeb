package appbinary

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/limits"
)

// extractFile copies the regular file name of the flattened image, of at
// most max bytes, to a new file in tmpDir, reading the whole image so that
// every layer's digest is checked; the file is removed on any error.
func extractFile(ctx context.Context, img v1.Image, name, tmpDir string, max int64) (_ string, err error) {
	f, err := os.CreateTemp(tmpDir, "binary-*")
	if err != nil {
		return "", fmt.Errorf("creating the binary's file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	found := false
	err = walkImage(ctx, img, func(n string, h *tar.Header, r io.Reader) error {
		if found || n != name {
			return nil
		}
		found = true
		if h.Typeflag != tar.TypeReg {
			return fmt.Errorf("/%s changed type between two reads of the image", name)
		}
		if err := limits.Check("/"+name, h.Size, max); err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			return fmt.Errorf("writing %s: %w", f.Name(), err)
		}
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case !found:
		return "", fmt.Errorf("/%s vanished between two reads of the image", name)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}
