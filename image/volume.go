package image

import (
	"encoding/binary"
	"fmt"
)

// Offsets in a FAT32 boot sector (Microsoft FAT specification, "Boot
// Sector and BPB").
const (
	bsJump               = 0
	bsOEMName            = 3
	bpbBytesPerSector    = 11
	bpbSectorsPerCluster = 13
	bpbReservedSectors   = 14
	bpbFATCount          = 16
	bpbMedia             = 21
	bpbSectorsPerTrack   = 24
	bpbHeads             = 26
	bpbHiddenSectors     = 28
	bpbTotalSectors      = 32
	bpbSectorsPerFAT     = 36
	bpbRootCluster       = 44
	bpbFSInfoSector      = 48
	bpbBackupBootSector  = 50
	bsDriveNumber        = 64
	bsBootSig            = 66
	bpbVolumeID          = 67
	bsVolumeLabel        = 71
	bsFileSystemType     = 82
	bsSignature          = 510

	mediaFixed = 0xf8 // BPB_Media and the low byte of FAT[0]: a fixed disk
)

// FSInfo sector fields (Microsoft FAT specification, "FSInfo Structure").
const (
	fsiLeadSig   = 0
	fsiStrucSig  = 484
	fsiFreeCount = 488
	fsiNextFree  = 492
	fsiTrailSig  = 508
)

// FAT entries: the end of a chain, and the two reserved entries (FAT[1]
// with the "clean shutdown" and "no disk error" bits set).
const (
	fatEOC   = 0x0fffffff
	fatZero  = 0x0fffff00 | mediaFixed
	fatOne   = 0x0fffffff
	rootClus = 2
)

// fatBytes is the size of one FAT.
func (l layout) fatBytes() int64 { return fatSectors(l.partitionBytes, l.clusterBytes) * sectorBytes }

// dataStart is the offset of cluster 2 in the partition.
func (l layout) dataStart() int64 { return reservedSectors*sectorBytes + fatCount*l.fatBytes() }

// allocate gives the root, then every node in order, consecutive
// clusters (an empty file none), and returns the FAT that chains them
// and the number of clusters used. Writing the clusters in the same
// order writes the data area front to back.
func allocate(l layout, root *node, nodes []*node) (fat []byte, used uint32, err error) {
	fat = make([]byte, l.fatBytes())
	le := binary.LittleEndian
	le.PutUint32(fat[0:], fatZero)
	le.PutUint32(fat[4:], fatOne)
	next := uint32(rootClus)
	take := func(n *node, bytes int64) {
		count := uint32(clustersOf(bytes, l.clusterBytes))
		if n.dir {
			count = max(count, 1)
		}
		if count == 0 {
			return
		}
		n.cluster = next
		for c := next; c < next+count-1; c++ {
			le.PutUint32(fat[4*c:], c+1)
		}
		le.PutUint32(fat[4*(next+count-1):], fatEOC)
		next += count
	}
	take(root, root.dirBytes())
	for _, n := range nodes {
		if n.dir {
			take(n, n.dirBytes())
		} else {
			take(n, n.size)
		}
	}
	used = next - rootClus
	if int64(used)*l.clusterBytes != l.usedBytes {
		return nil, 0, fmt.Errorf("internal error: %d clusters allocated, the layout planned %d bytes", used, l.usedBytes)
	}
	return fat, used, nil
}

// reservedArea is the first 32 sectors of the partition: the boot sector
// and FSInfo, and their backups at sectors 6 and 7.
func reservedArea(l layout, label string, volumeID, used uint32) []byte {
	b := make([]byte, reservedSectors*sectorBytes)
	bs := b[:sectorBytes]
	le := binary.LittleEndian
	copy(bs[bsJump:], []byte{0xeb, 0x58, 0x90}) // jmp over the BPB; nop
	copy(bs[bsOEMName:], "MSWIN4.1")            // the name the specification recommends
	le.PutUint16(bs[bpbBytesPerSector:], sectorBytes)
	bs[bpbSectorsPerCluster] = byte(l.clusterBytes / sectorBytes)
	le.PutUint16(bs[bpbReservedSectors:], reservedSectors)
	bs[bpbFATCount] = fatCount
	bs[bpbMedia] = mediaFixed
	le.PutUint16(bs[bpbSectorsPerTrack:], chsSectors)
	le.PutUint16(bs[bpbHeads:], chsHeads)
	le.PutUint32(bs[bpbHiddenSectors:], partitionStart/sectorBytes)
	le.PutUint32(bs[bpbTotalSectors:], uint32(l.partitionBytes/sectorBytes))
	le.PutUint32(bs[bpbSectorsPerFAT:], uint32(l.fatBytes()/sectorBytes))
	le.PutUint32(bs[bpbRootCluster:], rootClus)
	le.PutUint16(bs[bpbFSInfoSector:], fsInfoSector)
	le.PutUint16(bs[bpbBackupBootSector:], backupBoot)
	bs[bsDriveNumber] = 0x80
	bs[bsBootSig] = 0x29 // the volume ID, label and type follow
	le.PutUint32(bs[bpbVolumeID:], volumeID)
	vl := label83(label)
	copy(bs[bsVolumeLabel:], vl[:])
	copy(bs[bsFileSystemType:], "FAT32   ")
	le.PutUint16(bs[bsSignature:], 0xaa55)

	fsi := b[fsInfoSector*sectorBytes : (fsInfoSector+1)*sectorBytes]
	le.PutUint32(fsi[fsiLeadSig:], 0x41615252)
	le.PutUint32(fsi[fsiStrucSig:], 0x61417272)
	free, nextFree := uint32(l.clusters)-used, rootClus+used
	if free == 0 {
		nextFree = 0xffffffff // unknown
	}
	le.PutUint32(fsi[fsiFreeCount:], free)
	le.PutUint32(fsi[fsiNextFree:], nextFree)
	le.PutUint32(fsi[fsiTrailSig:], 0xaa550000)

	copy(b[backupBoot*sectorBytes:], b[:2*sectorBytes])
	return b
}
