package flash_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/wispboot/wisp/flash"
)

// A command asks before it erases anything: Check, then Describe in the
// question, then Write.
func Example() {
	ctx := context.Background()
	image, device := "out/pi5.img", "/dev/disk/by-id/usb-SanDisk_Cruzer_Blade-0:0"
	fi, err := os.Stat(image)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	t, err := flash.Check(device, fi.Size())
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // e.g. ErrMounted: "/dev/sdb1 on /media/u/BOOT; unmount it first"
		return
	}
	fmt.Printf("Write to %s? This erases it. [y/N] ", t.Describe())
	answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if strings.TrimSpace(strings.ToLower(answer)) != "y" {
		return
	}
	err = flash.Write(ctx, image, t.Path, flash.WithProgress(func(phase string, done, total int64) {
		fmt.Fprintf(os.Stderr, "\r%-6s %3d%%", phase, done*100/total)
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
