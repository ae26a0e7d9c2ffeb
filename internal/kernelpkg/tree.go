package kernelpkg

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/internal/ctxio"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
)

// layout says where a kind of kernel package keeps the kernel image and
// the device trees; modules are always under lib/modules/<version>/.
type layout struct {
	// kernel reports whether name is the kernel image and the version
	// its name carries ("" if none: the modules give it).
	kernel func(name string) (version string, ok bool)
	// dtb reports whether a .dtb file at name is one of the package's
	// device trees.
	dtb func(name string) bool
}

// importTree reads a kernel package's file tree (a tar stream, merged /usr
// folded into /) into a kernel layer (boot/<k.File> and boot/<dtb> for
// each of k.DTBs) and a modules layer.
func importTree(ctx context.Context, tr *tar.Reader, k Kernel, tmpDir string, lay layout) (_ *Base, err error) {
	b := &Base{}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	kernel, err := layers.NewFileWriter(tmpDir)
	if err != nil {
		return nil, err
	}
	b.files = append(b.files, kernel)
	modules, err := layers.NewFileWriter(tmpDir)
	if err != nil {
		return nil, err
	}
	b.files = append(b.files, modules)
	// One budget for everything the import writes, kernel and modules.
	budget := &limits.Budget{What: "what the kernel package unpacks to", Limit: limits.Import}
	kt := &treeWriter{ctx: ctx, tw: kernel.Writer, dirs: map[string]bool{}, budget: budget}
	mt := &moduleTree{treeWriter: treeWriter{ctx: ctx, tw: modules.Writer, dirs: map[string]bool{}, budget: budget}, ix: newModuleIndex(), tmpDir: tmpDir}
	sawKernel := ""
	var dtbs []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the package: %w", truncated(err))
		}
		name := packagePath(h.Name)
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if v, ok := lay.kernel(name); ok {
			if sawKernel != "" {
				return nil, fmt.Errorf("the package holds two kernels (%s and %s)", sawKernel, name)
			}
			sawKernel = name
			if v != "" {
				if err := b.setVersion(v); err != nil {
					return nil, err
				}
			}
			kr, size, err := convertKernel(tr, h.Size, k)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if err := kt.file("boot/"+k.File, size, kr); err != nil {
				return nil, err
			}
			continue
		}
		if base := path.Base(name); strings.HasSuffix(name, ".dtb") && lay.dtb(name) && slices.Contains(k.DTBs, base) && !slices.Contains(dtbs, base) {
			if err := limits.Check("device tree "+name, h.Size, limits.DeviceTree); err != nil {
				return nil, err
			}
			dtbs = append(dtbs, base)
			if err := kt.file("boot/"+base, h.Size, tr); err != nil {
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
	if sawKernel == "" {
		return nil, fmt.Errorf("%w: no kernel image (boot/vmlinuz-*) in the package", ErrNotKernelPackage)
	}
	if b.KernelVersion == "" {
		return nil, fmt.Errorf("%w: no lib/modules/<version>/ in the package", ErrNotKernelPackage)
	}
	if missing := without(k.DTBs, dtbs); len(missing) > 0 {
		return nil, fmt.Errorf("the package has no device tree %s for this board (kernel %s)", strings.Join(missing, ", "), b.KernelVersion)
	}
	var dep bytes.Buffer
	if err := mt.ix.writeDep(&dep); err != nil {
		return nil, err
	}
	if err := mt.file("lib/modules/"+b.KernelVersion+"/modules.dep", int64(dep.Len()), &dep); err != nil {
		return nil, err
	}
	b.ModuleCount = len(mt.ix.paths)
	if err := limits.Count("the kernel package's module count", b.ModuleCount, limits.Modules, "modules"); err != nil {
		return nil, err
	}
	kl, err := kernel.Finish()
	if err != nil {
		return nil, err
	}
	ml, err := modules.Finish()
	if err != nil {
		return nil, err
	}
	b.Kernel = baseAddendum(layers.RoleKernel, kl, "kernel "+b.KernelVersion)
	b.Modules = baseAddendum(layers.RoleModules, ml, fmt.Sprintf("modules %s (%d)", b.KernelVersion, b.ModuleCount))
	return b, nil
}

func without(all, some []string) []string {
	var out []string
	for _, a := range all {
		if !slices.Contains(some, a) {
			out = append(out, a)
		}
	}
	return out
}

// moduleExts are the suffixes of module files, with their decompressors.
var moduleExts = []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"}

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
	ix     *moduleIndex
	tmpDir string // where modules too large to hold in memory go
}

// treeWriter writes files to a tar stream, each preceded by the parent
// directories not written yet, spending their sizes from budget, until
// ctx is done: what is written may come from memory (a kernel unpacked
// from its bzImage), where no read of the package would notice.
type treeWriter struct {
	ctx    context.Context
	tw     *tar.Writer
	dirs   map[string]bool
	budget *limits.Budget
}

func (mt *moduleTree) add(version, rel string, size int64, r io.Reader) error {
	name := "lib/modules/" + version + "/" + rel
	for _, ext := range moduleExts {
		if !strings.HasSuffix(rel, ext) {
			continue
		}
		if len(mt.ix.paths) >= limits.Modules {
			return limits.Count("the kernel package's module count", len(mt.ix.paths)+1, limits.Modules, "modules")
		}
		ko, done, err := readModule(ext, r, size, mt.tmpDir, "module "+name)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		defer done()
		deps, err := modinfoDependsAt(ko)
		if err != nil {
			return fmt.Errorf("reading the .modinfo of %s: %w", name, err)
		}
		rel = strings.TrimSuffix(rel, ext) + ".ko"
		mod := moduleName(rel)
		mt.ix.paths[mod], mt.ix.deps[mod] = rel, deps
		return mt.file(strings.TrimSuffix(name, ext)+".ko", ko.Size(), ko)
	}
	if rel == "modules.builtin" {
		if err := limits.Check(name, size, limits.ModuleIndex); err != nil {
			return err
		}
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

// spillBytes is how much of a module is held in memory: a larger one
// (amdgpu.ko is 60 MB) goes through an unlinked temporary file, which
// keeps a base import's peak RSS down.
const spillBytes = 8 << 20

// readModule reads a module (decompressing .ko.xz, .ko.zst, .ko.gz) so
// that its ELF sections can be read and its size is known; done releases
// it.
// packagePath is a package entry's path relative to /, with merged /usr
// folded in: usr/lib/modules/… and lib/modules/… are the same place.
func packagePath(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path.Clean("/"+name), "/"), "usr/")
}

func readModule(ext string, r io.Reader, size int64, tmpDir, what string) (ko *io.SectionReader, done func(), err error) {
	src := io.LimitReader(r, size)
	if ext == ".ko" {
		if err := limits.Check(what, size, limits.Module); err != nil {
			return nil, nil, err
		}
	} else {
		if src, err = decompress(strings.TrimPrefix(ext, ".ko"), r); err != nil {
			return nil, nil, err
		}
		src = limits.Reader(src, what+", decompressed,", limits.Module)
	}
	var head bytes.Buffer
	n, err := io.CopyN(&head, src, spillBytes+1)
	if err != nil && err != io.EOF {
		return nil, nil, truncated(err)
	}
	if n <= spillBytes {
		if ext == ".ko" && n != size {
			return nil, nil, truncated(io.ErrUnexpectedEOF)
		}
		return io.NewSectionReader(bytes.NewReader(head.Bytes()), 0, n), func() {}, nil
	}
	f, err := os.CreateTemp(tmpDir, "module-*")
	if err != nil {
		return nil, nil, err
	}
	os.Remove(f.Name()) // gone once closed
	rest, err := io.Copy(f, io.MultiReader(&head, src))
	if err == nil && ext == ".ko" && rest != size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		f.Close()
		return nil, nil, truncated(err)
	}
	return io.NewSectionReader(f, 0, rest), func() { f.Close() }, nil
}

func (t *treeWriter) file(name string, size int64, r io.Reader) error {
	if err := t.budget.Spend(size); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var parents []string
	for d := path.Dir(name); d != "." && !t.dirs[d]; d = path.Dir(d) {
		t.dirs[d] = true
		parents = append(parents, d)
	}
	for i := len(parents) - 1; i >= 0; i-- {
		if err := t.tw.WriteHeader(layers.Header(parents[i]+"/", 0o755|fs.ModeDir)); err != nil {
			return err
		}
	}
	return copyEntry(t.ctx, t.tw, name, size, r)
}

func copyEntry(ctx context.Context, tw *tar.Writer, name string, size int64, r io.Reader) error {
	h := layers.Header(name, 0o644)
	h.Size = size
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	if _, err := io.CopyN(ctxio.Writer(ctx, tw), r, size); err != nil {
		return fmt.Errorf("reading %s: %w", name, truncated(err))
	}
	// r must end there: a stream longer than its stated size (a bzImage
	// payload that unpacks to more than its trailer says) is an error,
	// not a file cut short without a word.
	var one [1]byte
	switch n, err := io.ReadFull(r, one[:]); {
	case n > 0:
		return fmt.Errorf("reading %s: it is longer than the %d bytes stated", name, size)
	case err != nil && err != io.EOF:
		return fmt.Errorf("reading %s: %w", name, err)
	}
	return nil
}

func baseAddendum(r layers.Role, l v1.Layer, what string) mutate.Addendum {
	return layers.Annotated(r, l, "wisp base import: "+what)
}
