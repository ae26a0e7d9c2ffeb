package image

import (
	"bytes"
	"fmt"
	"strings"
)

// PiConfig is what config.txt tells the Raspberry Pi firmware.
type PiConfig struct {
	// Kernel is the kernel image on the boot partition, e.g. "kernel8.img".
	Kernel string
	// Initramfs is the initrd on the boot partition, e.g. "initrd.img";
	// empty for none.
	Initramfs string
	// DeviceTree overrides the device tree the firmware picks for the
	// board; empty leaves the choice to the firmware.
	DeviceTree string
	// Extra holds the board profile's own lines, written last, in order,
	// so they can override the lines above.
	Extra []string
}

// configDoc is the reference for every config.txt line written here.
const configDoc = "https://www.raspberrypi.com/documentation/computers/config_txt.html"

// ConfigTxt returns the config.txt that boots c.Kernel with c.Initramfs.
// Each line, per the config.txt documentation:
//
//   - arm_64bit=1: start the ARM cores in 64-bit mode (wisp's Pi kernels
//     are arm64);
//   - kernel=: the kernel image to load;
//   - initramfs <file> followkernel: load the initrd right after the
//     kernel in memory and pass its address on;
//   - enable_uart=1: enable the primary UART, wisp's serial console;
//   - device_tree=: only when c.DeviceTree is set.
//
// Names may not contain spaces or control characters, and extra lines no
// control characters (a newline would smuggle in another setting).
func ConfigTxt(c PiConfig) ([]byte, error) {
	if c.Kernel == "" {
		return nil, fmt.Errorf("config.txt: no kernel file")
	}
	for _, f := range []struct{ what, name string }{{"kernel", c.Kernel}, {"initramfs", c.Initramfs}, {"device tree", c.DeviceTree}} {
		if strings.ContainsFunc(f.name, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return nil, fmt.Errorf("config.txt: %s file name %q has a space or control character", f.what, f.name)
		}
	}
	for _, l := range c.Extra {
		if strings.ContainsFunc(l, isControl) {
			return nil, fmt.Errorf("config.txt: extra line %q has a control character", l)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Written by wisp. Settings: %s\n", configDoc)
	b.WriteString("arm_64bit=1\n")
	fmt.Fprintf(&b, "kernel=%s\n", c.Kernel)
	if c.Initramfs != "" {
		fmt.Fprintf(&b, "initramfs %s followkernel\n", c.Initramfs)
	}
	b.WriteString("enable_uart=1\n")
	if c.DeviceTree != "" {
		fmt.Fprintf(&b, "device_tree=%s\n", c.DeviceTree)
	}
	if len(c.Extra) > 0 {
		b.WriteString("# From the board profile:\n")
	}
	for _, l := range c.Extra {
		b.WriteString(strings.TrimSpace(l) + "\n")
	}
	return b.Bytes(), nil
}

// CmdlineTxt returns cmdline.txt: the kernel command line on one line,
// ending in a newline, as the firmware expects ("cmdline.txt" in
// https://www.raspberrypi.com/documentation/computers/configuration.html).
// Runs of white space, newlines included, become one space.
func CmdlineTxt(cmdline string) []byte {
	return []byte(strings.Join(strings.Fields(cmdline), " ") + "\n")
}

func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }
