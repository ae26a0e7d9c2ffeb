package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestPlanLayout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		entries     []entry
		wantMiB     int64
		wantCluster int64
	}{
		{"nothing", nil, 33, 512},
		{"4 MiB of files", []entry{{name: "k", size: 4 * mib}}, 33, 512},
		{"40 MiB", []entry{{name: "k", size: 40 * mib}}, 49, 512},
		{"1000 one-byte files", manyFiles(1000, 1), 33, 512},
		{"229 MiB: 260 MiB, the last with 512-byte clusters", []entry{{name: "k", size: 229 * mib}}, 260, 512},
		{"230 MiB: 261 MiB, 4 KiB clusters", []entry{{name: "k", size: 230 * mib}}, 261, 4096},
		{"1 GiB", []entry{{name: "k", size: 1 << 30}}, 1133, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := planLayout(tree(t, tc.entries), 0)
			if err != nil {
				t.Fatal(err)
			}
			if l.partitionBytes != tc.wantMiB*mib || l.clusterBytes != tc.wantCluster {
				t.Errorf("got %d MiB with %d-byte clusters, want %d MiB with %d-byte clusters", l.partitionBytes/mib, l.clusterBytes, tc.wantMiB, tc.wantCluster)
			}
			// The rule: FAT32, room for the files plus headroom, and
			// no whole MiB less would do.
			fits := func(size int64) bool {
				c := clusterBytes(size)
				used := usedBytes(tree(t, tc.entries), c)
				return dataClusters(size, c) >= minClusters && dataClusters(size, c)*c >= used+used/10+4*mib
			}
			if !fits(l.partitionBytes) {
				t.Errorf("%d MiB does not hold the files plus headroom", l.partitionBytes/mib)
			}
			if fits(l.partitionBytes - mib) {
				t.Errorf("%d MiB is not the smallest: %d MiB would do", l.partitionBytes/mib, l.partitionBytes/mib-1)
			}
		})
	}
}

// tree is the root of entries, which must be sorted.
func tree(t testing.TB, entries []entry) *node {
	t.Helper()
	root, _, err := buildTree(entries, DefaultLabel)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func manyFiles(n int, size int64) []entry {
	var es []entry
	for i := range n {
		es = append(es, entry{name: fmt.Sprintf("f%04d", i), size: size})
	}
	return es
}

func TestUsedBytes(t *testing.T) {
	t.Parallel()
	entries := []entry{
		{name: "d", dir: true},                           // root: the label, then 1 long-name slot + 1 (d is not D)
		{name: "d/" + strings.Repeat("x", 14), size: 10}, // a cluster; in d, 2 long-name slots + 1, after . and ..
		{name: "empty"},                                  // no cluster
		{name: "k", size: 513},                           // 2 clusters of 512 bytes
	}
	for _, tc := range []struct{ cluster, want int64 }{
		{512, 512 /*root*/ + 512 /*d*/ + 512 + 1024},
		{4096, 4 * 4096},
	} {
		if got := usedBytes(tree(t, entries), tc.cluster); got != tc.want {
			t.Errorf("usedBytes with %d-byte clusters: got %d, want %d", tc.cluster, got, tc.want)
		}
	}
}

// TestGeometry writes the reserved sectors, FATs and root directory of
// empty FAT32 volumes of sizes around the cluster-size steps and checks
// that fsck.fat finds nothing to fix and counts the clusters that
// dataClusters predicts.
func TestGeometry(t *testing.T) {
	t.Parallel()
	for _, size := range []int64{33 * mib, 100 * mib, 260 * mib, 261 * mib, 1 << 30, 8<<30 + mib} {
		t.Run(sizeText(size), func(t *testing.T) {
			root := tree(t, nil)
			c := clusterBytes(size)
			l := layout{partitionBytes: size, clusterBytes: c, clusters: dataClusters(size, c), usedBytes: usedBytes(root, c)}
			if l.fatBytes()/4 < l.clusters+2 {
				t.Errorf("the FAT has %d entries for %d clusters", l.fatBytes()/4, l.clusters)
			}
			fat, used, err := allocate(l, root, nil)
			if err != nil {
				t.Fatal(err)
			}
			part := filepath.Join(t.TempDir(), "part.img")
			f, err := os.Create(part)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var b []byte
			b = append(b, reservedArea(l, DefaultLabel, 1, used)...)
			b = append(b, fat...)
			b = append(b, fat...)
			b = append(b, encodeDir(root, DefaultLabel, fatEpoch, c)...)
			if _, err := f.Write(b); err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(size); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			out := fsckPartition(t, part)
			if want := fmt.Sprintf("%d data clusters (%d bytes)", l.clusters, l.clusters*c); !strings.Contains(out, want) {
				t.Errorf("fsck.fat -n -v does not say %q:\n%s", want, out)
			}
		})
	}
}

// TestTinyIsFAT32: fsck.fat must see FAT32 with at least 65525 clusters.
func TestTinyIsFAT32(t *testing.T) {
	t.Parallel()
	img, _ := writeImage(t, fstest.MapFS{"config.txt": {Data: []byte("arm_64bit=1\n")}})
	out := fsck(t, img)
	if !strings.Contains(out, "32 bit entries") {
		t.Errorf("fsck.fat does not see 32-bit FAT entries:\n%s", out)
	}
	m := regexp.MustCompile(`(\d+) data clusters`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("fsck.fat prints no cluster count:\n%s", out)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if n < minClusters {
		t.Errorf("fsck.fat counts %d clusters, FAT32 needs %d", n, minClusters)
	}
	bs := sector(t, img, partitionStart)
	if got := string(bs[82:90]); got != "FAT32   " {
		t.Errorf("BS_FilSysType: got %q, want \"FAT32   \"", got)
	}
	if got := le.Uint16(bs[22:]); got != 0 {
		t.Errorf("BPB_FATSz16: got %d, want 0 (FAT32)", got)
	}
}

func TestBigContentFits(t *testing.T) {
	t.Parallel()
	boot := bigBoot()
	img, st := writeImage(t, boot)
	fsck(t, img)
	checkMtools(t, img, boot)
	checkDiskfs(t, img, boot)
	if st.ContentBytes < 40e6 || st.Files != len(boot) {
		t.Errorf("Stats: got %+v, want %d files of at least 40 MB", *st, len(boot))
	}
	t.Logf("%d files, %d bytes: %s partition, %d-byte clusters", st.Files, st.ContentBytes, sizeText(st.PartitionBytes), st.ClusterBytes)
}

func TestMaxSize(t *testing.T) {
	t.Parallel()
	boot := fstest.MapFS{"kernel8.img": {Data: make([]byte, 40*mib)}}
	dir := t.TempDir()
	img := filepath.Join(dir, "boot.img")
	_, err := Write(img, boot, WithMaxSize(32*mib))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Write: got %v, want ErrTooLarge", err)
	}
	t.Log(err)
	for _, want := range []string{"boot files need 49 MiB", "the limit is 32 MiB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if ents := readDir(t, dir); len(ents) != 0 {
		t.Errorf("output directory: got %v, want it empty", ents)
	}
	// Exactly the size needed is allowed.
	if _, err := Write(img, boot, WithMaxSize(49*mib)); err != nil {
		t.Fatalf("Write with the exact size allowed: %v", err)
	}
	fsck(t, img)
}

// TestFourKiBClusters writes a partition just past 260 MiB, where
// go-diskfs switches to 4 KiB clusters, from a sparse 230 MiB file.
func TestFourKiBClusters(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 261 MiB image")
	}
	t.Parallel()
	dir := t.TempDir()
	small := piFiles()
	for name, f := range small {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Truncate(filepath.Join(dir, "kernel8.img"), 230*mib); err != nil {
		t.Fatal(err)
	}
	img, st := writeImage(t, os.DirFS(dir))
	if st.ClusterBytes != 4096 || st.PartitionBytes <= 260*mib {
		t.Errorf("Stats: got %+v, want more than 260 MiB with 4096-byte clusters", *st)
	}
	fsck(t, img)
	for _, name := range []string{"overlays/deep/nested/a-rather-long-file-name-for-lfn.bin", "bcm2711-rpi-400.dtb", "config.txt"} {
		if got := mtools(t, img, "mcopy", "::/"+name, "-"); string(got) != string(small[name].Data) {
			t.Errorf("mcopy ::/%s: got %d bytes, want the %d input bytes", name, len(got), len(small[name].Data))
		}
	}
	if out := string(mtools(t, img, "mdir", "::/kernel8.img")); !strings.Contains(out, "241172480") {
		t.Errorf("mdir ::/kernel8.img: want 241172480 bytes:\n%s", out)
	}
}
