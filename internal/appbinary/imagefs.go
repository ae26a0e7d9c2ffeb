package appbinary

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/internal/ctxio"
	"github.com/wispboot/wisp/limits"
)

// ErrNotInImage is returned for a path that no layer holds, or that an
// upper layer whited out.
var ErrNotInImage = errors.New("no such file in the image")

var (
	errSymlinkLoop = errors.New("too many levels of symbolic links")
	errNotDir      = errors.New("not a directory")
	errNameTooLong = errors.New("symbolic link target too long")
)

// Limits of the kernel's path walk (include/linux/namei.h, limits.h).
const (
	maxSymlinks = 40
	maxLinkLen  = 4095
)

// imageFS is the tree of a flattened image, headers only: what path
// resolution needs, never a file's content.
type imageFS struct {
	nodes map[string]node // clean relative name ("usr/bin/svc") → entry
	dirs  map[string]bool // parents implied by entries, "" is the root
}

type node struct {
	typ  byte   // tar.TypeReg, TypeDir, TypeSymlink, TypeLink, …
	link string // symlink or hard link target
	mode int64
}

// readImageFS reads the headers of the flattened image (whiteouts
// applied by mutate.Extract, upper layers first).
func readImageFS(ctx context.Context, img v1.Image) (*imageFS, error) {
	fsys := &imageFS{nodes: map[string]node{}, dirs: map[string]bool{"": true}}
	names := limits.Budget{What: "the names and link targets of the image's files", Limit: limits.ImageNameBytes}
	err := walkImage(ctx, img, func(name string, h *tar.Header, _ io.Reader) error {
		if _, ok := fsys.nodes[name]; ok {
			return nil // "/a" and "a" in one image: the first, upper one wins
		}
		if err := limits.Count("the image's file count", len(fsys.nodes)+1, limits.ImageEntries, "files"); err != nil {
			return err
		}
		if err := names.Spend(int64(len(name) + len(h.Linkname))); err != nil {
			return err
		}
		fsys.nodes[name] = node{typ: h.Typeflag, link: h.Linkname, mode: h.Mode}
		for d := path.Dir(name); d != "." && !fsys.dirs[d]; d = path.Dir(d) {
			fsys.dirs[d] = true
		}
		return nil
	})
	return fsys, err
}

// walkImage calls f for every entry of the flattened image but the root,
// with its name relative to the root, then drains the stream: Extract
// writes its tar trailer even when a layer fails, and only the drain
// returns that error.
func walkImage(ctx context.Context, img v1.Image, f func(name string, h *tar.Header, r io.Reader) error) error {
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(limits.Reader(ctxio.Reader(ctx, rc), "the image's content", limits.LayerContent))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading image: %w", err)
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		if name == "" {
			continue
		}
		if err := f(name, h, tr); err != nil {
			return err
		}
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return fmt.Errorf("reading image: %w", err)
	}
	return nil
}

// lookup returns the entry at a name, with hard links replaced by their
// targets (named from the root, as tar does), and the name of the entry
// whose content it has. A directory only implied by the entries under it
// is a directory.
func (fsys *imageFS) lookup(name string) (n node, content string, err error) {
	n, ok := fsys.nodes[name]
	if fsys.dirs[name] && (!ok || n.typ == tar.TypeDir) {
		return node{typ: tar.TypeDir, mode: 0o755}, name, nil
	}
	content = name
	for hops := 0; ok && n.typ == tar.TypeLink; hops++ {
		if hops == maxSymlinks {
			return node{}, "", fmt.Errorf("/%s: hard links: %w", name, errSymlinkLoop)
		}
		content = strings.TrimPrefix(path.Clean("/"+n.link), "/")
		if n, ok = fsys.nodes[content]; !ok {
			return node{}, "", fmt.Errorf("/%s: hard link to /%s: %w", name, content, ErrNotInImage)
		}
	}
	if !ok {
		return node{}, "", fmt.Errorf("/%s: %w", name, ErrNotInImage)
	}
	return n, content, nil
}
