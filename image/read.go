package image

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	diskfs "github.com/diskfs/go-diskfs"
)

// ErrNoFile is returned by ReadFile for a name the image does not hold.
var ErrNoFile = errors.New("no such file in the boot partition")

// ReadFile copies the file name (slash-separated, like "bcm2711-rpi-4-b.dtb"
// or "overlays/x.dtbo") of the first partition of the disk image img to w.
// Reads are bounded by the file's size: go-diskfs's File.Read can return
// bytes past the end of a file that does not fill its last cluster.
func ReadFile(img, name string, w io.Writer) error {
	d, err := diskfs.Open(img, diskfs.WithOpenMode(diskfs.ReadOnly))
	if err != nil {
		return fmt.Errorf("opening %s: %w", img, err)
	}
	defer d.Close()
	fat, err := d.GetFilesystem(1)
	if err != nil {
		return fmt.Errorf("reading the boot partition of %s: %w", img, err)
	}
	// Look the name up in its directory: go-diskfs's Stat errors for a
	// missing file do not wrap fs.ErrNotExist.
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "." // go-diskfs's ReadDir takes fs.FS-style names
	}
	entries, err := fat.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s in %s: %w", name, img, ErrNoFile)
	}
	var info fs.FileInfo
	for _, e := range entries {
		if e.Name() == base {
			if info, err = e.Info(); err != nil {
				return fmt.Errorf("%s in %s: %w", name, img, err)
			}
		}
	}
	if info == nil {
		return fmt.Errorf("%s in %s: %w", name, img, ErrNoFile)
	}
	if info.IsDir() {
		return fmt.Errorf("%s in %s is a directory", name, img)
	}
	if info.Size() == 0 {
		return nil // go-diskfs cannot open a file stored with no cluster
	}
	f, err := fat.OpenFile("/"+name, os.O_RDONLY)
	if err != nil {
		return fmt.Errorf("%s in %s: %w", name, img, err)
	}
	defer f.Close()
	if _, err := io.CopyN(w, f, info.Size()); err != nil {
		return fmt.Errorf("reading %s from %s: %w", name, img, err)
	}
	return nil
}
