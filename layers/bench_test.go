package layers

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkBinaryLayer compresses an app layer of 8 MiB (half random,
// half zeros, like a Go binary's mix), as every build does.
func BenchmarkBinaryLayer(b *testing.B) {
	data := make([]byte, 8<<20)
	rand.Read(data[:4<<20])
	file := filepath.Join(b.TempDir(), "svc")
	if err := os.WriteFile(file, data, 0o755); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		add, err := Binary(file, "/app/svc")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := add.Layer.Digest(); err != nil {
			b.Fatal(err)
		}
	}
}
