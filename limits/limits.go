package limits

import (
	"errors"
	"fmt"
	"io"
)

const (
	kib = 1 << 10
	mib = 1 << 20
	gib = 1 << 30
)

// Registry documents. A manifest or index is a few KiB and an image config
// some tens of KiB (a long history); both are held in memory and parsed,
// so they are refused beyond a few MiB before they are fetched (a config)
// or read (a manifest, whose size is only known as it arrives).
const (
	Manifest = 4 * mib // a manifest, an index, a token or error response
	Config   = 4 * mib // an image config blob
	// Layers bounds the layers of one image: Docker's and containerd's
	// overlay storage stops at about 128 too.
	Layers = 128
	// IndexManifests bounds the images of one index.
	IndexManifests = 256
	// Layer bounds one compressed layer blob: a Debian amd64 base's
	// modules layer is 110 MiB.
	Layer = 2 * gib
	// Image bounds the compressed layers of one image together.
	Image = 4 * gib
	// LayerContent bounds what one layer unpacks to (a gzip bomb): the
	// amd64 module tree is 411 MiB.
	LayerContent = 4 * gib
)

// The flattened tree of an app image, held as headers to find its binary
// (a Debian image has about 10,000 entries, large ones 200,000).
const (
	ImageEntries   = 500_000
	ImageNameBytes = 64 * mib // the entries' names and link targets together
	// Binary bounds the binary taken out of an image or given as a file,
	// before the board's own RAM budget (which is lower on every board).
	Binary = 1 * gib
)

// Kernel packages (.deb, .apk) and firmware.
const (
	// KernelImage bounds a kernel image as packaged: Debian's amd64
	// vmlinuz is 8 MiB, arm64's 31 MiB (uncompressed Image).
	KernelImage = 128 * mib
	// BzImage bounds an x86 bzImage that is unpacked to its vmlinux: it
	// is read whole (Debian's is 8 MiB).
	BzImage = 64 * mib
	// Vmlinux bounds the ELF kernel unpacked from a bzImage (Debian
	// amd64's is 66 MiB).
	Vmlinux = 512 * mib
	// Module bounds one module, decompressed (amdgpu.ko is 60 MiB).
	Module = 128 * mib
	// Modules bounds the modules of one kernel (Debian's amd64 kernel
	// has about 4,000, riscv64's 3,100).
	Modules = 20_000
	// SelectedModules bounds the modules a board's closure takes from a
	// base, together: they are held in memory while the cut is made
	// (a Pi's closure is 1 MiB, the common PC NICs' 2 MiB).
	SelectedModules = 64 * mib
	// ModuleIndex bounds modules.dep and modules.builtin, which are
	// read into memory (Debian's modules.dep is 400 KiB).
	ModuleIndex = 16 * mib
	// ModuleInfo bounds a module's .modinfo section (a few KiB).
	ModuleInfo = 1 * mib
	// DeviceTree bounds one device tree blob (Pi ones are 50 KiB).
	DeviceTree = 4 * mib
	// Import bounds everything a kernel package import writes into the
	// base's layers, uncompressed: Debian's amd64 modules are 411 MiB,
	// riscv64's a little over 1 GiB.
	Import = 4 * gib
	// PackageContent bounds what a package's data archive unpacks to,
	// files wisp skips included (Debian's riscv64 kernel: 1.2 GiB).
	PackageContent = 8 * gib
	// Firmware bounds a firmware layer's files together (Debian's
	// raspi-firmware is 32 MiB).
	Firmware = 512 * mib
	// ControlFile bounds a package's control file or .PKGINFO.
	ControlFile = 1 * mib
)

// Files wisp makes or reads on the host.
const (
	// ApplianceConfig bounds /etc/wisp/config.json read from an
	// appliance (wisp writes about 1 KiB).
	ApplianceConfig = 1 * mib
	// Profile bounds a board profile file and wisp.json.
	Profile = 1 * mib
	// CACerts bounds a CA bundle (Debian's is 220 KiB).
	CACerts = 16 * mib
	// NewcEntry is the largest file a newc cpio entry can hold: its size
	// field has 32 bits.
	NewcEntry = 1<<32 - 1
	// ErrorText bounds how much of a registry's error message is shown.
	ErrorText = 512
)

// ErrTooLarge is wrapped by every error of this package.
var ErrTooLarge = errors.New("over wisp's limit")

// Exceeded is the error of an input over its limit. What names the input
// ("the config blob of ghcr.io/org/svc:1.4", "module virtio_net.ko").
type Exceeded struct {
	What  string
	Limit int64
	Size  int64 // what the input claims or reached; 0 when unknown
	Unit  string
	// Why says what the limit is, when it is not one of wisp's own
	// ("half of board pi4's 1024 MiB of RAM").
	Why string
}

func (e *Exceeded) Error() string {
	unit := e.Unit
	if unit == "" {
		unit = "bytes"
	}
	if e.Why != "" {
		return fmt.Sprintf("%s is %s, more than %s (%s)", e.What, format(e.Size, unit), e.Why, format(e.Limit, unit))
	}
	if e.Size > 0 {
		return fmt.Sprintf("%s is %s, %s (at most %s)", e.What, format(e.Size, unit), ErrTooLarge, format(e.Limit, unit))
	}
	return fmt.Sprintf("%s is %s: more than %s", e.What, ErrTooLarge, format(e.Limit, unit))
}

func (e *Exceeded) Unwrap() error { return ErrTooLarge }

// format writes n of unit for people: bytes in KiB/MiB/GiB.
func format(n int64, unit string) string {
	if unit != "bytes" {
		return fmt.Sprintf("%d %s", n, unit)
	}
	switch {
	case n >= gib && n%gib == 0:
		return fmt.Sprintf("%d GiB", n/gib)
	case n >= gib:
		return fmt.Sprintf("%.1f GiB", float64(n)/gib)
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= mib:
		return fmt.Sprintf("%.1f MiB", float64(n)/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Check returns an *Exceeded error if size is over limit.
func Check(what string, size, limit int64) error {
	if size > limit {
		return &Exceeded{What: what, Limit: limit, Size: size}
	}
	return nil
}

// Count returns an *Exceeded error if n things are more than limit.
func Count(what string, n, limit int, unit string) error {
	if n > limit {
		return &Exceeded{What: what, Limit: int64(limit), Size: int64(n), Unit: unit}
	}
	return nil
}

// Reader returns a reader of r that fails with an *Exceeded error as soon
// as more than limit bytes have been read, rather than handing them out.
func Reader(r io.Reader, what string, limit int64) io.Reader {
	return &reader{r: r, what: what, left: limit, limit: limit}
}

type reader struct {
	r     io.Reader
	what  string
	left  int64 // bytes still allowed
	limit int64
}

func (l *reader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &Exceeded{What: l.what, Limit: l.limit}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1] // one byte past the limit tells it is exceeded
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - int(-l.left), &Exceeded{What: l.what, Limit: l.limit}
	}
	return n, err
}

// ReadAll reads r to its end, failing with an *Exceeded error beyond
// limit bytes.
func ReadAll(r io.Reader, what string, limit int64) ([]byte, error) {
	return io.ReadAll(Reader(r, what, limit))
}

// Budget counts bytes against one limit across many calls (all the
// entries of a package, say).
type Budget struct {
	What  string
	Limit int64
	Why   string // see Exceeded
	used  int64
}

// Spend takes n bytes from the budget, or fails without taking them.
func (b *Budget) Spend(n int64) error {
	if n < 0 || n > b.Limit-b.used {
		return &Exceeded{What: b.What, Limit: b.Limit, Size: b.used + max(n, 0), Why: b.Why}
	}
	b.used += n
	return nil
}

// Used is what was spent so far.
func (b *Budget) Used() int64 { return b.used }
