package layers

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/epoch"
)

// File is one entry of a layer built with Layer.
type File struct {
	Path string      // slash-separated, relative to the root ("app/svc")
	Mode fs.FileMode // permissions plus fs.ModeDir or fs.ModeSymlink
	Link string      // symlink target
	Size int64
	// Open returns the content of a regular file.
	Open func() (io.ReadCloser, error)
}

// Bytes is a regular file with content b.
func Bytes(name string, mode fs.FileMode, b []byte) File {
	return File{Path: name, Mode: mode, Size: int64(len(b)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

// Layer makes a deterministic layer of files: sorted by path, parent
// directories added (0755), owned by 0:0, dated epoch.Time().
func Layer(files []File, opts ...LayerOption) (v1.Layer, error) {
	files, err := withParents(files)
	if err != nil {
		return nil, err
	}
	l := &memLayer{files: files}
	for _, o := range opts {
		o(l)
	}
	return l, nil
}

func withParents(files []File) ([]File, error) {
	seen := map[string]bool{}
	var all []File
	for _, f := range files {
		p := path.Clean(strings.TrimPrefix(f.Path, "/"))
		if p == "." || strings.HasPrefix(p, "../") || p == ".." {
			return nil, fmt.Errorf("layer entry %q is outside the root", f.Path)
		}
		if seen[p] {
			return nil, fmt.Errorf("layer entry %q appears twice", f.Path)
		}
		f.Path = p
		seen[p] = true
		all = append(all, f)
	}
	for _, f := range all {
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			if !seen[d] {
				seen[d] = true
				all = append(all, File{Path: d, Mode: fs.ModeDir | 0o755})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	return all, nil
}

func writeTar(w io.Writer, files []File) error {
	tw := tar.NewWriter(w)
	for _, f := range files {
		h := Header(f.Path, f.Mode)
		switch {
		case f.Mode.IsDir():
			h.Name += "/"
		case f.Mode&fs.ModeSymlink != 0:
			h.Linkname = f.Link
		default:
			h.Size = f.Size
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if f.Mode.IsRegular() {
			if err := copyFile(tw, f); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

func copyFile(w io.Writer, f File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	n, err := io.Copy(w, rc)
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Path, err)
	}
	if n != f.Size {
		return fmt.Errorf("reading %s: size changed from %d to %d bytes while building the layer", f.Path, f.Size, n)
	}
	return nil
}

// header is a normalized tar header for name: owner 0:0, dated epoch.Time().
// Header is the tar header wisp writes for name: mode's permission and
// type bits, owned by 0:0, dated epoch.Time().
func Header(name string, mode fs.FileMode) *tar.Header {
	h := &tar.Header{Name: name, Mode: int64(mode.Perm()), ModTime: epoch.Time(), Typeflag: tar.TypeReg}
	if mode&fs.ModeSetuid != 0 {
		h.Mode |= 0o4000
	}
	if mode&fs.ModeSetgid != 0 {
		h.Mode |= 0o2000
	}
	if mode&fs.ModeSticky != 0 {
		h.Mode |= 0o1000
	}
	switch {
	case mode.IsDir():
		h.Typeflag = tar.TypeDir
	case mode&fs.ModeSymlink != 0:
		h.Typeflag = tar.TypeSymlink
	}
	return h
}
