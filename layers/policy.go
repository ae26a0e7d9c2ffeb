package layers

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/ctxio"
	"github.com/wispboot/wisp/limits"
)

// ErrNotAllowed is returned for an extra layer's entry that would take
// over what wisp owns, or that an appliance must not carry.
var ErrNotAllowed = errors.New("not allowed in an extra layer")

// owned are the paths of every appliance that wisp makes and the init
// trusts: its own program, the app, the modules it loads as root, its
// configuration and the /etc files generated from it (resolv.conf the init
// may write at boot, as root). Nothing of an extra layer may be at or
// under them, nor whiteout them.
var owned = []string{
	"init", "app", "lib/modules", "etc/wisp",
	"etc/passwd", "etc/group", "etc/hosts", "etc/nsswitch.conf", "etc/resolv.conf",
}

// mountPoints are where the init mounts file systems (init/mount_linux.go):
// an extra layer may hold them as directories, nothing in or instead of
// them (a symlink there would move the mount).
var mountPoints = []string{"dev", "proc", "sys", "run", "tmp"}

// CheckExtra reads an extra layer (--layer: a tar file, a directory, an
// image's layers) and refuses it if an entry
//
//   - lands outside the root (ErrUnsafeEntry);
//   - is at, under, or instead of a directory on the way to a path wisp
//     owns, or whiteouts one (ErrNotAllowed);
//   - is a device node or a FIFO, is setuid or setgid, or is writable by
//     everyone (ErrNotAllowed);
//
// and spends its files' sizes from budget (nil: no bound), so that a
// layer too large for the board is refused before it is flattened.
func CheckExtra(ctx context.Context, l v1.Layer, budget *limits.Budget) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(limits.Reader(ctxio.Reader(ctx, rc), "the layer's content", limits.LayerContent))
	for n := 0; ; n++ {
		h, err := tr.Next()
		if err == io.EOF {
			if n == 0 {
				return fmt.Errorf("the layer is empty")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the layer: %w", err)
		}
		if err := limits.Count("the layer's entry count", n+1, limits.ImageEntries, "entries"); err != nil {
			return err
		}
		if err := checkEntry(h); err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg && budget != nil {
			if err := budget.Spend(h.Size); err != nil {
				return fmt.Errorf("%s: %w", h.Name, err)
			}
		}
	}
}

// checkEntry applies CheckExtra's rules to one entry.
func checkEntry(h *tar.Header) error {
	if err := safeEntry(h.Name, h.Typeflag, h.Linkname); err != nil {
		return err
	}
	name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
	refuse := func(why string) error { return fmt.Errorf("%w: %s %s", ErrNotAllowed, name, why) }
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
	case tar.TypeChar, tar.TypeBlock:
		return refuse(fmt.Sprintf("is a device node (%d:%d): the init's devtmpfs provides the devices", h.Devmajor, h.Devminor))
	case tar.TypeFifo:
		return refuse("is a FIFO")
	default:
		return refuse(fmt.Sprintf("is of tar type %q", h.Typeflag))
	}
	switch mode := h.Mode; {
	case mode&0o4000 != 0:
		return refuse("is setuid: the app runs with no_new_privs and must not gain privileges from a file")
	case mode&0o2000 != 0:
		return refuse("is setgid: the app runs with no_new_privs and must not gain privileges from a file")
	case mode&0o002 != 0 && h.Typeflag != tar.TypeSymlink:
		return refuse(fmt.Sprintf("is writable by everyone (mode %04o)", mode&0o7777))
	}
	if name == "" {
		return nil
	}
	dir, base := path.Split(name)
	if target, ok := strings.CutPrefix(base, ".wh."); ok {
		deleted := path.Join(dir, target) // .wh..wh..opq deletes dir's contents
		if target == ".wh..opq" {
			deleted = strings.TrimSuffix(dir, "/")
		}
		if o, ok := touches(deleted, true); ok {
			return refuse(fmt.Sprintf("deletes /%s, which wisp owns", o))
		}
		return nil
	}
	for _, o := range owned {
		if name == o || strings.HasPrefix(name, o+"/") {
			return refuse(fmt.Sprintf("would replace /%s, which wisp makes", o))
		}
	}
	for _, m := range mountPoints {
		switch {
		case name == m && h.Typeflag != tar.TypeDir:
			return refuse(fmt.Sprintf("is not a directory: the init mounts a file system on /%s", m))
		case strings.HasPrefix(name, m+"/"):
			return refuse(fmt.Sprintf("is under /%s, where the init mounts a file system", m))
		}
	}
	if h.Typeflag != tar.TypeDir {
		if o, ok := touches(name, false); ok {
			return refuse(fmt.Sprintf("is not a directory, and /%s, which wisp makes, is under it", o))
		}
	}
	return nil
}

// touches reports the owned path or mount point at or under name (or,
// with orAbove, also above it): what deleting or replacing name affects.
func touches(name string, orAbove bool) (string, bool) {
	for _, o := range append(append([]string{}, owned...), mountPoints...) {
		if name == "" || name == o || strings.HasPrefix(o, name+"/") || orAbove && strings.HasPrefix(name, o+"/") {
			return o, true
		}
	}
	return "", false
}
