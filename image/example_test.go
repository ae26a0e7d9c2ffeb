package image_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"testing/fstest"
	"time"

	"github.com/wispboot/wisp/image"
)

func Example() {
	cfg, err := image.ConfigTxt(image.PiConfig{Kernel: "kernel8.img", Initramfs: "initrd.img"})
	if err != nil {
		log.Fatal(err)
	}
	boot := fstest.MapFS{
		"config.txt":          {Data: cfg},
		"cmdline.txt":         {Data: image.CmdlineTxt("console=serial0,115200 panic=5")},
		"kernel8.img":         {Data: make([]byte, 8<<20)},
		"initrd.img":          {Data: make([]byte, 3<<20)},
		"bcm2711-rpi-4-b.dtb": {Data: make([]byte, 50<<10)},
	}
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := image.Write(filepath.Join(dir, "sdcard.img"), boot,
		image.WithTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)),
		image.WithMaxSize(256<<20))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d files, %d MiB partition, %d-byte clusters\n", st.Files, st.PartitionBytes>>20, st.ClusterBytes)
	// Output: 5 files, 33 MiB partition, 512-byte clusters
}
