package layers

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
)

// ErrNotKernelPackage is returned for a package that holds no kernel.
var ErrNotKernelPackage = errors.New("not a Linux kernel image package")

// Base is a board base read from a kernel package: a kernel layer and a
// modules layer, held in files under a temporary directory until Close.
type Base struct {
	Architecture  string // the package's Debian architecture, e.g. amd64
	KernelVersion string
	ModuleCount   int
	Kernel        mutate.Addendum
	Modules       mutate.Addendum
	files         []*streamLayer
}

// Close removes the layer files.
func (b *Base) Close() {
	for _, f := range b.files {
		f.finished = false
		f.abort()
	}
}

// ImportDeb reads a Debian kernel package (linux-image-*) as a stream: the
// kernel image, checked and converted as k asks, becomes boot/<k.File> in
// the kernel layer, the module tree lib/modules/<version>/ the modules
// layer, with a modules.dep derived from each module's .modinfo (the
// package ships none). Compressed modules are stored uncompressed. Layer
// files are written under tmpDir.
func ImportDeb(r io.Reader, k Kernel, tmpDir string) (*Base, error) {
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
			b, err := importTree(tar.NewReader(dr), k, tmpDir)
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

// moduleExts are the suffixes of module files, with their decompressors.
var moduleExts = []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"}

func importTree(tr *tar.Reader, k Kernel, tmpDir string) (_ *Base, err error) {
	b := &Base{}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	kernel, err := newStreamLayer(tmpDir)
	if err != nil {
		return nil, err
	}
	b.files = append(b.files, kernel)
	modules, err := newStreamLayer(tmpDir)
	if err != nil {
		return nil, err
	}
	b.files = append(b.files, modules)
	kt := &treeWriter{tw: kernel.Writer, dirs: map[string]bool{}}
	mt := &moduleTree{treeWriter: treeWriter{tw: modules.Writer, dirs: map[string]bool{}}, ix: newModuleIndex()}
	sawKernel := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading data.tar: %w", truncated(err))
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		name = strings.TrimPrefix(name, "usr/") // merged /usr: usr/lib/modules
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if v, ok := strings.CutPrefix(name, "boot/vmlinuz-"); ok {
			if sawKernel {
				return nil, fmt.Errorf("the package holds two kernels (%s and %s)", b.KernelVersion, v)
			}
			sawKernel = true
			if err := b.setVersion(v); err != nil {
				return nil, err
			}
			img := make([]byte, h.Size)
			if _, err := io.ReadFull(tr, img); err != nil {
				return nil, fmt.Errorf("reading %s: %w", name, truncated(err))
			}
			kr, size, err := convertKernel(img, k)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if err := kt.file("boot/"+k.File, size, kr); err != nil {
				return nil, err
			}
			continue
		}
		rest, ok := strings.CutPrefix(name, "lib/modules/")
		if !ok {
			continue
		}
		v, rel, _ := strings.Cut(rest, "/")
		if err := b.setVersion(v); err != nil {
			return nil, err
		}
		if err := mt.add(v, rel, h.Size, tr); err != nil {
			return nil, err
		}
	}
	if !sawKernel {
		return nil, fmt.Errorf("%w: no boot/vmlinuz-* in the package", ErrNotKernelPackage)
	}
	var dep bytes.Buffer
	if err := mt.ix.writeDep(&dep); err != nil {
		return nil, err
	}
	if err := mt.file("lib/modules/"+b.KernelVersion+"/modules.dep", int64(dep.Len()), &dep); err != nil {
		return nil, err
	}
	b.ModuleCount = len(mt.ix.paths)
	kl, err := kernel.finish()
	if err != nil {
		return nil, err
	}
	ml, err := modules.finish()
	if err != nil {
		return nil, err
	}
	b.Kernel = baseAddendum(RoleKernel, kl, "kernel "+b.KernelVersion)
	b.Modules = baseAddendum(RoleModules, ml, fmt.Sprintf("modules %s (%d)", b.KernelVersion, b.ModuleCount))
	return b, nil
}

func (b *Base) setVersion(v string) error {
	if v == "" || strings.ContainsAny(v, "/ ") {
		return fmt.Errorf("bad kernel version %q in the package", v)
	}
	if b.KernelVersion != "" && b.KernelVersion != v {
		return fmt.Errorf("the package mixes kernel versions %s and %s", b.KernelVersion, v)
	}
	b.KernelVersion = v
	return nil
}

// moduleTree writes lib/modules/<version>/ into the modules layer and
// indexes the modules as they pass.
type moduleTree struct {
	treeWriter
	ix *moduleIndex
}

// treeWriter writes files to a tar stream, each preceded by the parent
// directories not written yet.
type treeWriter struct {
	tw   *tar.Writer
	dirs map[string]bool
}

func (mt *moduleTree) add(version, rel string, size int64, r io.Reader) error {
	name := "lib/modules/" + version + "/" + rel
	for _, ext := range moduleExts {
		if !strings.HasSuffix(rel, ext) {
			continue
		}
		ko, err := readModule(ext, r, size)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		deps, err := modinfoDepends(ko)
		if err != nil {
			return fmt.Errorf("reading the .modinfo of %s: %w", name, err)
		}
		rel = strings.TrimSuffix(rel, ext) + ".ko"
		mod := moduleName(rel)
		mt.ix.paths[mod], mt.ix.deps[mod] = rel, deps
		return mt.file(strings.TrimSuffix(name, ext)+".ko", int64(len(ko)), bytes.NewReader(ko))
	}
	if rel == "modules.builtin" {
		var buf bytes.Buffer
		if err := mt.ix.readBuiltin(io.TeeReader(r, &buf)); err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		r = &buf
	}
	if rel == "modules.dep" {
		return nil // derived from .modinfo instead
	}
	return mt.file(name, size, r)
}

func readModule(ext string, r io.Reader, size int64) ([]byte, error) {
	if ext == ".ko" {
		b := make([]byte, size)
		_, err := io.ReadFull(r, b)
		return b, truncated(err)
	}
	dr, err := decompress(strings.TrimPrefix(ext, ".ko"), r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(dr)
	return b, truncated(err)
}

func (mt *treeWriter) file(name string, size int64, r io.Reader) error {
	var parents []string
	for d := path.Dir(name); d != "." && !mt.dirs[d]; d = path.Dir(d) {
		mt.dirs[d] = true
		parents = append(parents, d)
	}
	for i := len(parents) - 1; i >= 0; i-- {
		if err := mt.tw.WriteHeader(header(parents[i]+"/", 0o755|fs.ModeDir)); err != nil {
			return err
		}
	}
	return copyEntry(mt.tw, name, size, r)
}

func copyEntry(tw *tar.Writer, name string, size int64, r io.Reader) error {
	h := header(name, 0o644)
	h.Size = size
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, r, size); err != nil {
		return fmt.Errorf("reading %s: %w", name, truncated(err))
	}
	return nil
}

func baseAddendum(r Role, l v1.Layer, what string) mutate.Addendum {
	return mutate.Addendum{
		Layer:       l,
		Annotations: annotations(r),
		History:     v1.History{Created: v1.Time{Time: Epoch()}, CreatedBy: "wisp base import: " + what},
	}
}
