package image

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"

	diskfs "github.com/diskfs/go-diskfs"
	"github.com/diskfs/go-diskfs/backend/file"
	"github.com/diskfs/go-diskfs/disk"
	"github.com/diskfs/go-diskfs/filesystem"
)

// fill partitions f and writes the entries of boot into a new FAT32
// filesystem with go-diskfs. It returns a SHA-256 of the names, sizes and
// content digests, from which the volume ID and disk signature are
// derived.
func fill(f *os.File, boot fs.FS, entries []entry, l layout, o *options) ([]byte, error) {
	d, err := diskfs.OpenBackend(file.New(f, false), diskfs.WithOpenMode(diskfs.ReadWrite))
	if err != nil {
		return nil, fmt.Errorf("opening image: %w", err)
	}
	if err := partitionTable(d, l); err != nil {
		return nil, err
	}
	// Reproducible: a zero volume ID instead of one from time.Now
	// (fat32.Create); fixBootSectors sets ours.
	fat, err := d.CreateFilesystem(disk.FilesystemSpec{Partition: 1, FSType: filesystem.TypeFat32, VolumeLabel: o.label, Reproducible: true})
	if err != nil {
		return nil, fmt.Errorf("creating FAT32 filesystem: %w", err)
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "wisp boot partition\x00%s\x00%d\x00", o.label, o.time.Unix())
	buf := make([]byte, copyBufferBytes)
	names := newShortNames(o.label)
	for _, e := range entries {
		var sz [8]byte
		binary.BigEndian.PutUint64(sz[:], uint64(e.size))
		fmt.Fprintf(sum, "%s\x00%t\x00%s", e.name, e.dir, sz[:])
		if err := names.check(e.name); err != nil {
			return nil, err
		}
		var info fs.FileInfo
		if e.dir {
			if err := fat.Mkdir("/" + e.name); err != nil {
				return nil, fmt.Errorf("creating directory %s: %w", e.name, err)
			}
			info, err = fat.Stat(e.name)
		} else {
			var digest []byte
			info, digest, err = copyFile(fat, f, boot, e, o.digests[e.name], buf)
			sum.Write(digest)
		}
		if err != nil {
			return nil, fmt.Errorf("writing %s: %w", e.name, err)
		}
		if err := names.add(e.name, info); err != nil {
			return nil, err
		}
	}
	return sum.Sum(nil), nil
}
