package layers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"

	"github.com/wispboot/wisp/internal/ctxio"
	"github.com/wispboot/wisp/internal/spill"
)

// Format names how wisp makes its own layers (the tar stream and its
// compression). Stores remember some of those layers by what they were
// made from (the init's, the cut modules); the memo keys include Format,
// so a change here makes them anew instead of mixing two formats for the
// same inputs.
const Format = "tar, gzip level 2 (klauspost)"

// level is the gzip level of wisp's own layers, with klauspost's gzip:
// the app layer is compressed on every build and is what a warm build
// waits for, and level 2 was the fastest level that still compressed as
// well as level 1, for a few % more bytes to push than the default
// (measured by BenchmarkBinaryLayer; figures in docs/design.md, "Fast
// paths"). Changing it changes Format.
const level = 2

// memLayer is a layer built from files. Its tar stream is made again
// whenever it is read uncompressed (no gunzip of our own output), and
// compressed once, lazily, at level. The digests are computed in the same
// single pass.
type memLayer struct {
	files      []File
	ctx        context.Context
	spillDir   string // where compressed bytes over spill.Threshold go
	once       sync.Once
	compressed *spill.Buffer
	digest     v1.Hash
	diffID     v1.Hash
	err        error
}

// LayerOption changes how Layer keeps a layer.
type LayerOption func(*memLayer)

// WithContext stops making the layer (reading its files, compressing
// them) once ctx is done; the layer then fails with ctx's error. The
// default is never to stop.
func WithContext(ctx context.Context) LayerOption { return func(l *memLayer) { l.ctx = ctx } }

// SpillTo keeps the compressed bytes of a layer larger than
// spill.Threshold in an unlinked file in dir rather than in memory. The
// default is the system's temporary directory.
func SpillTo(dir string) LayerOption { return func(l *memLayer) { l.spillDir = dir } }

var _ v1.Layer = (*memLayer)(nil)

func (l *memLayer) compute() {
	l.once.Do(func() {
		buf := spill.New(l.spillDir, spill.Threshold)
		zd := sha256.New()
		zw, _ := gzip.NewWriterLevel(io.MultiWriter(buf, zd), level)
		ud := sha256.New()
		var w io.Writer = io.MultiWriter(zw, ud)
		if l.ctx != nil {
			w = ctxio.Writer(l.ctx, w)
		}
		if l.err = writeTar(w, l.files); l.err != nil {
			return
		}
		if l.err = zw.Close(); l.err != nil {
			return
		}
		l.compressed = buf
		l.digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(zd.Sum(nil))}
		l.diffID = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(ud.Sum(nil))}
	})
}

func (l *memLayer) Digest() (v1.Hash, error) { l.compute(); return l.digest, l.err }
func (l *memLayer) DiffID() (v1.Hash, error) { l.compute(); return l.diffID, l.err }
func (l *memLayer) Size() (int64, error) {
	l.compute()
	if l.err != nil {
		return 0, l.err
	}
	return l.compressed.Len(), nil
}

func (l *memLayer) MediaType() (types.MediaType, error) { return types.OCILayer, nil }

func (l *memLayer) Compressed() (io.ReadCloser, error) {
	l.compute()
	if l.err != nil {
		return nil, l.err
	}
	return io.NopCloser(l.compressed.Reader()), nil
}

// Uncompressed writes the tar stream anew, through a pipe.
func (l *memLayer) Uncompressed() (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTar(pw, l.files)) }()
	return pr, nil
}
