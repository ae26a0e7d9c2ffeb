package image

import (
	"fmt"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// bigBoot is a ~40 MB boot file set shaped like a Raspberry Pi's: a
// kernel, an initrd, firmware blobs, device trees and 300 overlays.
func bigBoot() fstest.MapFS {
	boot := fstest.MapFS{
		"kernel8.img": {Data: pseudoRandom(100, 24<<20)},
		"initrd.img":  {Data: pseudoRandom(101, 9<<20)},
		"start4.elf":  {Data: pseudoRandom(102, 2_250_000)},
		"start4x.elf": {Data: pseudoRandom(103, 2_990_000)},
		"fixup4.dat":  {Data: pseudoRandom(104, 5_400)},
		"config.txt":  {Data: []byte("arm_64bit=1\n")},
	}
	for i := range 20 {
		boot[fmt.Sprintf("bcm2711-rpi-%02d.dtb", i)] = &fstest.MapFile{Data: pseudoRandom(uint64(200+i), 55_000)}
	}
	for i := range 300 {
		boot[fmt.Sprintf("overlays/overlay-number-%03d.dtbo", i)] = &fstest.MapFile{Data: pseudoRandom(uint64(1000+i), 1_000+13*i)}
	}
	return boot
}

// BenchmarkWrite writes ~40 MB of boot files: as a Raspberry Pi has them
// (326 files), and as one file, which shows the cost of the bytes alone.
func BenchmarkWrite(b *testing.B) {
	for _, bc := range []struct {
		name string
		boot fstest.MapFS
	}{
		{"pi-326-files", bigBoot()},
		{"one-file", fstest.MapFS{"kernel8.img": {Data: pseudoRandom(1, 40<<20)}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var content int64
			for _, f := range bc.boot {
				content += int64(len(f.Data))
			}
			img := filepath.Join(b.TempDir(), "boot.img")
			b.SetBytes(content)
			for b.Loop() {
				if _, err := Write(img, bc.boot); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
