package layers

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
)

// Kernel is what a board wants of the kernel image in its base.
type Kernel struct {
	File string // name under boot/
	// Format "elf" asks for the uncompressed vmlinux ELF inside an x86
	// bzImage, which QEMU boots directly through its PVH entry point
	// (about 3 s faster under TCG than letting the bzImage decompress
	// itself); "" keeps the image as the package ships it.
	Format string
	Arch   string // Go architecture of the board
}

// Kernel image formats.
const (
	FormatAsShipped = ""
	FormatELF       = "elf"
)

// x86 boot protocol header fields (Documentation/arch/x86/boot.rst).
const (
	bzSetupSects = 0x1f1 // u8: setup size in 512-byte sectors, minus one
	bzMagic      = 0x202 // "HdrS"
	bzVersion    = 0x206 // u16: boot protocol version
	bzPayload    = 0x248 // u32: payload offset from the protected-mode code (2.08+)
	bzPayloadLen = 0x24c // u32
)

// convertKernel checks a packaged kernel image against the board's
// architecture and converts it to the wanted format.
func convertKernel(img []byte, k Kernel) (io.Reader, int64, error) {
	if k.Arch == "amd64" && !isBzImage(img) {
		return nil, 0, fmt.Errorf("the kernel image is not an x86 bzImage (no HdrS header): wrong architecture for an amd64 board?")
	}
	switch k.Format {
	case FormatAsShipped:
		return bytes.NewReader(img), int64(len(img)), nil
	case FormatELF:
		if !isBzImage(img) {
			return nil, 0, fmt.Errorf("format %q needs an x86 bzImage", k.Format)
		}
		return vmlinux(img)
	}
	return nil, 0, fmt.Errorf("unknown kernel format %q", k.Format)
}

func isBzImage(b []byte) bool {
	return len(b) > bzPayloadLen+4 && string(b[bzMagic:bzMagic+4]) == "HdrS"
}

// vmlinux decompresses the payload of a bzImage: the kernel's own ELF
// image. The kernel build appends the uncompressed size to the payload,
// so the ELF streams out with its size known up front.
func vmlinux(bz []byte) (io.Reader, int64, error) {
	if v := binary.LittleEndian.Uint16(bz[bzVersion:]); v < 0x208 {
		return nil, 0, fmt.Errorf("bzImage boot protocol %#x has no payload fields (needs 2.08)", v)
	}
	pm := (int(bz[bzSetupSects]) + 1) * 512
	off := pm + int(binary.LittleEndian.Uint32(bz[bzPayload:]))
	n := int(binary.LittleEndian.Uint32(bz[bzPayloadLen:]))
	if n < 8 || off+n > len(bz) {
		return nil, 0, fmt.Errorf("bzImage payload (%d bytes at %d) lies outside the file", n, off)
	}
	payload := bz[off : off+n]
	size := int64(binary.LittleEndian.Uint32(payload[n-4:]))
	var r io.Reader
	var err error
	switch {
	case bytes.HasPrefix(payload, []byte("\xfd7zXZ\x00")):
		r, err = xz.NewReader(bytes.NewReader(payload), 0)
	case bytes.HasPrefix(payload, []byte{0x1f, 0x8b}):
		r, err = gzip.NewReader(bytes.NewReader(payload))
	case bytes.HasPrefix(payload, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		r, err = zstd.NewReader(bytes.NewReader(payload))
	default:
		return nil, 0, fmt.Errorf("bzImage payload compression %x is not xz, gzip or zstd", payload[:4])
	}
	if err != nil {
		return nil, 0, fmt.Errorf("bzImage payload: %w", err)
	}
	head := make([]byte, 20)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, 0, fmt.Errorf("bzImage payload: %w", err)
	}
	// ELF identification and e_machine (at 18) of a 64-bit little-endian image.
	if string(head[:4]) != elf.ELFMAG || elf.Class(head[elf.EI_CLASS]) != elf.ELFCLASS64 ||
		elf.Machine(binary.LittleEndian.Uint16(head[18:])) != elf.EM_X86_64 {
		return nil, 0, fmt.Errorf("the bzImage payload is not an x86-64 ELF kernel")
	}
	return io.MultiReader(bytes.NewReader(head), r), size, nil
}
