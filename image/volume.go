package image

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Offsets in a FAT32 boot sector (Microsoft FAT specification, "Boot
// Sector and BPB").
const (
	bpbSectorsPerCluster = 13
	bpbReservedSectors   = 14
	bpbFATCount          = 16
	bpbHiddenSectors     = 28
	bpbTotalSectors      = 32
	bpbSectorsPerFAT     = 36
	bpbRootCluster       = 44
	bpbFSInfoSector      = 48
	bpbBackupBootSector  = 50
	bpbVolumeID          = 67
)

// volume is a FAT32 filesystem inside an image, read directly, for the
// fixes that go-diskfs cannot be asked to make (fixup.go).
type volume struct {
	f            readerWriterAt
	start        int64 // byte offset of the partition in the image
	boot         []byte
	clusterBytes int64
	fatStart     int64 // byte offset of the first FAT in the partition
	dataStart    int64 // byte offset of cluster 2 in the partition
	clusters     uint32
	root         uint32
	fat          []byte // the first FAT
	fatChanged   bool
}

type readerWriterAt interface {
	io.ReaderAt
	io.WriterAt
}

func openVolume(f readerWriterAt, start int64) (*volume, error) {
	bs := make([]byte, sectorBytes)
	if _, err := f.ReadAt(bs, start); err != nil {
		return nil, fmt.Errorf("reading boot sector: %w", err)
	}
	le := binary.LittleEndian
	v := &volume{
		f: f, start: start, boot: bs,
		clusterBytes: int64(bs[bpbSectorsPerCluster]) * sectorBytes,
		fatStart:     int64(le.Uint16(bs[bpbReservedSectors:])) * sectorBytes,
		fat:          make([]byte, int64(le.Uint32(bs[bpbSectorsPerFAT:]))*sectorBytes),
		root:         le.Uint32(bs[bpbRootCluster:]),
	}
	if v.clusterBytes == 0 || bs[bpbFATCount] != fatCount || len(v.fat) == 0 {
		return nil, fmt.Errorf("boot sector is not the FAT32 one go-diskfs writes")
	}
	v.dataStart = v.fatStart + fatCount*int64(len(v.fat))
	v.clusters = uint32((int64(le.Uint32(bs[bpbTotalSectors:]))*sectorBytes - v.dataStart) / v.clusterBytes)
	if _, err := f.ReadAt(v.fat, start+v.fatStart); err != nil {
		return nil, fmt.Errorf("reading FAT: %w", err)
	}
	return v, nil
}

// next is the FAT entry of cluster c, less its 4 reserved high bits.
func (v *volume) next(c uint32) uint32 {
	return binary.LittleEndian.Uint32(v.fat[4*c:]) & 0x0fffffff
}

// freeChain marks the clusters of the chain starting at c free.
func (v *volume) freeChain(c uint32) error {
	chain, err := v.chain(c)
	if err != nil {
		return err
	}
	for _, c := range chain {
		binary.LittleEndian.PutUint32(v.fat[4*c:], 0)
	}
	v.fatChanged = true
	return nil
}

// chain lists the clusters of the file or directory starting at c.
func (v *volume) chain(c uint32) ([]uint32, error) {
	var cs []uint32
	for c < 0x0ffffff8 {
		if c < 2 || c >= v.clusters+2 || len(cs) > int(v.clusters) {
			return nil, fmt.Errorf("broken cluster chain at cluster %d", c)
		}
		cs = append(cs, c)
		c = v.next(c)
	}
	return cs, nil
}

func (v *volume) clusterOffset(c uint32) int64 {
	return v.start + v.dataStart + int64(c-2)*v.clusterBytes
}

// flushFAT writes the first FAT over both copies, if it changed.
func (v *volume) flushFAT() error {
	if !v.fatChanged {
		return nil
	}
	for i := range int64(fatCount) {
		if _, err := v.f.WriteAt(v.fat, v.start+v.fatStart+i*int64(len(v.fat))); err != nil {
			return fmt.Errorf("writing FAT: %w", err)
		}
	}
	v.fatChanged = false
	return nil
}
