package oci

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sys/unix"
)

// ErrCorrupt is returned when a blob does not match its digest.
var ErrCorrupt = errors.New("corrupt blob")

// ErrNotFound is returned for tags and blobs the store does not hold.
var ErrNotFound = errors.New("not in the local store")

// Store is a local OCI image layout.
type Store struct {
	root string
}

// DefaultDir is $WISP_CACHE, else $XDG_CACHE_HOME/wisp, else ~/.cache/wisp.
func DefaultDir() string {
	if d := os.Getenv("WISP_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		d = filepath.Join(os.TempDir(), "wisp-cache")
		return d
	}
	return filepath.Join(d, "wisp")
}

// OpenStore opens the store at root, creating it if needed.
func OpenStore(root string) (*Store, error) {
	s := &Store{root: root}
	for _, d := range []string{s.path("blobs", "sha256"), s.path("tmp"), s.path("memo")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("opening store %s: %w", root, err)
		}
	}
	layout := s.path("oci-layout")
	if _, err := os.Stat(layout); errors.Is(err, os.ErrNotExist) {
		if err := writeFileAtomic(layout, []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
			return nil, fmt.Errorf("opening store %s: %w", root, err)
		}
	}
	return s, nil
}

// Dir is the store's root directory.
func (s *Store) Dir() string { return s.root }

// TempDir is a directory on the store's file system for work files that
// may become blobs.
func (s *Store) TempDir() string { return s.path("tmp") }

func (s *Store) path(elem ...string) string {
	return filepath.Join(append([]string{s.root}, elem...)...)
}

func (s *Store) blobPath(h v1.Hash) string {
	return s.path("blobs", h.Algorithm, h.Hex)
}

// locked runs f while holding the store's exclusive lock.
func (s *Store) locked(f func() error) error {
	lf, err := os.OpenFile(s.path("index.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("locking store: %w", err)
	}
	defer lf.Close()
	if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("locking store: %w", err)
	}
	defer unix.Flock(int(lf.Fd()), unix.LOCK_UN)
	return f()
}

// writeFileAtomic writes b to a temporary file next to name and renames it.
func writeFileAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
