package kernelpkg

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestReadModule: small and large (spilled to a temporary file) modules,
// plain and compressed, come back whole; a short one is an error.
func TestReadModule(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1000, spillBytes, spillBytes + 4097} {
		block := make([]byte, 4099)
		for i := range block {
			block[i] = byte(rng.IntN(256))
		}
		content := bytes.Repeat(block, size/len(block)+1)[:size]
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		if _, err := zw.Write(content); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			ext  string
			data []byte
		}{{".ko", content}, {".ko.gz", gz.Bytes()}} {
			ko, done, err := readModule(tt.ext, bytes.NewReader(tt.data), int64(len(tt.data)), t.TempDir(), "m.ko")
			if err != nil {
				t.Fatalf("%d bytes %s: %v", size, tt.ext, err)
			}
			got, err := io.ReadAll(ko)
			done()
			if err != nil {
				t.Fatalf("%d bytes %s: reading the module: %v", size, tt.ext, err)
			}
			if ko.Size() != int64(size) || !bytes.Equal(got, content) {
				t.Errorf("%d bytes %s: got %d bytes (size %d), not the module", size, tt.ext, len(got), ko.Size())
			}
		}
		_, _, err := readModule(".ko", bytes.NewReader(content[:size/2]), int64(size), t.TempDir(), "m.ko")
		if err == nil || !strings.Contains(err.Error(), "unexpected end of file") {
			t.Errorf("%d bytes, half of them there: err = %v, want a truncation", size, err)
		}
	}
}
