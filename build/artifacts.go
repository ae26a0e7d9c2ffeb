package build

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/initrd"
)

// Artifact file names in the output directory of a QEMU board.
const (
	KernelFile = "kernel"
	InitrdFile = "initrd.img"
)

// Artifacts are the files written for a board.
type Artifacts struct {
	Dir    string        `json:"dir"`
	Kernel string        `json:"-"` // path
	Initrd string        `json:"-"` // path
	Files  []File        `json:"files"`
	Stats  *initrd.Stats `json:"initrd"`
}

// File is one written artifact.
type File struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// WriteArtifacts flattens img into dir: the board's kernel from boot/ and
// the initrd. Files are written under temporary names and renamed only when
// all are complete, so a failure leaves dir as it was.
func WriteArtifacts(ctx context.Context, img v1.Image, p *boards.Profile, dir string) (*Artifacts, error) {
	if p.QEMU == nil {
		return nil, fmt.Errorf("board %s boots from a disk image, which this wisp cannot write yet", p.Name)
	}
	if err := checkOut(dir); err != nil {
		return nil, err
	}
	kernel, err := os.CreateTemp(dir, ".kernel-*")
	if err != nil {
		return nil, fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	defer os.Remove(kernel.Name())
	defer kernel.Close()
	rd, err := os.CreateTemp(dir, ".initrd-*")
	if err != nil {
		return nil, fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	defer os.Remove(rd.Name())
	defer rd.Close()

	kernelSum, initrdSum := sha256.New(), sha256.New()
	sawKernel := false
	boot := func(name string, size int64, r io.Reader) error {
		if name != p.Kernel.File {
			return nil // QEMU boards need only the kernel from boot/
		}
		sawKernel = true
		_, err := io.Copy(io.MultiWriter(kernel, kernelSum), r)
		return err
	}
	bw := bufio.NewWriterSize(io.MultiWriter(ctxWriter{ctx, rd}, initrdSum), 1<<20)
	st, err := initrd.Write(img, bw, boot)
	if err != nil {
		return nil, fmt.Errorf("writing initrd: %w", err)
	}
	if !sawKernel {
		return nil, fmt.Errorf("the image has no boot/%s for board %s", p.Kernel.File, p.Name)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("writing initrd: %w", err)
	}
	a := &Artifacts{Dir: dir, Kernel: filepath.Join(dir, KernelFile), Initrd: filepath.Join(dir, InitrdFile), Stats: st}
	for _, f := range []struct {
		tmp  *os.File
		dest string
		sum  hash.Hash
	}{{kernel, a.Kernel, kernelSum}, {rd, a.Initrd, initrdSum}} {
		st, err := f.tmp.Stat()
		if err != nil {
			return nil, err
		}
		if err := errors.Join(f.tmp.Chmod(0o644), f.tmp.Close()); err != nil {
			return nil, fmt.Errorf("writing %s: %w", f.dest, err)
		}
		if err := os.Rename(f.tmp.Name(), f.dest); err != nil {
			return nil, fmt.Errorf("writing %s: %w", f.dest, err)
		}
		a.Files = append(a.Files, File{Name: filepath.Base(f.dest), Path: f.dest, Size: st.Size(), SHA256: hex.EncodeToString(f.sum.Sum(nil))})
	}
	return a, nil
}

// checkOut makes sure dir is, or can become, a writable directory.
func checkOut(dir string) error {
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

// ctxWriter stops a long write when the context is cancelled.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
