package layers

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// FileWriter writes a layer to a file in one pass, hashing both the
// compressed and the uncompressed stream, so a large layer (a module tree)
// is never held in memory nor read twice. Write its entries with the
// embedded tar.Writer, then Finish; Abort removes an unfinished one.
type FileWriter struct {
	*tar.Writer
	f        *os.File
	zw       *gzip.Writer
	digest   hash.Hash // of the compressed bytes
	diffID   hash.Hash // of the tar stream
	size     int64
	finished bool
}

// NewFileWriter starts a layer in a new file in dir.
func NewFileWriter(dir string) (*FileWriter, error) {
	f, err := os.CreateTemp(dir, "layer-*.tar.gz")
	if err != nil {
		return nil, fmt.Errorf("creating layer file: %w", err)
	}
	l := &FileWriter{f: f, digest: sha256.New(), diffID: sha256.New()}
	zw, _ := gzip.NewWriterLevel(io.MultiWriter(f, l.digest, counter{&l.size}), gzip.DefaultCompression)
	l.zw = zw
	l.Writer = tar.NewWriter(io.MultiWriter(zw, l.diffID))
	return l, nil
}

// Finish closes the stream and returns the layer, backed by the file.
func (l *FileWriter) Finish() (v1.Layer, error) {
	l.finished = true
	for _, c := range []io.Closer{l.Writer, l.zw, l.f} {
		if err := c.Close(); err != nil {
			os.Remove(l.f.Name())
			return nil, fmt.Errorf("writing layer file: %w", err)
		}
	}
	return partial.CompressedToLayer(&fileLayer{
		path:   l.f.Name(),
		size:   l.size,
		digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(l.digest.Sum(nil))},
		diffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(l.diffID.Sum(nil))},
	})
}

// Abort removes the file of an unfinished layer.
func (l *FileWriter) Abort() {
	if !l.finished {
		l.f.Close()
		os.Remove(l.f.Name())
	}
}

// Remove removes the layer's file, finished or not: a finished layer
// cannot be read after it.
func (l *FileWriter) Remove() {
	l.f.Close()
	os.Remove(l.f.Name())
}

type counter struct{ n *int64 }

func (c counter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

// fileLayer is a compressed layer in a file whose digests are known.
type fileLayer struct {
	path           string
	size           int64
	digest, diffID v1.Hash
}

func (l *fileLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *fileLayer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *fileLayer) Size() (int64, error)                { return l.size, nil }
func (l *fileLayer) MediaType() (types.MediaType, error) { return types.OCILayer, nil }
func (l *fileLayer) Compressed() (io.ReadCloser, error)  { return os.Open(l.path) }
