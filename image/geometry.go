package image

// clusterSizes is the cluster size go-diskfs v1.9 chooses for a FAT32
// volume of up to maxBytes (filesystem/fat32/fat32.go, Create: "Matches
// the table used by dosfstools' mkfs.fat (and Microsoft's format
// command)"). It is the DskTableFAT32 of the Microsoft FAT specification
// ("FAT Type Determination"), which also says a volume under 32.5 MB
// should not be FAT32 at all. wisp cannot pass its own cluster size, so
// it mirrors the table to size partitions; TestGeometryMatchesGoDiskfs
// checks the mirror against what go-diskfs writes.
var clusterSizes = []struct {
	maxBytes, clusterBytes int64
}{
	{260 * mib, 512},
	{8 << 30, 4 << 10},
	{16 << 30, 8 << 10},
	{32 << 30, 16 << 10},
	{1 << 62, 32 << 10},
}

// go-diskfs's FAT32 layout: 32 reserved sectors (boot sector, FSInfo and
// their backups at 6 and 7) and two FATs.
const (
	reservedSectors = 32
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

// dataClusters is the number of clusters in the data area, after the
// reserved sectors and the FATs. The FAT size is go-diskfs's closed form
// of mkfs.fat's search: the smallest X with X*(512/4) >= clusters+2.
func dataClusters(partitionBytes, clusterBytes int64) int64 {
	total := partitionBytes / sectorBytes
	spc := clusterBytes / sectorBytes
	denom := sectorBytes*spc + 8
	sectorsPerFAT := (4*(total-reservedSectors) + denom - 1) / denom
	return (total - reservedSectors - fatCount*sectorsPerFAT) / spc
}
