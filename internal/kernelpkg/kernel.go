package kernelpkg

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"

	"github.com/wispboot/wisp/limits"
)

// Kernel is what a board wants of the kernel image in its base.
type Kernel struct {
	File string // name under boot/
	// Format "elf" asks for the uncompressed vmlinux ELF inside an x86
	// bzImage, which QEMU boots directly through its PVH entry point,
	// seconds sooner under TCG than a bzImage that decompresses itself
	// (docs/design.md); "" keeps the image as the package ships it.
	Format string
	Arch   string // Go architecture of the board
	// PageSize is the board's page size; an arm64 Image that declares
	// another is refused. 0 skips the check.
	PageSize int
	// DTBs are the device trees the board needs, by file name; each must
	// be in the package and lands as boot/<name>.
	DTBs []string
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

// convertKernel checks a packaged kernel image of size bytes, read from r,
// against the board's architecture and page size and converts it to the
// wanted format. Only its header is read here: a kernel kept as shipped
// streams on from r (31 MB that need not be in memory); a bzImage to
// unpack is read whole.
func convertKernel(r io.Reader, size int64, k Kernel) (io.Reader, int64, error) {
	limit := int64(limits.KernelImage)
	if k.Format == FormatELF {
		limit = limits.BzImage // read whole, below
	}
	if err := limits.Check("the kernel image", size, limit); err != nil {
		return nil, 0, err
	}
	head := make([]byte, min(size, 64<<10))
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, 0, truncated(err)
	}
	id, err := identify(head)
	if err != nil {
		return nil, 0, err
	}
	if k.Arch != "" && id.arch != k.Arch {
		return nil, 0, fmt.Errorf("the kernel is %s, the board is %s", id, k.Arch)
	}
	if k.PageSize != 0 && id.pageSize != 0 && id.pageSize != k.PageSize {
		return nil, 0, fmt.Errorf("the kernel is %s; the board's kernel uses %d-byte pages", id, k.PageSize)
	}
	switch k.Format {
	case FormatAsShipped:
		return io.MultiReader(bytes.NewReader(head), r), size, nil
	case FormatELF:
		if !isBzImage(head) {
			return nil, 0, fmt.Errorf("format %q needs an x86 bzImage, the kernel is %s", k.Format, id)
		}
		img := make([]byte, size)
		copy(img, head)
		if _, err := io.ReadFull(r, img[len(head):]); err != nil {
			return nil, 0, truncated(err)
		}
		return vmlinux(img)
	}
	return nil, 0, fmt.Errorf("unknown kernel format %q", k.Format)
}

// kernelID is what a kernel image's header says.
type kernelID struct {
	kind     string // "an x86 bzImage", "an arm64 Image", …
	arch     string // Go architecture
	pageSize int    // 0 when the header does not say
}

func (id kernelID) String() string {
	if id.pageSize != 0 {
		return fmt.Sprintf("%s with %d KiB pages", id.kind, id.pageSize>>10)
	}
	return id.kind
}

// Image header magics, from the kernel's boot protocol documents:
// Documentation/arch/arm64/booting.rst (magic "ARM\x64" at 0x38, page
// size in bits 1-2 of the flags at 0x18) and
// Documentation/arch/riscv/boot-image-header.rst (magic2 "RSC\x05" at 0x38).
var imageHeaders = []struct {
	off   int
	magic string
	kind  string
	arch  string
}{
	{0x38, "ARM\x64", "an arm64 Image", "arm64"},
	{0x38, "RSC\x05", "a riscv64 Image", "riscv64"},
}

// arm64PageSizes maps the Image flags' bits 1-2 to a page size.
var arm64PageSizes = [4]int{0, 4 << 10, 16 << 10, 64 << 10}

// elfMachines names the architectures of ELF kernels (vmlinux).
var elfMachines = map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64", elf.EM_RISCV: "riscv64"}

// identify reads a kernel image's header; a gzip-compressed image is
// looked into.
func identify(img []byte) (kernelID, error) {
	if bytes.HasPrefix(img, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(img))
		if err != nil {
			return kernelID{}, fmt.Errorf("the kernel image is gzip-compressed and unreadable: %w", err)
		}
		head := make([]byte, 4096)
		n, _ := io.ReadFull(zr, head)
		id, err := identify(head[:n])
		id.kind = "a gzip-compressed " + strings.TrimPrefix(strings.TrimPrefix(id.kind, "an "), "a ")
		return id, err
	}
	if isBzImage(img) {
		return kernelID{kind: "an x86 bzImage", arch: "amd64"}, nil
	}
	for _, h := range imageHeaders {
		if len(img) >= h.off+len(h.magic) && string(img[h.off:h.off+len(h.magic)]) == h.magic {
			id := kernelID{kind: h.kind, arch: h.arch}
			if h.arch == "arm64" && len(img) >= 0x20 {
				id.pageSize = arm64PageSizes[binary.LittleEndian.Uint64(img[0x18:])>>1&3]
			}
			return id, nil
		}
	}
	if len(img) >= 20 && string(img[:4]) == elf.ELFMAG {
		if arch, ok := elfMachines[elf.Machine(binary.LittleEndian.Uint16(img[18:]))]; ok {
			return kernelID{kind: "an " + arch + " ELF kernel", arch: arch}, nil
		}
	}
	return kernelID{}, fmt.Errorf("the kernel image has no header wisp knows (x86 bzImage, arm64 or riscv64 Image, ELF)")
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
	// The kernel build appends the uncompressed size to the compressed
	// stream (scripts/Makefile.lib, size_append); the decompressor gets
	// the stream alone, so that it ends where the data does.
	size := int64(binary.LittleEndian.Uint32(bz[off+n-4:]))
	payload := bz[off : off+n-4]
	if err := limits.Check("the vmlinux in the bzImage", size, limits.Vmlinux); err != nil {
		return nil, 0, err
	}
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
	return exactly(io.MultiReader(bytes.NewReader(head), r), size, "the bzImage payload"), size, nil
}

// exactly reads r, which must hold exactly size bytes: more is an error
// at the size, fewer at the end. The size a bzImage states for its
// vmlinux is the trailer's word; a payload that unpacks to more would be
// cut short silently otherwise.
func exactly(r io.Reader, size int64, what string) io.Reader {
	return &exactReader{r: r, left: size, what: what, size: size}
}

type exactReader struct {
	r          io.Reader
	left, size int64
	what       string
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		var one [1]byte
		if n, _ := io.ReadFull(e.r, one[:]); n > 0 {
			return 0, fmt.Errorf("%s unpacks to more than the %d bytes it states", e.what, e.size)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		err = fmt.Errorf("%s unpacks to %d bytes, less than the %d it states", e.what, e.size-e.left, e.size)
	}
	if err == io.EOF && e.left == 0 {
		err = nil // the check for more comes with the next read
	}
	return n, err
}
