package flash

import (
	"fmt"
	"strings"
)

// Target is what Check found.
type Target struct {
	Path      string // the resolved path: /dev/sdb for /dev/disk/by-id/usb-…
	Size      int64  // bytes: the device's capacity, or the file's current size
	Block     bool   // a block device (false: a regular file)
	Removable bool   // removable, or on USB or an SD card
	Bus       string // "usb", "mmc" or "" (sysfs device path)
	Model     string // vendor and model from sysfs, "" if none
	Serial    string // the card's or disk's serial number from sysfs, "" if none
}

// Describe returns a one-line description for a confirmation prompt,
// e.g. "/dev/sdb (SanDisk Cruzer Blade, 32.0 GB, USB)".
func (t *Target) Describe() string {
	var parts []string
	if !t.Block {
		parts = append(parts, "regular file")
	}
	if t.Model != "" {
		parts = append(parts, t.Model)
	}
	parts = append(parts, humanSize(t.Size))
	if b, ok := busNames[t.Bus]; ok {
		parts = append(parts, b)
	}
	if t.Serial != "" {
		parts = append(parts, "serial "+t.Serial)
	}
	return fmt.Sprintf("%s (%s)", t.Path, strings.Join(parts, ", "))
}

var busNames = map[string]string{"usb": "USB", "mmc": "SD card"}

// humanSize formats n in decimal units, as disk and card vendors do.
func humanSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
