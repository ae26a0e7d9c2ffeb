package image

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/diskfs/go-diskfs/disk"
	"github.com/diskfs/go-diskfs/partition/mbr"
)

// MBR layout (https://en.wikipedia.org/wiki/Master_boot_record, "Sector
// layout"): the 32-bit disk signature at byte 440, four 16-byte partition
// entries from 446, 0x55 0xAA at 510.
const (
	mbrSignatureOffset = 440
	mbrEntriesOffset   = 446
)

// CHS geometry for the partition entry's legacy cylinder/head/sector
// fields: 255 heads of 63 sectors, as fdisk and parted use for LBA disks;
// addresses past cylinder 1023 are written as 1023/254/63. Raspberry Pi
// firmware and Linux read only the LBA fields.
const (
	chsHeads   = 255
	chsSectors = 63
)

// partitionTable writes an MBR with one bootable FAT32 (LBA) partition.
// go-diskfs writes bytes 446-511 only; the disk signature is ours
// (setDiskSignature).
func partitionTable(d *disk.Disk, l layout) error {
	start := uint32(partitionStart / sectorBytes)
	size := uint32(l.partitionBytes / sectorBytes)
	p := &mbr.Partition{Index: 1, Bootable: true, Type: mbr.Fat32LBA, Start: start, Size: size}
	p.StartCylinder, p.StartHead, p.StartSector = chs(start)
	p.EndCylinder, p.EndHead, p.EndSector = chs(start + size - 1)
	if err := d.Partition(&mbr.Table{Partitions: []*mbr.Partition{p}, LogicalSectorSize: sectorBytes, PhysicalSectorSize: sectorBytes}); err != nil {
		return fmt.Errorf("writing partition table: %w", err)
	}
	return nil
}

// chs encodes lba as the three CHS bytes of a partition entry: cylinder
// low bits, head, and sector with the cylinder's two high bits on top.
func chs(lba uint32) (cylinder, head, sector byte) {
	c := lba / (chsHeads * chsSectors)
	h := lba / chsSectors % chsHeads
	s := lba%chsSectors + 1
	if c > 1023 {
		c, h, s = 1023, chsHeads-1, chsSectors
	}
	return byte(c), byte(h), byte(s) | byte(c>>8)<<6
}

func setDiskSignature(f *os.File, sig uint32) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], sig)
	if _, err := f.WriteAt(b[:], mbrSignatureOffset); err != nil {
		return fmt.Errorf("writing disk signature: %w", err)
	}
	return nil
}
