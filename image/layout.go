package image

import (
	"errors"
	"fmt"
)

const (
	mib         = 1 << 20
	sectorBytes = 512
	// partitionStart is where the partition begins: 1 MiB (LBA 2048), the
	// alignment fdisk and parted use and SD card erase blocks divide.
	partitionStart = 1 * mib
	// maxPartition is the largest FAT32 volume Windows' format creates;
	// it keeps 32-bit sector counts far from overflow.
	maxPartition = 32 << 30
	// minClusters is the smallest cluster count of a FAT32 volume: fewer
	// than 65525 make it FAT16 by definition (Microsoft FAT specification,
	// "FAT Type Determination"); fsck.fat uses the same threshold.
	minClusters = 65525
	// Headroom: every partition gets 10% plus 4 MiB more than its files
	// and directories occupy, so config.txt can be edited on the card and
	// the rounding of directory growth never runs out of clusters.
	headroomPercent = 10
	headroomBytes   = 4 * mib
)

// ErrTooLarge means the boot files, with headroom, need a larger partition
// than WithMaxSize allows, or than the largest wisp writes (32 GiB).
var ErrTooLarge = errors.New("boot partition too large")

// layout is the geometry of the partition.
type layout struct {
	partitionBytes int64
	clusterBytes   int64
	clusters       int64 // data clusters
	usedBytes      int64 // clusters taken by files and directories
}

// planLayout finds the smallest whole-MiB partition whose data area holds
// the tree under root plus headroom and whose cluster count makes it
// FAT32. The search starts at what the tree needs in 512-byte clusters,
// a lower bound: larger clusters waste more, and the data area is smaller
// than the partition.
func planLayout(root *node, maxSize int64) (layout, error) {
	used := map[int64]int64{} // cluster size → bytes used
	need := func(c int64) int64 {
		if _, ok := used[c]; !ok {
			used[c] = usedBytes(root, c)
		}
		return used[c] + used[c]*headroomPercent/100 + headroomBytes
	}
	var l layout
	for size := max(33*mib, need(512)/mib*mib); size <= maxPartition; size += mib {
		c := clusterBytes(size)
		n := dataClusters(size, c)
		if n >= minClusters && n*c >= need(c) {
			l = layout{partitionBytes: size, clusterBytes: c, clusters: n, usedBytes: used[c]}
			break
		}
	}
	switch {
	case l.partitionBytes == 0:
		return l, fmt.Errorf("%w: the boot files need more than %s, the largest FAT32 partition wisp writes", ErrTooLarge, sizeText(maxPartition))
	case maxSize > 0 && l.partitionBytes > maxSize:
		return l, fmt.Errorf("%w: the boot files need %s (%s in clusters, plus headroom), the limit is %s",
			ErrTooLarge, sizeText(l.partitionBytes), sizeText(l.usedBytes), sizeText(maxSize))
	}
	return l, nil
}

// usedBytes is what the tree under n occupies in clusters of size c:
// every directory at least one cluster, every file as many as its bytes
// need, an empty file none.
func usedBytes(n *node, c int64) int64 {
	if !n.dir {
		return clustersOf(n.size, c) * c
	}
	used := max(1, clustersOf(n.dirBytes(), c)) * c
	for _, child := range n.children {
		used += usedBytes(child, c)
	}
	return used
}

// clustersOf is how many clusters of size c hold size bytes.
func clustersOf(size, c int64) int64 { return (size + c - 1) / c }

func sizeText(b int64) string {
	if b%mib == 0 {
		return fmt.Sprintf("%d MiB", b/mib)
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/mib)
}
