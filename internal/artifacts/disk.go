package artifacts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/image"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/oci"
)

// ImageFile is the disk image's name in the output directory.
func ImageFile(p *boards.Profile) string { return p.Name + ".img" }

// writeDisk flattens img into a disk image: every boot/ file (firmware,
// kernel, device trees) at the root of the FAT32 partition, and the files
// the board's profile names wisp's (boards.Disk: the initrd, the
// firmware's config, the command line). The files are staged in a
// temporary directory inside dir.
//
// Boot files that are store blobs are linked into the staging directory,
// not copied, when the store is on the same file system (the image writer
// only reads them), and their digests are checked on the other core
// meanwhile: this saves copying every boot file on every build. Should
// one be corrupt, the image is staged again from copies, which reads the
// blob through its check and so makes it anew (replay in segments.go).
func writeDisk(ctx context.Context, app *Appliance, p *boards.Profile, dir string, s *oci.Store) (*Output, error) {
	a, err := stageDisk(ctx, app, p, dir, s, linkBlobs)
	if errors.As(err, new(corruptLink)) {
		return stageDisk(ctx, app, p, dir, s, copyBlobs)
	}
	return a, err
}

// staging says how stored boot files reach the staging directory.
type staging bool

const (
	linkBlobs staging = true  // hard links, checked on the side
	copyBlobs staging = false // copies, checked as they are read
)

// corruptLink is the error of a linked boot file whose blob is corrupt.
type corruptLink struct{ error }

func (e corruptLink) Unwrap() error { return e.error }

func stageDisk(ctx context.Context, app *Appliance, p *boards.Profile, dir string, s *oci.Store, how staging) (_ *Output, err error) {
	// work/boot is the boot partition's tree, work/<board>.img the image
	// until the build commits it.
	work, err := os.MkdirTemp(dir, ".wisp-boot-*")
	if err != nil {
		return nil, fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	pend := &pending{}
	pend.track(work)
	defer func() {
		if err != nil {
			pend.discard()
		}
	}()
	stage := filepath.Join(work, "boot")
	if err := os.Mkdir(stage, 0o755); err != nil {
		return nil, err
	}
	d := p.Disk
	rd, err := os.Create(filepath.Join(stage, d.Initrd))
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var names []string
	digests := map[string][]byte{} // the boot files' SHA-256, for image.WithDigests
	var checks []chan error        // of the linked blobs
	initrdStats, err := flatten(ctx, app, p, rd, s, func(name string, size int64, r io.Reader) error {
		if slices.Contains(d.Written(), name) {
			return fmt.Errorf("the image's boot/%s would be replaced by the one wisp writes", name)
		}
		names = append(names, name)
		target := filepath.Join(stage, filepath.FromSlash(name))
		var sum hash.Hash
		if b, ok := r.(storedBlob); ok { // checked against its digest as it is copied or linked
			d, err := hex.DecodeString(b.Digest().Hex)
			if err != nil {
				return err
			}
			digests[name] = d
			if how == linkBlobs && linkTo(target, b.Name()) == nil {
				check := make(chan error, 1)
				go func() { check <- b.Check() }()
				checks = append(checks, check)
				return nil
			}
		} else {
			sum = sha256.New()
			r = io.TeeReader(r, sum)
		}
		if err := copyTo(target, r); err != nil {
			return err
		}
		if sum != nil {
			digests[name] = sum.Sum(nil)
		}
		return nil
	})
	var bad error
	for _, c := range checks {
		if err := <-c; err != nil && bad == nil {
			bad = corruptLink{err}
		}
	}
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	if err := rd.Close(); err != nil {
		return nil, err
	}
	if !slices.Contains(names, p.Kernel.File) {
		return nil, fmt.Errorf("the image has no boot/%s for board %s", p.Kernel.File, p.Name)
	}
	if err := writeBootConfig(stage, p, app.Cmdline); err != nil {
		return nil, err
	}
	out, written := filepath.Join(dir, ImageFile(p)), filepath.Join(work, ImageFile(p))
	st, err := image.Write(written, os.DirFS(stage), image.WithTime(epoch.Time()), image.WithMaxSize(int64(p.Disk.BootPartitionMiB)<<20),
		image.WithDigests(digests))
	if err != nil {
		return nil, fmt.Errorf("board %s: %w", p.Name, err)
	}
	// The staged files go now; the image waits for the build to commit,
	// its writeback started here (see pending.file).
	if err := os.RemoveAll(stage); err != nil {
		return nil, err
	}
	if f, err := os.Open(written); err == nil {
		startWriteback(f)
		f.Close()
	}
	pend.renames = append(pend.renames, rename{written, out})
	a := &Output{Dir: dir, Image: out, Stats: initrdStats, Cmdline: app.Cmdline, pending: pend,
		Files: []File{{Name: filepath.Base(out), Path: out, Size: st.ImageBytes, SHA256: hex.EncodeToString(st.SHA256[:])}}}
	return a, nil
}

// writeBootConfig writes the firmware's config and the command line
// into the staged boot partition, under the names the profile gives.
func writeBootConfig(stage string, p *boards.Profile, cmdline string) error {
	d := p.Disk
	if d.Config != "" {
		cfg := image.PiConfig{Kernel: p.Kernel.File, Initramfs: d.Initrd, Extra: p.FirmwareConfig}
		if len(p.DTBs) > 0 {
			cfg.DeviceTree = p.DTBs[0]
		}
		b, err := image.ConfigTxt(cfg)
		if err != nil {
			return fmt.Errorf("board %s: %w", p.Name, err)
		}
		if err := os.WriteFile(filepath.Join(stage, d.Config), b, 0o644); err != nil {
			return err
		}
	}
	if d.Cmdline != "" {
		return os.WriteFile(filepath.Join(stage, d.Cmdline), image.CmdlineTxt(cmdline), 0o644)
	}
	return nil
}

// linkTo makes path a hard link to file. What was at path goes first.
func linkTo(path, file string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Link(file, path)
}

// copyTo writes r to path. What was at path goes first: it may be a link
// to a store blob, which writing through would change.
func copyTo(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// QEMUFiles returns the kernel, initrd and device tree to boot a's board
// in QEMU. For a disk board they are read out of the disk image itself,
// into dir, so what boots is what a card would hold.
func (a *Output) QEMUFiles(p *boards.Profile, dir string) (kernel, initrd, dtb string, err error) {
	if a.Image == "" {
		return a.Kernel, a.Initrd, "", nil
	}
	names := []string{p.Kernel.File, p.Disk.Initrd}
	if len(p.DTBs) > 0 {
		names = append(names, p.DTBs[0])
	}
	paths := make([]string, 3)
	for i, n := range names {
		paths[i] = filepath.Join(dir, "qemu-"+filepath.Base(n))
		f, err := os.Create(paths[i])
		if err != nil {
			return "", "", "", err
		}
		err = image.ReadFile(a.Image, n, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", "", "", err
		}
	}
	return paths[0], paths[1], paths[2], nil
}
