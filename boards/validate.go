package boards

import (
	"fmt"
	"path"
	"strings"
	"unicode"
)

// trust is where a profile comes from, which decides what it may set.
type trust int

const (
	// builtIn profiles are compiled into wisp.
	builtIn trust = iota
	// userFile profiles are files the user named on the command line:
	// data like any other, which may not pass arguments to QEMU.
	userFile
)

// validate checks that the profile is usable and that every value that
// ends up in a file name, a boot file or a QEMU argument has the shape it
// must have. QEMU boards need the QEMU section, disk boards the disk
// section.
func (p *Profile) validate(from trust) error {
	checks := []struct {
		ok   bool
		what string
	}{
		{isName(p.Name, 63), fmt.Sprintf("name %q is not a board name (letters, digits, '.', '_', '-'; at most 63)", p.Name)},
		{isText(p.Description, 200), "description holds control characters or is over 200 bytes"},
		{p.Platform.OS == "linux", fmt.Sprintf("platform.os is %q, only \"linux\" is supported", p.Platform.OS)},
		{GOARCH(p.Platform.Architecture) != "", fmt.Sprintf("platform.architecture %q is not one of amd64, arm64, riscv64", p.Platform.Architecture)},
		{p.Platform.Variant == "" || p.Platform.Variant == "v8", fmt.Sprintf("platform.variant %q is not \"v8\" or empty", p.Platform.Variant)},
		{p.PageSize >= 4096 && p.PageSize <= 65536 && p.PageSize&(p.PageSize-1) == 0, fmt.Sprintf("pageSize %d is not a power of two from 4096 to 65536", p.PageSize)},
		{p.RAMMiB >= 0 && p.RAMMiB <= 1<<20, fmt.Sprintf("ramMiB %d is out of range", p.RAMMiB)},
		{p.Kernel.File != "", "kernel.file is empty"},
		{p.Kernel.File == "" || isFileName(p.Kernel.File), fmt.Sprintf("kernel.file %q is not a plain file name", p.Kernel.File)},
		{isText(p.Kernel.Cmdline, 2048), "kernel.cmdline holds control characters or is over 2048 bytes"},
		{p.Kernel.Format == "" || p.Kernel.Format == "elf", fmt.Sprintf("kernel.format %q is not \"elf\" or empty", p.Kernel.Format)},
		{p.InitrdCompression == "" || p.InitrdCompression == "gzip" || p.InitrdCompression == "none", fmt.Sprintf("initrdCompression %q is not \"gzip\", \"none\" or empty", p.InitrdCompression)},
		{p.Network.Interface == "" || isName(p.Network.Interface, 15), fmt.Sprintf("network.interface %q is not an interface name", p.Network.Interface)},
		{isText(p.Base, 512) && !strings.Contains(p.Base, " "), fmt.Sprintf("base %q is not an image reference", p.Base)},
		{p.QEMU != nil || p.Disk != nil, "neither qemu nor disk is set: the board cannot be booted"},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("%s", c.what)
		}
	}
	for _, d := range p.DTBs {
		if !isFileName(d) {
			return fmt.Errorf("dtb %q is not a plain file name", d)
		}
	}
	for _, m := range p.Modules {
		if !isModuleName(m) {
			return fmt.Errorf("module %q is not a module name", m)
		}
	}
	for _, l := range p.FirmwareConfig {
		if !isText(l, 256) {
			return fmt.Errorf("firmwareConfig line %q holds control characters or is over 256 bytes", l)
		}
	}
	if p.Disk != nil {
		if err := p.Disk.validate(p); err != nil {
			return err
		}
	}
	if p.QEMU != nil {
		if err := p.QEMU.validate(p, from); err != nil {
			return err
		}
	}
	return nil
}

func (d *Disk) validate(p *Profile) error {
	switch {
	case d.BootPartitionMiB <= 0 || d.BootPartitionMiB > 4096 || p.RAMMiB <= 0:
		return fmt.Errorf("a disk board needs disk.bootPartitionMiB (at most 4096) and ramMiB")
	}
	for _, f := range d.Firmware {
		if _, err := path.Match(f, ""); err != nil || f == "" || path.IsAbs(f) || path.Clean(f) != f || strings.HasPrefix(f, "..") || !isText(f, 128) {
			return fmt.Errorf("disk.firmware %q is not a file pattern under the boot partition", f)
		}
	}
	if d.Initrd == "" {
		return fmt.Errorf("a disk board needs disk.initrd, the initrd's name on the boot partition (like initrd.img)")
	}
	seen := map[string]string{p.Kernel.File: "kernel.file"}
	for _, f := range []struct{ field, name string }{{"disk.initrd", d.Initrd}, {"disk.config", d.Config}, {"disk.cmdline", d.Cmdline}} {
		if f.name == "" {
			continue
		}
		if !isFileName(f.name) {
			return fmt.Errorf("%s %q is not a file name at the root of the boot partition", f.field, f.name)
		}
		if other, ok := seen[f.name]; ok {
			return fmt.Errorf("%s %q is also %s", f.field, f.name, other)
		}
		seen[f.name] = f.field
	}
	return nil
}

func (q *QEMU) validate(p *Profile, from trust) error {
	sys := qemuSystems[p.Platform.Architecture]
	q.Binary, q.Package = sys.binary, sys.pkg
	nic, romfile := strings.CutSuffix(q.NIC, ",romfile=")
	switch {
	case q.Machine == "" || q.MemoryMiB <= 0:
		return fmt.Errorf("qemu needs machine and memoryMiB")
	case !isName(q.Machine, 64):
		return fmt.Errorf("qemu.machine %q is not a QEMU machine name (options are not allowed)", q.Machine)
	case q.CPU != "" && !isName(q.CPU, 64):
		return fmt.Errorf("qemu.cpu %q is not a QEMU CPU model name (options are not allowed)", q.CPU)
	case q.NIC != "" && !isName(nic, 64):
		return fmt.Errorf("qemu.nic %q is not a QEMU device name, optionally with \",romfile=\"", q.NIC)
	case romfile && nic == "":
		return fmt.Errorf("qemu.nic %q names no device", q.NIC)
	case q.MemoryMiB < 16 || q.MemoryMiB > 65536:
		return fmt.Errorf("qemu.memoryMiB %d is not from 16 to 65536", q.MemoryMiB)
	case q.ConsoleSerial < 0 || q.ConsoleSerial > 3:
		return fmt.Errorf("qemu.consoleSerial %d is not from 0 to 3", q.ConsoleSerial)
	case q.DTB && len(p.DTBs) == 0:
		return fmt.Errorf("qemu.dtb is set but the board has no dtb")
	case len(q.Args) > 0 && from != builtIn:
		return fmt.Errorf("qemu.args is set: only wisp's built-in profiles may pass arguments to QEMU (QEMU options can read host files and run programs); give them on the command line with wisp run --qemu-arg")
	}
	return nil
}

// GOARCH maps an OCI architecture to the Go architecture wisp supports, or
// "" if it is not supported.
func GOARCH(arch string) string {
	switch arch {
	case "amd64", "arm64", "riscv64":
		return arch
	}
	return ""
}

// isName accepts a lower-case identifier: letters, digits, '.', '_', '-',
// starting with a letter or digit. Board, machine, CPU and device names
// are such names; options (after a comma) are not.
func isName(s string, max int) bool {
	if s == "" || len(s) > max || s[0] == '-' || s[0] == '.' || s[0] == '_' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// isFileName accepts a plain file name for the boot partition: no
// directory, no leading dot, no control characters.
func isFileName(s string) bool {
	return isName(s, 64) && s != "." && s != ".."
}

// isModuleName accepts a kernel module name (dashes or underscores).
func isModuleName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// isText accepts printable text of at most max bytes.
func isText(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}
