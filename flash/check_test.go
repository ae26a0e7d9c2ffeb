package flash

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Where the fake disks sit in sysfs, as on real machines.
const (
	sataA  = "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"
	usbB   = "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb"
	usbC   = "pci0000:00/0000:00:14.0/usb3/3-2/3-2:1.0/host7/target7:0:0/7:0:0:0/block/sdc"
	usbD   = "pci0000:00/0000:00:14.0/usb2/2-3/2-3:1.0/host8/target8:0:0/8:0:0:0/block/sdd"
	usbE   = "pci0000:00/0000:00:14.0/usb2/2-4/2-4:1.0/host9/target9:0:0/9:0:0:0/block/sde"
	usbF   = "pci0000:00/0000:00:14.0/usb2/2-5/2-5:1.0/host10/target10:0:0/10:0:0:0/block/sdf"
	usbG   = "pci0000:00/0000:00:14.0/usb2/2-6/2-6:1.0/host11/target11:0:0/11:0:0:0/block/sdg"
	usbH   = "pci0000:00/0000:00:14.0/usb2/2-7/2-7:1.0/host12/target12:0:0/12:0:0:0/block/sdh"
	sataI  = "pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sdi"
	usbJ   = "pci0000:00/0000:00:14.0/usb2/2-8/2-8:1.0/host13/target13:0:0/13:0:0:0/block/sdj"
	sdCard = "platform/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0"
	eMMC   = "platform/fe330000.mmc/mmc_host/mmc1/mmc1:0001/block/mmcblk1"
	nvme   = "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1"
	dm0    = "virtual/block/dm-0"
	loop0  = "virtual/block/loop0"
)

const mountTable = `/dev/sda2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda1 /boot/efi vfat rw,relatime 0 0
/dev/sdb1 /media/u/BOOT\040FAT vfat rw,nosuid,nodev 0 0
/dev/sdd /media/u/FLOPPY vfat rw,nosuid,nodev 0 0
/dev/mapper/root /home ext4 rw,relatime 0 0
/dev/disk/by-uuid/ABCD-1234 /mnt/data vfat rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw,relatime 0 0
`

const swapTable = `Filename				Type		Size		Used		Priority
/dev/sde2                               partition	1048572		0		-2
/swapfile                               file		1048572		0		-3
`

// machine is a laptop with an internal SATA disk, an NVMe disk holding an
// encrypted /home, an eMMC, an SD card slot and many USB disks.
func machine(t *testing.T) *fakeHost {
	f := newFakeHost(t)
	internal := func(size string) map[string]string { return map[string]string{"removable": "0", "size": size} }
	usb := func(removable, size, vendor, model string) map[string]string {
		return map[string]string{"removable": removable, "size": size, "device/vendor": vendor, "device/model": model}
	}
	f.disk(sataA, "8:0", map[string]string{"removable": "0", "size": "1953525168", "device/vendor": "ATA     ", "device/model": "Samsung SSD 860 "})
	f.partition(sataA, "sda1", "8:1")
	f.partition(sataA, "sda2", "8:2")
	f.disk(usbB, "8:16", usb("1", "62521344", "SanDisk ", "Cruzer Blade    "))
	f.partition(usbB, "sdb1", "8:17")
	f.disk(usbC, "8:32", usb("0", "500118192", "Samsung ", "Portable SSD T5 "))
	f.link("dev/disk/by-id/usb-Samsung_Portable_SSD_T5", "../../sdc")
	f.disk(usbD, "8:48", usb("1", "2880", "TEAC", "FD-05PUB"))
	f.disk(usbE, "8:64", usb("1", "62521344", "Kingston", "DataTraveler"))
	f.partition(usbE, "sde1", "8:65")
	f.partition(usbE, "sde2", "8:66")
	f.disk(usbF, "8:80", usb("1", "0", "Generic-", "SD/MMC"))
	f.disk(usbG, "8:96", usb("1", "2048", "Tiny", "Stick"))
	f.disk(usbH, "8:112", map[string]string{"removable": "1", "size": "62521344", "ro": "1"})
	f.disk(sataI, "8:128", internal("3907029168"))
	f.disk(usbJ, "8:144", usb("1", "62521344", "SanDisk", "Ultra"))
	f.partition(usbJ, "sdj1", "8:145")
	f.link("dev/disk/by-uuid/ABCD-1234", "../../sdj1")
	f.disk(sdCard, "179:0", map[string]string{"removable": "0", "size": "62333952", "device/type": "SD", "device/name": "SC32G"})
	f.partition(sdCard, "mmcblk0p1", "179:1")
	f.disk(eMMC, "179:32", map[string]string{"removable": "0", "size": "30777344", "device/type": "MMC", "device/name": "DG4016"})
	f.disk(nvme, "259:0", map[string]string{"removable": "0", "size": "1000215216", "device/model": "WDC PC SN730"})
	f.partition(nvme, "nvme0n1p2", "259:2")
	f.disk(dm0, "254:0", internal("999000000"))
	f.relLink("sys/devices/"+nvme+"/nvme0n1p2/holders/dm-0", "sys/devices/"+dm0)
	f.link("dev/mapper/root", "../dm-0")
	f.disk(loop0, "7:0", internal("16384"))
	f.file("proc/self/mounts", mountTable)
	f.file("proc/swaps", swapTable)
	f.file("disk.raw", strings.Repeat("x", 100))
	return f
}

func TestCheck(t *testing.T) {
	f := machine(t)
	dev := func(name string) string { return filepath.Join(f.root, "dev", name) }
	const image = 8 << 20
	tests := []struct {
		name     string
		target   string // under the fake root unless absolute
		size     int64  // image size; 0 means image
		force    bool
		want     *Target
		wantErr  error
		wantText []string
	}{
		{name: "USB disk", target: "dev/sdc",
			want: &Target{Path: dev("sdc"), Size: 500118192 * 512, Block: true, Removable: true, Bus: "usb", Model: "Samsung Portable SSD T5"}},
		{name: "symlink by id", target: "dev/disk/by-id/usb-Samsung_Portable_SSD_T5",
			want: &Target{Path: dev("sdc"), Size: 500118192 * 512, Block: true, Removable: true, Bus: "usb", Model: "Samsung Portable SSD T5"}},
		{name: "SD card", target: "dev/mmcblk0",
			want: &Target{Path: dev("mmcblk0"), Size: 62333952 * 512, Block: true, Removable: true, Bus: "mmc", Model: "SC32G"}},
		{name: "partition", target: "dev/mmcblk0p1", wantErr: ErrPartition, wantText: []string{"mmcblk0p1", "whole disk, /dev/mmcblk0"}},
		{name: "partition mounted", target: "dev/sdb", wantErr: ErrMounted, wantText: []string{"/dev/sdb1 on /media/u/BOOT FAT"}},
		{name: "whole disk mounted", target: "dev/sdd", wantErr: ErrMounted, wantText: []string{"/dev/sdd on /media/u/FLOPPY"}},
		{name: "swap", target: "dev/sde", wantErr: ErrMounted, wantText: []string{"/dev/sde2 as swap; unmount it (swapoff for swap) first"}},
		{name: "mounted by uuid", target: "dev/sdj", wantErr: ErrMounted, wantText: []string{"/dev/disk/by-uuid/ABCD-1234 on /mnt/data"}},
		{name: "system disk, forced", target: "dev/sda", force: true, wantErr: ErrMounted, wantText: []string{"/dev/sda2 on /, /dev/sda1 on /boot/efi"}},
		{name: "device-mapper holder, forced", target: "dev/nvme0n1", force: true, wantErr: ErrMounted, wantText: []string{"/dev/mapper/root on /home"}},
		{name: "internal disk", target: "dev/sdi", wantErr: ErrNotRemovable, wantText: []string{"sdi (2.0 TB)", "force"}},
		{name: "internal disk, forced", target: "dev/sdi", force: true,
			want: &Target{Path: dev("sdi"), Size: 3907029168 * 512, Block: true}},
		{name: "eMMC", target: "dev/mmcblk1", wantErr: ErrNotRemovable, wantText: []string{"DG4016"}},
		{name: "loop device", target: "dev/loop0", wantErr: ErrNotRemovable},
		{name: "no medium", target: "dev/sdf", wantErr: ErrTooSmall, wantText: []string{"no medium"}},
		{name: "too small", target: "dev/sdg", wantErr: ErrTooSmall, wantText: []string{"8.4 MB (8388608 bytes)", "1.0 MB (1048576 bytes)"}},
		{name: "read-only", target: "dev/sdh", wantErr: ErrReadOnly, wantText: []string{"lock switch"}},
		{name: "directory", target: "dev/disk", wantErr: ErrNotDevice, wantText: []string{"a directory"}},
		{name: "character device", target: "/dev/null", wantErr: ErrNotDevice, wantText: []string{"a character device"}},
		{name: "regular file smaller than the image", target: "disk.raw",
			want: &Target{Path: filepath.Join(f.root, "disk.raw"), Size: 100}},
		{name: "missing", target: "dev/sdz", wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if !filepath.IsAbs(target) {
				target = filepath.Join(f.root, target)
			}
			size := tt.size
			if size == 0 {
				size = image
			}
			got, err := Check(target, size, WithForce(tt.force), withHost(f.host()))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Check(%s) error = %v, want %v", tt.target, err, tt.wantErr)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Check(%s) error = %q, want it to contain %q", tt.target, err, s)
				}
			}
			if tt.want != nil && *got != *tt.want {
				t.Errorf("Check(%s) = %+v, want %+v", tt.target, *got, *tt.want)
			}
		})
	}
}

func TestCheckTables(t *testing.T) {
	tests := []struct {
		name    string
		missing string
		wantErr bool
	}{
		{name: "no mount table", missing: "proc/self/mounts", wantErr: true},
		{name: "no swap table (kernel without swap)", missing: "proc/swaps", wantErr: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeHost(t)
			f.disk(usbC, "8:32", map[string]string{"removable": "1", "size": "62521344"})
			f.file("proc/self/mounts", mountTable)
			f.file("proc/swaps", swapTable)
			if err := os.Remove(filepath.Join(f.root, tt.missing)); err != nil {
				t.Fatal(err)
			}
			_, err := Check(filepath.Join(f.root, "dev/sdc"), 1, withHost(f.host()))
			if got := err != nil; got != tt.wantErr {
				t.Errorf("Check error = %v, want an error: %v", err, tt.wantErr)
			}
		})
	}
}
