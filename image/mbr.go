package image

import "encoding/binary"

// MBR layout (https://en.wikipedia.org/wiki/Master_boot_record, "Sector
// layout"): the 32-bit disk signature at byte 440, four 16-byte partition
// entries from 446, 0x55 0xAA at 510.
const (
	mbrSignatureOffset = 440
	mbrEntriesOffset   = 446
	mbrTypeFAT32LBA    = 0x0c
)

// CHS geometry for the partition entry's legacy cylinder/head/sector
// fields: 255 heads of 63 sectors, as fdisk and parted use for LBA disks;
// addresses past cylinder 1023 are written as 1023/254/63. Raspberry Pi
// firmware and Linux read only the LBA fields.
const (
	chsHeads   = 255
	chsSectors = 63
)

// mbr is the first sector of the image: no boot code, the disk
// signature, and one bootable FAT32 (LBA) partition entry for l.
func mbr(l layout, signature uint32) []byte {
	b := make([]byte, sectorBytes)
	le := binary.LittleEndian
	le.PutUint32(b[mbrSignatureOffset:], signature)
	start := uint32(partitionStart / sectorBytes)
	size := uint32(l.partitionBytes / sectorBytes)
	p := b[mbrEntriesOffset : mbrEntriesOffset+16]
	p[0] = 0x80 // bootable
	p[1], p[2], p[3] = chsBytes(start)
	p[4] = mbrTypeFAT32LBA
	p[5], p[6], p[7] = chsBytes(start + size - 1)
	le.PutUint32(p[8:], start)
	le.PutUint32(p[12:], size)
	le.PutUint16(b[bsSignature:], 0xaa55)
	return b
}

// chsBytes is chs in the order of a partition entry: head, sector (with
// the cylinder's two high bits), cylinder.
func chsBytes(lba uint32) (head, sector, cylinder byte) {
	c, h, s := chs(lba)
	return h, s, c
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
