package artifacts

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/initrd"
	"github.com/wispboot/wisp/internal/ctxio"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
	"github.com/wispboot/wisp/oci"
)

// Artifact file names in the output directory of a QEMU board.
const (
	KernelFile = "kernel"
	InitrdFile = "initrd.img"
)

// Output is what Write wrote for a board into a directory: kernel and
// initrd for a QEMU board, a disk image for a disk board.
type Output struct {
	Dir    string `json:"dir"`
	Kernel string `json:"-"` // path, QEMU boards
	Initrd string `json:"-"` // path, QEMU boards
	Image  string `json:"-"` // path, disk boards
	// Cmdline is the kernel command line the appliance was built with.
	Cmdline string        `json:"cmdline"`
	Files   []File        `json:"files"`
	Stats   *initrd.Stats `json:"initrd"`
	pending *pending      // files not yet renamed to their names
}

// Commit renames the written files to their names: the output directory
// changes only now. It is a no-op on nil.
func (a *Output) Commit() error {
	if a == nil {
		return nil
	}
	return a.pending.commit()
}

// Discard removes the written files that were not committed; the output
// directory stays as it was. It is a no-op on nil.
func (a *Output) Discard() {
	if a != nil {
		a.pending.discard()
	}
}

// File is one written artifact.
type File struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Export writes the artifacts of a stored or pulled appliance image into
// dir and commits them (see Write).
func Export(ctx context.Context, img v1.Image, p *boards.Profile, dir string, s *oci.Store) (*Output, error) {
	app, err := FromImage(img, p)
	if err != nil {
		return nil, err
	}
	a, err := Write(ctx, app, p, dir, s)
	if err != nil {
		return nil, err
	}
	if err := a.Commit(); err != nil {
		return nil, err
	}
	return a, nil
}

// Appliance is what artifacts are written from: the image, its layers
// with their roles, and its kernel command line. A build has them all
// before the image is complete; asking the image for them would wait for
// its new layers to be compressed and hashed (ggcr's mutate computes the
// config, with every layer's descriptor, on first use), which the initrd
// does not need.
type Appliance struct {
	Image   v1.Image
	Layers  []Layer
	Cmdline string
}

// Layer is a layer of an appliance with its role.
type Layer struct {
	v1.Layer
	Role layers.Role
}

// FromImage is the Appliance of an image that is already whole: one read
// from the store or a registry.
func FromImage(img v1.Image, p *boards.Profile) (*Appliance, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	ls, err := img.Layers()
	if err != nil {
		return nil, err
	}
	if len(ls) != len(m.Layers) {
		return nil, fmt.Errorf("image has %d layers but its manifest %d", len(ls), len(m.Layers))
	}
	a := &Appliance{Image: img, Cmdline: cmdline(img, p)}
	for i, l := range ls {
		a.Layers = append(a.Layers, Layer{l, layers.Role(m.Layers[i].Annotations[layers.AnnotationRole])})
	}
	return a, nil
}

// Write flattens an appliance into dir: for a QEMU board its kernel (from
// boot/) and the initrd; for a disk board the disk image DIR/<board>.img
// (see disk.go). Files are written under temporary names: Commit renames
// them once the caller's build has succeeded, Discard removes them, so a
// failure leaves dir as it was.
//
// With a store, the initrd segments and boot files of recurring layers are
// kept there and reused (segments.go); s may be nil.
func Write(ctx context.Context, app *Appliance, p *boards.Profile, dir string, s *oci.Store) (_ *Output, err error) {
	if err := CheckOut(dir); err != nil {
		return nil, err
	}
	if p.Disk != nil {
		return writeDisk(ctx, app, p, dir, s)
	}
	pend := &pending{}
	defer func() {
		if err != nil {
			pend.discard()
		}
	}()
	kernel, err := os.CreateTemp(dir, ".kernel-*")
	if err != nil {
		return nil, fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	pend.track(kernel.Name())
	defer kernel.Close()
	rd, err := os.CreateTemp(dir, ".initrd-*")
	if err != nil {
		return nil, fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	pend.track(rd.Name())
	defer rd.Close()

	a := &Output{Dir: dir, Kernel: filepath.Join(dir, KernelFile), Initrd: filepath.Join(dir, InitrdFile), Cmdline: app.Cmdline, pending: pend}
	sawKernel, kernelDigest := false, ""
	kept, keptSize := false, int64(0) // dir holds this kernel already: it is left as it is
	kernelSum, initrdSum := sha256.New(), sha256.New()
	st, err := flatten(ctx, app, p, io.MultiWriter(rd, initrdSum), s, func(name string, size int64, r io.Reader) error {
		if name != p.Kernel.File {
			return nil // QEMU boards need only the kernel from boot/
		}
		sawKernel, kept = true, false
		if b, ok := r.(storedBlob); ok {
			// A stored boot file: its digest is the artifact's SHA-256.
			// Rebuilding into the same directory, the kernel there is
			// usually this one: its stamp (uptodate.go), or at worst
			// one read of it, beats checking the blob and copying it.
			// Otherwise the kernel copies the blob while its digest is
			// checked.
			kernelDigest = b.Digest().Hex
			if upToDate(s, a.Kernel, size, kernelDigest) {
				kept, keptSize = true, size
				return nil
			}
			return replaceWith(kernel, b)
		}
		kernelSum.Reset()
		kernelDigest = ""
		return replaceWith(kernel, io.TeeReader(r, kernelSum))
	})
	if err != nil {
		return nil, err
	}
	if !sawKernel {
		return nil, fmt.Errorf("the image has no boot/%s for board %s", p.Kernel.File, p.Name)
	}
	a.Stats = st
	if kernelDigest == "" {
		kernelDigest = hex.EncodeToString(kernelSum.Sum(nil))
	}
	kernelSize := keptSize
	if !kept {
		if kernelSize, err = pend.file(kernel, a.Kernel); err != nil {
			return nil, err
		}
		pend.after = append(pend.after, func() { rememberOutput(s, a.Kernel, kernelDigest) })
	}
	initrdSize, err := pend.file(rd, a.Initrd)
	if err != nil {
		return nil, err
	}
	a.Files = []File{
		{Name: KernelFile, Path: a.Kernel, Size: kernelSize, SHA256: kernelDigest},
		{Name: InitrdFile, Path: a.Initrd, Size: initrdSize, SHA256: hex.EncodeToString(initrdSum.Sum(nil))},
	}
	return a, nil
}

// cmdline is the kernel command line recorded in the appliance, else the
// board's.
func cmdline(img v1.Image, p *boards.Profile) string {
	if cf, err := img.ConfigFile(); err == nil {
		if c, ok := cf.Config.Labels[layers.LabelCmdline]; ok {
			return c
		}
	}
	return p.Kernel.Cmdline
}

// flatten writes img's initrd to w, sends boot/ files to boot, and checks
// that the initramfs fits in the board's RAM.
func flatten(ctx context.Context, app *Appliance, p *boards.Profile, w io.Writer, s *oci.Store, boot initrd.BootFunc) (*initrd.Stats, error) {
	bw := bufio.NewWriterSize(ctxio.Writer(ctx, w), 1<<20)
	st, err := writeInitrd(s, app, bw, initrd.Compression(p.InitrdCompression), boot, p.InitramfsBudget(), bootBudget(p))
	if err != nil {
		return nil, fmt.Errorf("writing initrd: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("writing initrd: %w", err)
	}
	if err := fitsRAM(st, p); err != nil {
		return nil, err
	}
	return st, nil
}

// bootBudget bounds the boot files of a board's appliance: what its boot
// partition holds, or for a QEMU board what a kernel may be.
func bootBudget(p *boards.Profile) int64 {
	if p.Disk != nil {
		return int64(p.Disk.BootPartitionMiB) << 20
	}
	return limits.Vmlinux
}

// replaceWith makes f's content r's, whatever f held.
func replaceWith(f *os.File, r io.Reader) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := io.Copy(f, r)
	return err
}

// fitsRAM is the guardrail for the initramfs: while the kernel unpacks it,
// the compressed archive and its contents are both in RAM, and the binary
// needs room to run, so together they may take at most half of it.
func fitsRAM(st *initrd.Stats, p *boards.Profile) error {
	ram := int64(p.Memory()) << 20
	if need := st.Bytes + st.Compressed; ram > 0 && need > ram/2 {
		return fmt.Errorf("the initramfs needs %d MiB (%d MiB unpacked + %d MiB compressed), more than half of board %s's %d MiB of RAM",
			need>>20, st.Bytes>>20, st.Compressed>>20, p.Name, ram>>20)
	}
	return nil
}

// CheckOut makes sure dir is, or can become, a writable directory.
func CheckOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".wisp-probe-*")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
