package kernelpkg

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
)

// Firmware is a board's firmware layer (boot/…) and the names of its
// files, relative to boot/.
type Firmware struct {
	mutate.Addendum
	Files []string
	close func()
}

// Close removes the layer's file, if it has one.
func (f *Firmware) Close() {
	if f.close != nil {
		f.close()
	}
}

// raspiFirmwareDir is where Debian's raspi-firmware package keeps the
// boot partition's files.
const raspiFirmwareDir = "lib/raspi-firmware/"

// FirmwareFromDeb reads Debian's raspi-firmware package as a stream: the
// files under usr/lib/raspi-firmware/ become boot/…
func FirmwareFromDeb(ctx context.Context, r io.Reader, tmpDir string) (*Firmware, error) {
	ar, err := newArReader(r)
	if err != nil {
		return nil, err
	}
	for {
		name, err := ar.next()
		if err == io.EOF {
			return nil, fmt.Errorf("no data.tar member: not a Debian package")
		}
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(name, "data.tar") {
			continue
		}
		dr, err := decompress(name, ar)
		if err != nil {
			return nil, err
		}
		dr = limits.Reader(dr, "the package's "+name+", unpacked,", limits.PackageContent)
		return firmwareTree(ctx, tar.NewReader(dr), tmpDir)
	}
}

func firmwareTree(ctx context.Context, tr *tar.Reader, tmpDir string) (_ *Firmware, err error) {
	l, err := layers.NewFileWriter(tmpDir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			l.Abort()
		}
	}()
	t := &treeWriter{ctx: ctx, tw: l.Writer, dirs: map[string]bool{}, budget: &limits.Budget{What: "the firmware package's content", Limit: limits.Firmware}}
	fw := &Firmware{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the package: %w", truncated(err))
		}
		name := packagePath(h.Name)
		rel, ok := strings.CutPrefix(name, raspiFirmwareDir)
		if !ok || h.Typeflag != tar.TypeReg {
			continue
		}
		if err := t.file("boot/"+rel, h.Size, tr); err != nil {
			return nil, err
		}
		fw.Files = append(fw.Files, rel)
	}
	if len(fw.Files) == 0 {
		return nil, fmt.Errorf("the package has no usr/lib/raspi-firmware/: not Debian's raspi-firmware")
	}
	layer, err := l.Finish()
	if err != nil {
		return nil, err
	}
	fw.Addendum = firmwareAddendum(layer, "raspi-firmware")
	fw.close = l.Remove
	return fw, nil
}

// FirmwareFromDir makes the firmware layer of every regular file under
// dir (kept as boot/<path>), like the boot folder of the Raspberry Pi
// firmware repository.
func FirmwareFromDir(dir string) (*Firmware, error) {
	fsys := os.DirFS(dir)
	var files []layers.File
	fw := &Firmware{}
	budget := limits.Budget{What: "firmware directory " + dir, Limit: limits.Firmware}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := budget.Spend(info.Size()); err != nil {
			return err
		}
		files = append(files, layers.File{Path: "boot/" + p, Mode: 0o644, Size: info.Size(), Open: func() (io.ReadCloser, error) { return fsys.Open(p) }})
		fw.Files = append(fw.Files, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading firmware directory: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("firmware directory %s holds no files", dir)
	}
	sort.Strings(fw.Files)
	l, err := layers.Layer(files)
	if err != nil {
		return nil, err
	}
	fw.Addendum = firmwareAddendum(l, "directory")
	return fw, nil
}

func firmwareAddendum(l v1.Layer, from string) mutate.Addendum {
	return layers.Annotated(layers.RoleFirmware, l, "wisp base import: firmware from "+from)
}

// MissingFirmware returns the patterns (path.Match globs, like start*.elf)
// that no file matches.
func MissingFirmware(files, patterns []string) []string {
	var missing []string
	for _, p := range patterns {
		found := false
		for _, f := range files {
			if ok, _ := path.Match(p, f); ok {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, p)
		}
	}
	return missing
}
