package oci

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/limits"
)

// HasBlob reports whether the store holds the blob.
func (s *Store) HasBlob(h v1.Hash) bool {
	_, err := os.Stat(s.blobPath(h))
	return err == nil
}

// WriteBlob copies r into the store, verifying that it hashes to h before
// it becomes the blob: content that does not is dropped, and never
// touches a blob already stored. An existing blob is not rewritten.
func (s *Store) WriteBlob(h v1.Hash, r io.Reader) error {
	if s.HasBlob(h) {
		return nil
	}
	w, err := s.NewBlobWriter()
	if err != nil {
		return err
	}
	defer w.Abort()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("writing blob %s: %w", h, err)
	}
	_, err = w.CommitAs(h)
	return err
}

// BlobWriter streams a blob of not yet known digest into the store.
type BlobWriter struct {
	s    *Store
	f    *os.File
	h    hash.Hash
	n    int64
	done bool
}

// NewBlobWriter starts a blob. Call Commit to keep it or Abort to drop it.
func (s *Store) NewBlobWriter() (*BlobWriter, error) {
	f, err := os.CreateTemp(s.TempDir(), "blob-*")
	if err != nil {
		return nil, fmt.Errorf("creating blob in store: %w", err)
	}
	return &BlobWriter{s: s, f: f, h: sha256.New()}, nil
}

func (w *BlobWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	return n, err
}

// Commit syncs the blob and renames it to its digest.
func (w *BlobWriter) Commit() (v1.Hash, int64, error) {
	return w.commit(nil)
}

// CommitAs keeps the blob if its content hashes to want, and returns its
// size; otherwise it drops it and returns ErrCorrupt.
func (w *BlobWriter) CommitAs(want v1.Hash) (int64, error) {
	_, n, err := w.commit(&want)
	return n, err
}

func (w *BlobWriter) commit(want *v1.Hash) (v1.Hash, int64, error) {
	w.done = true
	defer os.Remove(w.f.Name())
	h := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(w.h.Sum(nil))}
	if want != nil && h != *want {
		w.f.Close()
		return v1.Hash{}, 0, fmt.Errorf("writing blob %s: %w: content hashes to %s", *want, ErrCorrupt, h)
	}
	if err := w.f.Chmod(0o644); err != nil {
		w.f.Close()
		return v1.Hash{}, 0, fmt.Errorf("writing blob: %w", err)
	}
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return v1.Hash{}, 0, fmt.Errorf("writing blob: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return v1.Hash{}, 0, fmt.Errorf("writing blob: %w", err)
	}
	if err := os.Rename(w.f.Name(), w.s.blobPath(h)); err != nil {
		return v1.Hash{}, 0, fmt.Errorf("writing blob: %w", err)
	}
	return h, w.n, nil
}

// Abort drops an uncommitted blob; after Commit it does nothing.
func (w *BlobWriter) Abort() {
	if !w.done {
		w.done = true
		w.f.Close()
		os.Remove(w.f.Name())
	}
}

// Blob opens a blob after checking that its content hashes to h, so no
// consumer ever sees a byte of a corrupted blob: a decompressor fed a
// damaged layer would fail with a misleading error first. Hashing is fast
// (SHA-NI) next to what consumers then do with the bytes.
func (s *Store) Blob(h v1.Hash) (io.ReadCloser, error) {
	f, err := os.Open(s.blobPath(h))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", h, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		f.Close()
		return nil, fmt.Errorf("reading blob %s: %w", f.Name(), err)
	}
	if got := hex.EncodeToString(d.Sum(nil)); got != h.Hex {
		f.Close()
		return nil, fmt.Errorf("%w %s: content hashes to sha256:%s; delete the file and import or pull again", ErrCorrupt, f.Name(), got)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// readBlob reads a small blob (a manifest, a config) whole, refusing one
// over max bytes before reading it.
func (s *Store) readBlob(h v1.Hash, max int64) ([]byte, error) {
	if fi, err := os.Stat(s.blobPath(h)); err == nil {
		if err := limits.Check("blob "+h.String(), fi.Size(), max); err != nil {
			return nil, err
		}
	}
	rc, err := s.Blob(h)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return limits.ReadAll(rc, "blob "+h.String(), max)
}

// BlobStream opens a blob whose content is verified as it is read: the
// read that reaches the end fails with ErrCorrupt if the content does not
// hash to h. It reads the blob once instead of twice, for consumers that
// copy bytes as they are (not decompressors, which would fail first with
// a misleading error: use Blob for those) and that discard what they
// wrote when the read fails.
func (s *Store) BlobStream(h v1.Hash) (*BlobReader, error) {
	f, err := os.Open(s.blobPath(h))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", h, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &BlobReader{f: f, want: h, h: sha256.New()}, nil
}

// A BlobReader reads a blob and checks its digest when it reaches the end.
type BlobReader struct {
	f        *os.File
	want     v1.Hash
	h        hash.Hash
	started  bool // Read was called
	verified bool // WriteTo copied and checked the whole blob
}

// Digest is the blob's digest: what its content hashes to once a read
// has reached the end without an error.
func (v *BlobReader) Digest() v1.Hash { return v.want }

func (v *BlobReader) Read(p []byte) (int, error) {
	if v.verified {
		return 0, io.EOF
	}
	v.started = true
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.Hex {
			return n, v.corrupt(got)
		}
	}
	return n, err
}

// WriteTo copies the blob to w. Into a file, the kernel copies
// (copy_file_range) while a second reader hashes the same bytes, on
// another core, in about half the time of copying and hashing in one
// loop. As with Read, an error means w holds what must be
// discarded.
func (v *BlobReader) WriteTo(w io.Writer) (int64, error) {
	dst, ok := w.(*os.File)
	if !ok || v.started || v.verified {
		return io.Copy(w, struct{ io.Reader }{v})
	}
	v.started = true
	sum := make(chan error, 1)
	go func() { sum <- v.Check() }()
	n, err := dst.ReadFrom(v.f)
	if herr := <-sum; err == nil {
		err = herr
	}
	v.verified = err == nil
	return n, err
}

// Name is the blob's file in the store, for a consumer that links it
// instead of copying it. Such a consumer must never write to the file
// and must not keep what it made of it before Check returned nil.
func (v *BlobReader) Name() string { return v.f.Name() }

// Check hashes the blob through a reader of its own (it may run after
// Close) and returns ErrCorrupt if the content does not match its digest.
func (v *BlobReader) Check() error {
	f, err := os.Open(v.f.Name())
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != v.want.Hex {
		return v.corrupt(got)
	}
	return nil
}

func (v *BlobReader) corrupt(got string) error {
	return fmt.Errorf("%w %s: content hashes to sha256:%s; delete the file and build again", ErrCorrupt, v.f.Name(), got)
}

// Unread reports whether nothing was read: there is then nothing to
// check either.
func (v *BlobReader) Unread() bool { return !v.started && !v.verified }

func (v *BlobReader) Close() error { return v.f.Close() }

// Verify hashes every blob of the store and reports those that do not
// match their names.
func (s *Store) Verify() error {
	dir := s.path("blobs", "sha256")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var bad []error
	for _, e := range ents {
		h := v1.Hash{Algorithm: "sha256", Hex: e.Name()}
		rc, err := s.Blob(h)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		rc.Close()
	}
	return errors.Join(bad...)
}
