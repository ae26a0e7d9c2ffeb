package initrd

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/klauspost/compress/gzip"
)

// ErrUnsafePath is returned for entries that would land outside the root.
var ErrUnsafePath = errors.New("unsafe path in layer")

// BootFunc receives a regular file under boot/; name is relative to boot/.
type BootFunc func(name string, size int64, r io.Reader) error

// Stats describes a written initrd.
type Stats struct {
	Entries    int   `json:"entries"` // cpio entries, directories included
	Bytes      int64 `json:"bytes"`   // uncompressed archive size
	BootFiles  int   `json:"bootFiles"`
	BootBytes  int64 `json:"bootBytes"`
	Compressed int64 `json:"compressed"`
}

// console is the entry every initrd starts with: the kernel opens
// /dev/console for the init before any file system is mounted.
var console = []Record{
	{Name: "dev", Mode: ModeDir | 0o755},
	{Name: "dev/console", Mode: ModeChar | 0o600, RdevMajor: 5, RdevMinor: 1},
}

// Compression is how an initrd's archives are compressed.
type Compression string

const (
	// Gzip is gzip at level 1, the fastest: an initrd is unpacked once, and
	// every kernel can read it. The default.
	Gzip Compression = "gzip"
	// None writes plain newc archives: larger, but nothing to compress at
	// build time nor to decompress at boot. Where the initrd is loaded
	// from memory (QEMU's -initrd), that is the faster choice.
	None Compression = "none"
)

// Valid reports whether c is a compression Write knows; "" means Gzip.
func (c Compression) Valid() bool { return c == "" || c == Gzip || c == None }

type options struct {
	compression Compression
	maxContent  int64 // bytes of entries outside boot/; 0: no bound
	maxBoot     int64 // bytes of boot/ files; 0: no bound
	bootOnly    bool
	spillDir    string
}

// Option configures Write, LayerSegment and WriteSegments.
type Option func(*options)

// WithCompression sets the compression of the archives written.
func WithCompression(c Compression) Option { return func(o *options) { o.compression = c } }

// WithMaxBytes bounds what the archive holds (file content and symlink
// targets) and, separately, the boot/ files sent to the BootFunc; an
// entry that would go over either is refused with a limits error before
// its content is read. The default is no bound.
func WithMaxBytes(content, boot int64) Option {
	return func(o *options) { o.maxContent, o.maxBoot = content, boot }
}

// WithSpill says where a segment's archive goes once it is larger than
// spill.Threshold: an unlinked file in dir. The default is the system's
// temporary directory.
func WithSpill(dir string) Option { return func(o *options) { o.spillDir = dir } }

// BootOnly refuses every entry outside boot/ (but directories on the way
// to it): what a board base's firmware and kernel layers may hold. The
// default is to take every entry.
func BootOnly() Option { return func(o *options) { o.bootOnly = true } }

// compressor returns what compresses into w, as o says.
func (o options) compressor(w io.Writer) (io.WriteCloser, error) {
	switch o.compression {
	case "", Gzip:
		return gzip.NewWriterLevel(w, gzip.BestSpeed)
	case None:
		return nopCloser{w}, nil
	}
	return nil, fmt.Errorf("unknown initrd compression %q (gzip or none)", o.compression)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// Write flattens img (whiteouts applied), sends boot/ files to boot and
// writes the rest to w as a newc archive, gzip-compressed unless the
// options say otherwise.
func Write(img v1.Image, w io.Writer, boot BootFunc, opts ...Option) (*Stats, error) {
	o := settings(opts)
	cw := &countWriter{w: w}
	zw, err := o.compressor(cw)
	if err != nil {
		return nil, err
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	sp := newSplitter(NewWriter(zw), boot, o)
	if err := sp.console(); err != nil {
		return nil, err
	}
	if err := sp.split(tar.NewReader(rc)); err != nil {
		return nil, err
	}
	st, err := sp.close()
	if err != nil {
		return nil, err
	}
	// mutate.Extract closes its tar stream cleanly even when a layer fails
	// (a digest mismatch, an unsafe path): the error only shows after the
	// tar trailer. Drain to see it, or a truncated tree would pass.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, fmt.Errorf("reading image: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	st.Compressed = cw.n
	return st, nil
}

// cleanName returns the entry's path relative to the root ("" for the
// root itself) or ErrUnsafePath.
func cleanName(h *tar.Header) (string, error) {
	n := strings.TrimPrefix(h.Name, "./")
	if strings.HasPrefix(n, "/") {
		return "", fmt.Errorf("%w: %q is absolute", ErrUnsafePath, h.Name)
	}
	for _, el := range strings.Split(n, "/") {
		if el == ".." {
			return "", fmt.Errorf("%w: %q climbs out of the root", ErrUnsafePath, h.Name)
		}
	}
	n = path.Clean(n)
	if n == "." {
		return "", nil
	}
	if h.Typeflag == tar.TypeSymlink && !path.IsAbs(h.Linkname) {
		if t := path.Join(path.Dir(n), h.Linkname); t == ".." || strings.HasPrefix(t, "../") {
			return "", fmt.Errorf("%w: symlink %q points outside the root (%s)", ErrUnsafePath, h.Name, h.Linkname)
		}
	}
	return n, nil
}

// record converts a tar header; body is what follows the cpio header.
func record(name string, h *tar.Header) (Record, io.Reader, error) {
	r := Record{Name: name, Mode: uint32(h.Mode) & 0o7777, UID: uint32(h.Uid), GID: uint32(h.Gid), Mtime: h.ModTime.Unix()}
	switch h.Typeflag {
	case tar.TypeReg:
		r.Mode |= ModeRegular
		r.Size = h.Size
		return r, nil, nil
	case tar.TypeDir:
		r.Mode |= ModeDir
	case tar.TypeSymlink, tar.TypeLink:
		target := h.Linkname
		if h.Typeflag == tar.TypeLink {
			target = "/" + strings.TrimPrefix(path.Clean("/"+target), "/")
		}
		r.Mode = ModeSymlink | 0o777
		r.Size = int64(len(target))
		return r, strings.NewReader(target), nil
	case tar.TypeChar:
		r.Mode |= ModeChar
		r.RdevMajor, r.RdevMinor = uint32(h.Devmajor), uint32(h.Devminor)
	case tar.TypeBlock:
		r.Mode |= ModeBlock
		r.RdevMajor, r.RdevMinor = uint32(h.Devmajor), uint32(h.Devminor)
	case tar.TypeFifo:
		r.Mode |= ModeFIFO
	default:
		return r, nil, fmt.Errorf("%s: unsupported tar entry type %q", name, h.Typeflag)
	}
	return r, strings.NewReader(""), nil
}

// parents lists the directories above name, outermost first.
func parents(name string) []string {
	var ps []string
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		ps = append([]string{d}, ps...)
	}
	return ps
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
