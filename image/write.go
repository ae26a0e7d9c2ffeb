package image

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Stats describes a written image.
type Stats struct {
	ImageBytes     int64 // the whole image: 1 MiB before the partition, then the partition
	PartitionBytes int64
	ContentBytes   int64 // sum of the file sizes
	Files          int   // regular files
	ClusterBytes   int
}

// Write makes a disk image at path: an MBR partition table with one
// bootable FAT32 (type 0x0C, LBA) partition starting at 1 MiB (LBA 2048),
// holding every regular file and directory of boot. The image is written
// to a temporary file next to path and renamed only when complete; on
// error, path is untouched and the temporary file removed. It is not
// fsynced (no more than cp or go build output): that cost 40 ms of a
// 0.35 s build, and the image can always be made again; `wisp flash`
// syncs the device it writes.
// Equal options and equal boot files (names and bytes) give an identical
// image.
func Write(path string, boot fs.FS, opts ...Option) (*Stats, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	entries, err := readTree(boot)
	if err != nil {
		return nil, err
	}
	l, err := planLayout(entries, o.maxSize)
	if err != nil {
		return nil, err
	}
	st := &Stats{ImageBytes: partitionStart + l.partitionBytes, PartitionBytes: l.partitionBytes, ClusterBytes: int(l.clusterBytes)}
	for _, e := range entries {
		if !e.dir {
			st.Files++
			st.ContentBytes += e.size
		}
	}

	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// A new file reads as zeros, so every byte go-diskfs does not write
	// (the gaps, the tails of clusters, the free space) is zero.
	if err := f.Truncate(st.ImageBytes); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	sum, err := fill(f, boot, entries, l, o)
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := finish(f, o, sum); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := errors.Join(f.Chmod(0o644), f.Close()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	done = true
	return st, nil
}

// finish applies wisp's own fixes after go-diskfs is done (fixdirs.go,
// fixboot.go); the volume ID and the disk signature come from
// the content hash, so they differ between different boot files.
func finish(f *os.File, o *options, sum []byte) error {
	v, err := openVolume(f, partitionStart)
	if err != nil {
		return err
	}
	if err := v.fixDirs(o.time); err != nil {
		return err
	}
	if err := v.flushFAT(); err != nil {
		return err
	}
	if err := v.fixFSInfo(); err != nil {
		return err
	}
	if err := v.fixBootSectors(binary.LittleEndian.Uint32(sum[0:4])); err != nil {
		return err
	}
	return setDiskSignature(f, binary.LittleEndian.Uint32(sum[4:8]))
}
