package image

import (
	"encoding/binary"
	"fmt"
)

// FSInfo sector fields (Microsoft FAT specification, "FSInfo Structure").
const (
	fsiFreeCount = 488
	fsiNextFree  = 492
)

// fixBootSectors sets, in the boot sector and its backup, the volume ID
// (go-diskfs writes 0 when asked to be reproducible, fat32.Create) and the
// hidden-sector count, which the FAT specification defines as the sectors
// before the volume (BPB_HiddSec) and go-diskfs leaves at 0.
func (v *volume) fixBootSectors(volumeID uint32) error {
	le := binary.LittleEndian
	le.PutUint32(v.boot[bpbHiddenSectors:], uint32(v.start/sectorBytes))
	le.PutUint32(v.boot[bpbVolumeID:], volumeID)
	return v.writeTwice(v.boot, 0, int64(le.Uint16(v.boot[bpbBackupBootSector:])))
}

// fixFSInfo records the free cluster count and the first free cluster in
// the FSInfo sector and its backup, where go-diskfs leaves 0xFFFFFFFF
// ("unknown"), which fsck.fat reports ("Free cluster summary
// uninitialized").
func (v *volume) fixFSInfo() error {
	le := binary.LittleEndian
	sector := int64(le.Uint16(v.boot[bpbFSInfoSector:]))
	b := make([]byte, sectorBytes)
	if _, err := v.f.ReadAt(b, v.start+sector*sectorBytes); err != nil {
		return fmt.Errorf("reading FSInfo sector: %w", err)
	}
	free, first := uint32(0), uint32(0xffffffff)
	for c := uint32(2); c < v.clusters+2; c++ {
		if v.next(c) == 0 {
			free++
			first = min(first, c)
		}
	}
	le.PutUint32(b[fsiFreeCount:], free)
	le.PutUint32(b[fsiNextFree:], first)
	// go-diskfs keeps the FSInfo backup right after the boot sector's
	// backup (fat32.FileSystem.writeFsis), as mkfs.fat does.
	return v.writeTwice(b, sector, int64(le.Uint16(v.boot[bpbBackupBootSector:]))+1)
}

// writeTwice writes one sector at two sector numbers of the partition.
func (v *volume) writeTwice(b []byte, primary, backup int64) error {
	for _, s := range []int64{primary, backup} {
		if _, err := v.f.WriteAt(b, v.start+s*sectorBytes); err != nil {
			return fmt.Errorf("writing sector %d: %w", s, err)
		}
	}
	return nil
}
