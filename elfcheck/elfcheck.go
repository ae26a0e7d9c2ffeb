package elfcheck

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
)

// Sentinels for errors.Is; every error Check returns wraps one of them.
var (
	ErrNotELF    = errors.New("not an ELF executable")
	ErrDynamic   = errors.New("not statically linked")
	ErrArch      = errors.New("wrong architecture")
	ErrAlignment = errors.New("segments not aligned to the page size")
)

// machines maps Go architectures to ELF machines (all 64-bit little endian).
var machines = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"riscv64": elf.EM_RISCV,
}

// Want is what the board requires of the binary.
type Want struct {
	Arch     string // Go architecture: amd64, arm64 or riscv64
	PageSize uint64 // kernel page size in bytes; 0 skips the alignment check
}

// CheckFile opens file and checks it. Errors name the file.
func CheckFile(file string, want Want) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("binary: %w", err)
	}
	defer f.Close()
	if err := Check(f, want); err != nil {
		return fmt.Errorf("binary %s: %w", file, err)
	}
	return nil
}

// Check reads the ELF headers from r. It returns every problem found,
// joined, one per line.
func Check(r io.ReaderAt, want Want) error {
	f, err := elf.NewFile(r)
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrNotELF, err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("%w: ELF type is %s", ErrNotELF, f.Type)
	}
	return errors.Join(checkArch(f, want.Arch), checkStatic(f), checkAlignment(f, want.PageSize))
}

func checkArch(f *elf.File, arch string) error {
	m, ok := machines[arch]
	if !ok {
		return fmt.Errorf("%w: unsupported target architecture %q", ErrArch, arch)
	}
	if f.Machine != m || f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB {
		return fmt.Errorf("%w: binary is %s (%s), the board needs %s: build with GOARCH=%s", ErrArch, describe(f), f.Class, arch, arch)
	}
	return nil
}

func describe(f *elf.File) string {
	for goarch, m := range machines {
		if m == f.Machine && f.Class == elf.ELFCLASS64 {
			return goarch
		}
	}
	return f.Machine.String()
}

func checkStatic(f *elf.File) error {
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			interp, _ := io.ReadAll(io.LimitReader(p.Open(), 256))
			return fmt.Errorf("%w: it asks for the interpreter %s; build with CGO_ENABLED=0 (Go) or -static (C)", ErrDynamic, trimNUL(interp))
		}
	}
	libs, err := f.ImportedLibraries()
	if err == nil && len(libs) > 0 {
		return fmt.Errorf("%w: it needs shared libraries %v; build with CGO_ENABLED=0 (Go) or -static (C)", ErrDynamic, libs)
	}
	return nil
}

func checkAlignment(f *elf.File, pageSize uint64) error {
	if pageSize == 0 {
		return nil
	}
	for i, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		if p.Align < pageSize || (p.Vaddr-p.Off)%pageSize != 0 {
			return fmt.Errorf("%w: PT_LOAD segment %d is aligned to %d bytes but the kernel uses %d-byte pages; relink with -ldflags=-R=%#x (Go) or -Wl,-z,max-page-size=%d (C)",
				ErrAlignment, i, p.Align, pageSize, pageSize, pageSize)
		}
	}
	return nil
}

func trimNUL(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
