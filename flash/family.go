package flash

import (
	"os"
	"path/filepath"
)

// family is a disk with its partitions and the devices built on them
// (device-mapper, RAID: sysfs "holders"), all of which must be unused
// before the disk is overwritten.
type family struct {
	names map[string]bool // kernel names: sdb, sdb1, dm-0
	devs  map[string]bool // device numbers: 8:16, 8:17, 254:0
}

func newFamily(dir string) family {
	f := family{names: map[string]bool{}, devs: map[string]bool{}}
	f.add(dir)
	return f
}

func (f family) add(dir string) {
	name := filepath.Base(dir)
	if f.names[name] {
		return
	}
	f.names[name] = true
	if dev := read(filepath.Join(dir, "dev")); dev != "" {
		f.devs[dev] = true
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if sub := filepath.Join(dir, e.Name()); e.IsDir() && isPartition(sub) {
			f.add(sub)
		}
	}
	holders, _ := os.ReadDir(filepath.Join(dir, "holders"))
	for _, e := range holders {
		if hdir, err := filepath.EvalSymlinks(filepath.Join(dir, "holders", e.Name())); err == nil {
			f.add(hdir)
		}
	}
}
