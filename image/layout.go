package image

import (
	"errors"
	"fmt"
	"path"
)

const (
	mib         = 1 << 20
	sectorBytes = 512
	// partitionStart is where the partition begins: 1 MiB (LBA 2048), the
	// alignment fdisk and parted use and SD card erase blocks divide.
	partitionStart = 1 * mib
	// maxPartition keeps go-diskfs's layout arithmetic (32-bit sector
	// counts, a 16-bit sectors-per-FAT) far from overflow; it is also the
	// largest FAT32 volume Windows' format creates.
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

// layout is the geometry of the partition, as go-diskfs will create it.
type layout struct {
	partitionBytes int64
	clusterBytes   int64
	clusters       int64 // data clusters
	usedBytes      int64 // clusters taken by files and directories
}

// planLayout finds the smallest whole-MiB partition whose data area holds
// the entries plus headroom and whose cluster count makes it FAT32. The
// search starts at what the entries need in 512-byte clusters, a lower
// bound: larger clusters waste more, and the data area is smaller than
// the partition.
func planLayout(entries []entry, maxSize int64) (layout, error) {
	used := map[int64]int64{} // cluster size → bytes used
	need := func(c int64) int64 {
		if _, ok := used[c]; !ok {
			used[c] = usedBytes(entries, c)
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

// usedBytes is what the entries occupy in clusters of size c: go-diskfs
// gives every file at least one cluster, even an empty one, and every
// directory one cluster per c bytes of 32-byte entries.
func usedBytes(entries []entry, c int64) int64 {
	dirs := map[string]int64{".": 32} // the root holds the volume label
	for _, e := range entries {
		if e.dir {
			dirs[e.name] += 2 * 32 // "." and ".."
		}
		dirs[path.Dir(e.name)] += 32 * (1 + lfnSlots(path.Base(e.name)))
	}
	var used int64
	for _, e := range entries {
		if !e.dir {
			used += max(1, (e.size+c-1)/c) * c
		}
	}
	for _, b := range dirs {
		used += (b + c - 1) / c * c
	}
	return used
}

// lfnSlots is how many long-name entries go-diskfs writes before a name's
// 8.3 entry at most: one per 13 bytes (calculateSlots counts bytes).
func lfnSlots(name string) int64 {
	return int64(len(name)+12) / 13
}

func sizeText(b int64) string {
	if b%mib == 0 {
		return fmt.Sprintf("%d MiB", b/mib)
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/mib)
}
