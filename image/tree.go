package image

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// maxFileSize is the largest FAT32 file: DIR_FileSize is 32 bits
// (Microsoft FAT specification, "Directory Entry").
const maxFileSize = 1<<32 - 1

// entry is a file or directory to put on the partition.
type entry struct {
	name string // slash-separated path in the fs.FS, e.g. "overlays/x.dtbo"
	dir  bool
	size int64
}

// readTree lists the directories and regular files of boot, sorted by
// name so the order of creation (and with it every cluster number) does
// not depend on the order in which the fs.FS lists them.
func readTree(boot fs.FS) (entries []entry, err error) {
	err = fs.WalkDir(boot, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading boot files: %w", err)
		}
		if name == "." {
			return nil
		}
		if err := checkName(path.Base(name)); err != nil {
			return fmt.Errorf("boot file %s: %w", name, err)
		}
		if d.IsDir() {
			entries = append(entries, entry{name: name, dir: true})
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("boot file %s is a %s: a FAT partition holds only regular files and directories", name, typeName(d.Type()))
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("reading boot file %s: %w", name, err)
		}
		if info.Size() > maxFileSize {
			return fmt.Errorf("boot file %s is %d bytes, FAT32 holds at most %d", name, info.Size(), int64(maxFileSize))
		}
		entries = append(entries, entry{name: name, size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return entries, checkCollisions(entries)
}

// checkCollisions rejects names that FAT, which ignores case, would take
// for the same file.
func checkCollisions(entries []entry) error {
	seen := make(map[string]string, len(entries))
	for _, e := range entries {
		key := strings.ToUpper(e.name)
		if other, ok := seen[key]; ok {
			return fmt.Errorf("boot files %s and %s differ only in case, which FAT ignores", other, e.name)
		}
		seen[key] = e.name
	}
	return nil
}

func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}
