package layers

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"

	"github.com/wispboot/wisp/limits"
)

// ErrUnsafeEntry is returned for a layer entry that would land outside
// the root: an absolute or ../ name, or a link whose target climbs out.
var ErrUnsafeEntry = errors.New("entry outside the root")

// CACertsPath is where Go, OpenSSL and most runtimes look for the CA
// bundle on Debian-like systems.
const CACertsPath = "etc/ssl/certs/ca-certificates.crt"

// HostCACerts is the host's CA bundle, the default of --ca-certs.
const HostCACerts = "/" + CACertsPath

// ExtraFromTar makes an extra layer of a tar file (plain or gzip), as it
// is, once CheckExtra accepts it; its files are spent from budget (nil:
// no bound).
func ExtraFromTar(ctx context.Context, file string, budget *limits.Budget) (mutate.Addendum, error) {
	if err := isTar(file); err != nil {
		return mutate.Addendum{}, fmt.Errorf("layer %s: %w", file, err)
	}
	l, err := tarball.LayerFromFile(file, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("layer %s: %w", file, err)
	}
	return ExtraFrom(ctx, l, file, budget)
}

// isTar insists that file starts like a tar stream, plain or gzip.
func isTar(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	head := make([]byte, 2)
	if _, err := io.ReadFull(f, head); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		f.Seek(0, io.SeekStart)
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		r = zr
	} else {
		f.Seek(0, io.SeekStart)
	}
	if _, err := tar.NewReader(r).Next(); err == io.EOF {
		return fmt.Errorf("not a tar file, or an empty one")
	} else if err != nil {
		return fmt.Errorf("not a tar file: %w", err)
	}
	return nil
}

// safeEntry refuses names outside the root and links that climb out.
func safeEntry(name string, typ byte, link string) error {
	if path.IsAbs(name) || climbs(path.Clean(name)) {
		return fmt.Errorf("%w: %q", ErrUnsafeEntry, name)
	}
	switch typ {
	case tar.TypeSymlink:
		if !path.IsAbs(link) && climbs(path.Join(path.Dir(path.Clean(name)), link)) {
			return fmt.Errorf("%w: symlink %q points to %q", ErrUnsafeEntry, name, link)
		}
	case tar.TypeLink:
		if path.IsAbs(link) || climbs(path.Clean(link)) {
			return fmt.Errorf("%w: hard link %q points to %q", ErrUnsafeEntry, name, link)
		}
	}
	return nil
}

func climbs(p string) bool { return p == ".." || strings.HasPrefix(p, "../") }

// ExtraFromDir makes an extra layer of a directory's tree: files keep their
// permission bits, symlinks their targets (which may not climb out), and
// everything is owned by 0:0. CheckExtra must accept it.
func ExtraFromDir(ctx context.Context, dir string, budget *limits.Budget) (mutate.Addendum, error) {
	fsys := os.DirFS(dir)
	var files []File
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := File{Path: p, Mode: info.Mode() & (fs.ModeType | fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)}
		switch {
		case d.IsDir():
		case d.Type()&fs.ModeSymlink != 0:
			if f.Link, err = os.Readlink(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
				return err
			}
			if err := safeEntry(p, tar.TypeSymlink, f.Link); err != nil {
				return err
			}
		case d.Type().IsRegular():
			f.Size = info.Size()
			f.Open = func() (io.ReadCloser, error) { return fsys.Open(p) }
		default:
			return fmt.Errorf("%s is a %s, which a layer from a directory cannot hold", p, d.Type())
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("layer %s: %w", dir, err)
	}
	if len(files) == 0 {
		return mutate.Addendum{}, fmt.Errorf("layer %s: the directory is empty", dir)
	}
	l, err := Layer(files)
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("layer %s: %w", dir, err)
	}
	return ExtraFrom(ctx, l, dir, budget)
}

// CACerts makes the extra layer holding a CA bundle (PEM) at
// /etc/ssl/certs/ca-certificates.crt.
func CACerts(file string) (mutate.Addendum, error) {
	f, err := os.Open(file)
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("CA certificates: %w", err)
	}
	b, err := limits.ReadAll(f, "CA bundle "+file, limits.CACerts)
	f.Close()
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("CA certificates: %w", err)
	}
	if !strings.Contains(string(b), "-----BEGIN CERTIFICATE-----") {
		return mutate.Addendum{}, fmt.Errorf("CA certificates: %s holds no PEM certificate", file)
	}
	l, err := Layer([]File{Bytes(CACertsPath, 0o644, b)})
	if err != nil {
		return mutate.Addendum{}, err
	}
	return extraAddendum(l, "ca-certificates.crt"), nil
}

// ExtraFrom returns l as an extra layer once CheckExtra accepts it; what
// names it in errors and in its history.
func ExtraFrom(ctx context.Context, l v1.Layer, what string, budget *limits.Budget) (mutate.Addendum, error) {
	if err := CheckExtra(ctx, l, budget); err != nil {
		return mutate.Addendum{}, fmt.Errorf("layer %s: %w", what, err)
	}
	return extraAddendum(l, filepath.Base(what)), nil
}

func extraAddendum(l v1.Layer, what string) mutate.Addendum {
	return Annotated(RoleExtra, l, "wisp: extra "+what)
}
