package boards

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/limits"
)

// Profile describes one board, as a file of boards/profiles/ holds it;
// each field says what it is for.
type Profile struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Platform    Platform `json:"platform"`
	// PageSize is the kernel's page size in bytes; PT_LOAD segments of the
	// binary must be aligned to it (16384 on the Raspberry Pi 5 kernel).
	PageSize int `json:"pageSize"`
	// RAMMiB is the RAM of the board's smallest variant; the initramfs
	// must unpack into it.
	RAMMiB int    `json:"ramMiB,omitempty"`
	Kernel Kernel `json:"kernel"`
	// InitrdCompression is how the initrd's archives are compressed:
	// "gzip" (the default) or "none". QEMU boards use none: -initrd is
	// loaded straight into guest memory, and gunzip under TCG costs more
	// boot time than the larger file.
	InitrdCompression string `json:"initrdCompression,omitempty"`
	// DTBs are device tree files copied to the boot partition.
	DTBs []string `json:"dtb,omitempty"`
	// Modules are the kernel modules the board needs, in order of need;
	// their dependency closure is computed at build time.
	Modules []string `json:"modules,omitempty"`
	// StripModuleSignatures removes the modules' appended signatures when
	// they are cut from the base, so that a kernel which does not enforce
	// them loads them without the check (and taints itself 'E').
	StripModuleSignatures bool    `json:"stripModuleSignatures,omitempty"`
	Network               Network `json:"network"`
	// Base is the default board base reference, used when the local store
	// has none for this board.
	Base string `json:"base,omitempty"`
	// FirmwareConfig holds extra lines for the Raspberry Pi config.txt.
	FirmwareConfig []string `json:"firmwareConfig,omitempty"`
	Disk           *Disk    `json:"disk,omitempty"`
	QEMU           *QEMU    `json:"qemu,omitempty"`
	// Sources cite where the hardware facts above come from.
	Sources []string `json:"sources,omitempty"`
}

// InitramfsBudget bounds what the board's initramfs holds: while the
// kernel unpacks it, archive and contents are both in RAM, and the app
// needs room to run, so its contents alone may take at most half the RAM
// (the artifacts then check the archive too).
func (p *Profile) InitramfsBudget() *limits.Budget {
	ram := int64(p.Memory()) << 20
	if ram <= 0 {
		ram = 2 * limits.Image
	}
	return &limits.Budget{What: "the initramfs", Why: fmt.Sprintf("half of board %s's %d MiB of RAM", p.Name, ram>>20), Limit: ram / 2}
}

// ImagePlatform is the OCI platform of the board's images.
func (p *Profile) ImagePlatform() v1.Platform {
	return v1.Platform{OS: p.Platform.OS, Architecture: p.Platform.Architecture, Variant: p.Platform.Variant}
}

// Platform is the OCI platform of the board's images.
type Platform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
}

func (p Platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// Kernel names the kernel image and its command line.
type Kernel struct {
	// File is the kernel image name under boot/ (and on the boot partition).
	File    string `json:"file"`
	Cmdline string `json:"cmdline"`
	// Format "elf" stores the uncompressed vmlinux taken out of an x86
	// bzImage, for QEMU's PVH direct boot; "" keeps the packaged image.
	Format string `json:"format,omitempty"`
}

// Network names the interface the board's network driver creates.
type Network struct {
	Interface string `json:"interface"`
}

// Disk describes the boot partition of boards that boot from a disk image.
type Disk struct {
	// BootPartitionMiB bounds the FAT32 boot partition.
	BootPartitionMiB int `json:"bootPartitionMiB"`
	// Firmware lists files (path.Match patterns) the board's firmware
	// layer must hold, e.g. start4.elf for the Pi 4's GPU firmware.
	Firmware []string `json:"firmware,omitempty"`
	// The files wisp writes at the root of the boot partition, beside the
	// boot/ files of the image's layers (which may not hold them): the
	// initrd; the firmware's configuration in the syntax of the Raspberry
	// Pi's config.txt (booting Kernel.File with the initrd, the first of
	// DTBs, then the lines of FirmwareConfig); the kernel command line,
	// as the Pi firmware reads cmdline.txt. "" writes no such file.
	Initrd  string `json:"initrd"`
	Config  string `json:"config,omitempty"`
	Cmdline string `json:"cmdline,omitempty"`
}

// Written are the names of the files wisp writes on the boot partition.
func (d *Disk) Written() []string {
	var names []string
	for _, n := range []string{d.Initrd, d.Config, d.Cmdline} {
		if n != "" {
			names = append(names, n)
		}
	}
	return names
}

// QEMU holds the settings to boot the board in QEMU. Which QEMU runs is
// not a setting: it follows from the platform (qemuSystems), so that no
// profile can name a program for wisp to start.
type QEMU struct {
	Binary  string `json:"-"` // qemu-system-<arch>, from the platform
	Package string `json:"-"` // the Debian package providing Binary
	// Machine, CPU and NIC are QEMU model names; NIC may add
	// ",romfile=" (no option ROM) and nothing else.
	Machine   string `json:"machine"`
	CPU       string `json:"cpu,omitempty"`
	MemoryMiB int    `json:"memoryMiB"`
	NIC       string `json:"nic,omitempty"` // device model, e.g. virtio-net-pci; "" for none
	// ConsoleSerial is the index of the serial port the kernel's console
	// is on (the Pi's mini UART is the second one); the others get null.
	ConsoleSerial int `json:"consoleSerial,omitempty"`
	// DTB passes the board's first device tree to QEMU (-dtb).
	DTB bool `json:"dtb,omitempty"`
	// Args are more QEMU arguments. Only wisp's own profiles may set
	// them: QEMU options can read and write host files and run programs.
	Args []string `json:"args,omitempty"`
}

// qemuSystems names the QEMU system emulator of each architecture and
// the Debian package that provides it.
var qemuSystems = map[string]struct{ binary, pkg string }{
	"amd64":   {"qemu-system-x86_64", "qemu-system-x86"},
	"arm64":   {"qemu-system-aarch64", "qemu-system-arm"},
	"riscv64": {"qemu-system-riscv64", "qemu-system-misc"},
}

// Memory is the RAM the board boots with: QEMU's, else the board's.
func (p *Profile) Memory() int {
	if p.QEMU != nil {
		return p.QEMU.MemoryMiB
	}
	return p.RAMMiB
}
