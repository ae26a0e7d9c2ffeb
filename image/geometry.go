package image

// clusterSizes is the cluster size of a FAT32 volume of up to maxBytes:
// the DskTableFAT32 of the Microsoft FAT specification ("FAT Type
// Determination"), which mkfs.fat and Windows' format use too. The same
// specification says a volume under 32.5 MB should not be FAT32 at all,
// and with 512-byte clusters fewer than 65525 clusters make it FAT16
// (minClusters): so no partition is smaller than 33 MiB.
var clusterSizes = []struct {
	maxBytes, clusterBytes int64
}{
	{260 * mib, 512},
	{8 << 30, 4 << 10},
	{16 << 30, 8 << 10},
	{32 << 30, 16 << 10},
	{1 << 62, 32 << 10},
}

// The FAT32 layout, as mkfs.fat makes it: 32 reserved sectors (the boot
// sector at 0, FSInfo at 1, their backups at 6 and 7) and two FATs.
const (
	reservedSectors = 32
	fsInfoSector    = 1
	backupBoot      = 6
	fatCount        = 2
)

func clusterBytes(partitionBytes int64) int64 {
	for _, s := range clusterSizes {
		if partitionBytes <= s.maxBytes {
			return s.clusterBytes
		}
	}
	panic("unreachable: the last cluster size has no limit")
}

// fatSectors is the size of one FAT in sectors: the smallest whose
// 4-byte entries cover the two reserved ones and every data cluster that
// is left after the reserved sectors and both FATs. It starts from the
// closed form mkfs.fat uses, which can fall an entry or two short.
func fatSectors(partitionBytes, clusterBytes int64) int64 {
	total := partitionBytes / sectorBytes
	spc := clusterBytes / sectorBytes
	denom := sectorBytes*spc + 8
	f := (4*(total-reservedSectors) + denom - 1) / denom
	for f*sectorBytes/4 < (total-reservedSectors-fatCount*f)/spc+2 {
		f++
	}
	return f
}

// dataClusters is the number of clusters in the data area, after the
// reserved sectors and the FATs.
func dataClusters(partitionBytes, clusterBytes int64) int64 {
	total := partitionBytes / sectorBytes
	return (total - reservedSectors - fatCount*fatSectors(partitionBytes, clusterBytes)) / (clusterBytes / sectorBytes)
}
