package layers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// memLayer is a layer built from files. Its tar stream is made again
// whenever it is read uncompressed (no gunzip of our own output), and
// compressed once, lazily, with klauspost's gzip at its default level:
// four times faster than the standard library's for a Go binary, for 2%
// more bytes. The digests are computed in the same single pass.
type memLayer struct {
	files      []File
	once       sync.Once
	compressed []byte
	digest     v1.Hash
	diffID     v1.Hash
	err        error
}

var _ v1.Layer = (*memLayer)(nil)

func (l *memLayer) compute() {
	l.once.Do(func() {
		var buf bytes.Buffer
		zd := sha256.New()
		zw, _ := gzip.NewWriterLevel(io.MultiWriter(&buf, zd), gzip.DefaultCompression)
		ud := sha256.New()
		if l.err = writeTar(io.MultiWriter(zw, ud), l.files); l.err != nil {
			return
		}
		if l.err = zw.Close(); l.err != nil {
			return
		}
		l.compressed = buf.Bytes()
		l.digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(zd.Sum(nil))}
		l.diffID = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(ud.Sum(nil))}
	})
}

func (l *memLayer) Digest() (v1.Hash, error) { l.compute(); return l.digest, l.err }
func (l *memLayer) DiffID() (v1.Hash, error) { l.compute(); return l.diffID, l.err }
func (l *memLayer) Size() (int64, error)     { l.compute(); return int64(len(l.compressed)), l.err }

func (l *memLayer) MediaType() (types.MediaType, error) { return types.OCILayer, nil }

func (l *memLayer) Compressed() (io.ReadCloser, error) {
	l.compute()
	if l.err != nil {
		return nil, l.err
	}
	return io.NopCloser(bytes.NewReader(l.compressed)), nil
}

// Uncompressed writes the tar stream anew, through a pipe.
func (l *memLayer) Uncompressed() (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTar(pw, l.files)) }()
	return pr, nil
}
