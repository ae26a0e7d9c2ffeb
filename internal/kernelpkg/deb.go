package kernelpkg

import (
	"archive/tar"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"

	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
)

// ErrNotKernelPackage is returned for a package that holds no kernel.
var ErrNotKernelPackage = errors.New("not a Linux kernel image package")

// Base is a board base read from a kernel package: a kernel layer and a
// modules layer, held in files under a temporary directory until Close.
type Base struct {
	Architecture  string // the package's architecture, as a Go GOARCH
	KernelVersion string
	ModuleCount   int
	Kernel        mutate.Addendum
	Modules       mutate.Addendum
	files         []*layers.FileWriter
}

// Close removes the layer files.
func (b *Base) Close() {
	for _, f := range b.files {
		f.Remove()
	}
}

// ImportDeb reads a Debian kernel package (linux-image-*) as a stream: the
// kernel image, checked and converted as k asks, becomes boot/<k.File> in
// the kernel layer, the module tree lib/modules/<version>/ the modules
// layer, with a modules.dep derived from each module's .modinfo (the
// package ships none). Compressed modules are stored uncompressed. Layer
// files are written under tmpDir.
func ImportDeb(ctx context.Context, r io.Reader, k Kernel, tmpDir string) (*Base, error) {
	ar, err := newArReader(r)
	if err != nil {
		return nil, err
	}
	var arch string
	for {
		name, err := ar.next()
		if err == io.EOF {
			return nil, fmt.Errorf("%w: no data.tar member", ErrNotKernelPackage)
		}
		if err != nil {
			return nil, err
		}
		switch {
		case strings.HasPrefix(name, "control.tar"):
			if arch, err = checkControl(name, ar); err != nil {
				return nil, err
			}
		case strings.HasPrefix(name, "data.tar"):
			if arch == "" {
				return nil, fmt.Errorf("%w: data.tar comes before control.tar", ErrNotKernelPackage)
			}
			dr, err := decompress(name, ar)
			if err != nil {
				return nil, err
			}
			dr = limits.Reader(dr, "the package's "+name+", unpacked,", limits.PackageContent)
			b, err := importTree(ctx, tar.NewReader(dr), k, tmpDir, debLayout)
			if err != nil {
				return nil, err
			}
			b.Architecture = arch
			return b, nil
		}
	}
}

// decompress opens a tar member by its suffix.
func decompress(name string, r io.Reader) (io.Reader, error) {
	switch path.Ext(name) {
	case ".xz":
		return xz.NewReader(bufio.NewReaderSize(r, 1<<20), 0)
	case ".gz":
		return gzip.NewReader(r)
	case ".zst":
		return zstd.NewReader(r)
	case ".tar":
		return r, nil
	}
	return nil, fmt.Errorf("%s: unknown compression", name)
}

// checkControl reads control.tar, insists on a linux-image-* package and
// returns its architecture.
func checkControl(name string, r io.Reader) (string, error) {
	dr, err := decompress(name, r)
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(dr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", fmt.Errorf("%w: %s has no control file", ErrNotKernelPackage, name)
		}
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", name, truncated(err))
		}
		if path.Clean(h.Name) != "control" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 1<<20))
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", name, truncated(err))
		}
		fields := map[string]string{}
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ": "); ok {
				fields[k] = strings.TrimSpace(v)
			}
		}
		switch pkg := fields["Package"]; {
		case pkg == "":
			return "", fmt.Errorf("%w: the control file names no package", ErrNotKernelPackage)
		case !strings.HasPrefix(pkg, "linux-image-"):
			return "", fmt.Errorf("%w: the package is %s (want linux-image-<version>)", ErrNotKernelPackage, pkg)
		case fields["Architecture"] == "":
			return "", fmt.Errorf("%w: the control file names no architecture", ErrNotKernelPackage)
		}
		return fields["Architecture"], nil
	}
}

// debLayout is where a Debian linux-image package keeps things: the
// kernel as boot/vmlinuz-<version> (boot/vmlinux-<version> on riscv64),
// device trees under usr/lib/linux-image-<version>/<vendor>/.
var debLayout = layout{
	kernel: func(name string) (string, bool) {
		for _, p := range []string{"boot/vmlinuz-", "boot/vmlinux-"} {
			if v, ok := strings.CutPrefix(name, p); ok {
				return v, true
			}
		}
		return "", false
	},
	dtb: func(name string) bool { return strings.HasPrefix(name, "lib/linux-image-") },
}
