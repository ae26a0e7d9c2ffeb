package oci

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/testenv"
)

// storedBlob writes content as a blob and returns its digest.
func storedBlob(t *testing.T, s *Store, content []byte) v1.Hash {
	t.Helper()
	h, _, err := v1.SHA256(bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteBlob(h, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestBlobStream: read or copied into a file (the copy_file_range path),
// a blob arrives whole and checked; a corrupted one fails either way.
func TestBlobStream(t *testing.T) {
	content := bytes.Repeat([]byte("wisp kernel bytes "), 100_000)
	for _, tt := range []struct {
		name    string
		corrupt bool
		copy    func(*BlobReader, string) error
	}{
		{"read", false, readAll},
		{"read corrupt", true, readAll},
		{"into a file", false, intoFile},
		{"into a file corrupt", true, intoFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			h := storedBlob(t, s, content)
			if tt.corrupt {
				bad := bytes.Clone(content)
				bad[len(bad)/2] ^= 1
				if err := os.WriteFile(s.blobPath(h), bad, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			br, err := s.BlobStream(h)
			if err != nil {
				t.Fatal(err)
			}
			defer br.Close()
			if br.Digest() != h {
				t.Errorf("Digest() = %v, want %v", br.Digest(), h)
			}
			out := filepath.Join(t.TempDir(), "out")
			err = tt.copy(br, out)
			if tt.corrupt {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("corrupt blob: err = %v, want ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := testenv.ReadFile(t, out)
			if !bytes.Equal(got, content) {
				t.Errorf("copied %d bytes, not the blob's %d", len(got), len(content))
			}
			// What a consumer reads after the copy: nothing, and no error.
			if n, err := io.Copy(io.Discard, br); n != 0 || err != nil {
				t.Errorf("after the copy: read %d bytes, err %v", n, err)
			}
		})
	}
}

func readAll(br *BlobReader, out string) error {
	b, err := io.ReadAll(br)
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

func intoFile(br *BlobReader, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, br); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
