package flash_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/wispboot/wisp/flash"
)

// A command asks before it erases anything: Open (which checks the
// target and keeps it open), then Describe in the question, then Write,
// which goes to the device opened whatever the path means by then.
func Example() {
	ctx := context.Background()
	image, device := "out/pi5.img", "/dev/disk/by-id/usb-SanDisk_Cruzer_Blade-0:0"
	fi, err := os.Stat(image)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	d, err := flash.Open(device, fi.Size(), flash.WithProgress(func(phase string, done, total int64) {
		fmt.Fprintf(os.Stderr, "\r%-6s %3d%%", phase, done*100/total)
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // e.g. ErrMounted: "/dev/sdb1 on /media/u/BOOT; unmount it first"
		return
	}
	defer d.Close()
	fmt.Printf("Write to %s? This erases it. [y/N] ", d.Describe())
	answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if strings.TrimSpace(strings.ToLower(answer)) != "y" {
		return
	}
	if err := d.Write(ctx, image); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
