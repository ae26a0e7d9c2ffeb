package kernelpkg

import (
	"archive/tar"
	"bufio"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/wispboot/wisp/limits"
)

// alpineArches maps Alpine's architecture names to Go's.
var alpineArches = map[string]string{"x86_64": "amd64", "aarch64": "arm64", "riscv64": "riscv64"}

// ImportAPK reads an Alpine kernel package (linux-rpi, linux-virt, …) as
// a stream. An .apk is a concatenation of gzip streams (signature, control
// with .PKGINFO, data) that together read as one tar stream. The kernel is
// boot/vmlinuz-<flavour>, device trees anywhere under boot/, modules under
// lib/modules/<version>/ (.ko.gz and .ko.xz are stored decompressed).
func ImportAPK(ctx context.Context, r io.Reader, k Kernel, tmpDir string) (*Base, error) {
	zr, err := gzip.NewReader(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("not an Alpine package (an .apk is gzip-compressed): %w", err)
	}
	tr := tar.NewReader(limits.Reader(zr, "the package, unpacked,", limits.PackageContent))
	arch, err := readPKGINFO(tr)
	if err != nil {
		return nil, err
	}
	b, err := importTree(ctx, tr, k, tmpDir, apkLayout)
	if err != nil {
		return nil, err
	}
	b.Architecture = arch
	return b, nil
}

// readPKGINFO reads the control entries up to .PKGINFO and insists on a
// linux-* package; it returns the package's architecture as a GOARCH.
func readPKGINFO(tr *tar.Reader) (string, error) {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", fmt.Errorf("%w: no .PKGINFO in the package", ErrNotKernelPackage)
		}
		if err != nil {
			return "", fmt.Errorf("reading the package: %w", truncated(err))
		}
		if !strings.HasPrefix(h.Name, ".") {
			return "", fmt.Errorf("%w: the package has files before its .PKGINFO (not an Alpine package?)", ErrNotKernelPackage)
		}
		if h.Name != ".PKGINFO" {
			continue // .SIGN.RSA.*: signatures, which wisp does not check
		}
		b, err := io.ReadAll(io.LimitReader(tr, 1<<20))
		if err != nil {
			return "", fmt.Errorf("reading .PKGINFO: %w", truncated(err))
		}
		fields := map[string]string{}
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, " = "); ok {
				fields[k] = v
			}
		}
		switch name, arch := fields["pkgname"], fields["arch"]; {
		case !strings.HasPrefix(name, "linux-"):
			return "", fmt.Errorf("%w: the package is %q (want linux-<flavour>, like linux-rpi)", ErrNotKernelPackage, name)
		case alpineArches[arch] == "":
			return "", fmt.Errorf("%w: the package's architecture %q is not one wisp supports", ErrNotKernelPackage, arch)
		default:
			return alpineArches[arch], nil
		}
	}
}

// apkLayout is where Alpine kernel packages keep things.
var apkLayout = layout{
	kernel: func(name string) (string, bool) {
		return "", strings.HasPrefix(name, "boot/vmlinuz-") && path.Dir(name) == "boot"
	},
	dtb: func(name string) bool { return strings.HasPrefix(name, "boot/") },
}
