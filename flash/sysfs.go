package flash

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// disk is what sysfs says about a block device.
type disk struct {
	dir       string // its directory under /sys/devices, symlinks resolved
	name      string // kernel name: sdb, mmcblk0p1
	parent    string // the whole disk's kernel name, if this is a partition
	size      int64
	readOnly  bool
	removable bool
	bus       string
	model     string
	serial    string
}

// disk reads the block device with device number dev ("8:16") from
// /sys/dev/block, which links to its directory under /sys/devices.
func (h host) disk(dev string) (*disk, error) {
	dir, err := filepath.EvalSymlinks(h.path("/sys/dev/block/" + dev))
	if err != nil {
		return nil, fmt.Errorf("reading sysfs of block device %s: %w", dev, err)
	}
	d := &disk{dir: dir, name: filepath.Base(dir)}
	if isPartition(dir) {
		d.parent = filepath.Base(filepath.Dir(dir))
		return d, nil
	}
	attr := func(name string) string { return read(filepath.Join(dir, name)) }
	// Documentation/ABI/stable/sysfs-block: size is in 512-byte sectors
	// whatever the device's logical block size.
	sectors, _ := strconv.ParseInt(attr("size"), 10, 64)
	d.size = sectors * 512
	d.readOnly = attr("ro") == "1"
	d.bus = h.bus(dir)
	// drivers/mmc/core/bus.c type_show: "SD", "SDIO", "SDcombo" or "MMC";
	// MMC is what a soldered eMMC reports.
	sd := d.bus == "mmc" && attr("device/type") != "MMC"
	d.removable = attr("removable") == "1" || d.bus == "usb" || sd
	d.model = model(attr("device/vendor"), attr("device/model"), attr("device/name"))
	// drivers/mmc/core/bus.c (serial of an SD card), SCSI's wwid.
	d.serial = attr("device/serial")
	if d.serial == "" {
		d.serial = attr("device/wwid")
	}
	return d, nil
}

// bus names the first USB or MMC element of dir's path under
// /sys/devices: .../usb2/2-1/... or .../mmc_host/mmc0/mmc0:aaaa/...
func (h host) bus(dir string) string {
	rel, err := filepath.Rel(h.path("/sys/devices"), dir)
	if err != nil {
		return ""
	}
	for _, elem := range strings.Split(rel, string(filepath.Separator)) {
		switch {
		case strings.HasPrefix(elem, "usb"):
			return "usb"
		case strings.HasPrefix(elem, "mmc"):
			return "mmc"
		}
	}
	return ""
}

// model joins the SCSI vendor and model (drivers/scsi/scsi_sysfs.c) or
// the SD card's name (drivers/mmc/core/sd.c). The vendor is dropped when
// it says nothing: "ATA" for SATA disks, a PCI id for virtio.
func model(vendor, model, name string) string {
	if vendor == "ATA" || strings.HasPrefix(vendor, "0x") {
		vendor = ""
	}
	if model == "" {
		model = name
	}
	return strings.Join(strings.Fields(vendor+" "+model), " ")
}

func isPartition(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "partition"))
	return err == nil
}

// devPath is the usual /dev path of a kernel name ("cciss!c0d0" is
// /dev/cciss/c0d0).
func devPath(name string) string { return "/dev/" + strings.ReplaceAll(name, "!", "/") }
