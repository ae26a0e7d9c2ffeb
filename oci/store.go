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
	use  *os.File // use.lock, held shared while the store is open
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

// OpenStore opens the store at root, creating it if needed. The store is
// in use until Close: while any process has it open, its temporary files
// are left alone; the first to open an unused store removes those a
// killed process left in tmp/.
func OpenStore(root string) (*Store, error) {
	s := &Store{root: root}
	for _, d := range []string{s.path("blobs", "sha256"), s.path("tmp"), s.path("memo")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("opening store %s: %w", root, err)
		}
	}
	if err := s.claim(); err != nil {
		return nil, fmt.Errorf("opening store %s: %w", root, err)
	}
	layout := s.path("oci-layout")
	if _, err := os.Stat(layout); errors.Is(err, os.ErrNotExist) {
		if err := s.writeFileAtomic(layout, []byte(`{"imageLayoutVersion":"1.0.0"}`), true); err != nil {
			s.Close()
			return nil, fmt.Errorf("opening store %s: %w", root, err)
		}
	}
	return s, nil
}

// claim takes the store's use lock: exclusively first, to sweep tmp/ if
// no other process uses the store, then shared for as long as it is open.
func (s *Store) claim() error {
	f, err := os.OpenFile(s.path("use.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
		if err := s.sweep(); err != nil {
			f.Close()
			return err
		}
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		f.Close()
		return fmt.Errorf("locking store: %w", err)
	}
	s.use = f
	return nil
}

// sweep removes everything in tmp/: with the use lock held exclusively,
// no process is writing there.
func (s *Store) sweep() error {
	ents, err := os.ReadDir(s.TempDir())
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(s.TempDir(), e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the store. Its temporary files must be gone by then.
func (s *Store) Close() error {
	if s.use == nil {
		return nil
	}
	err := s.use.Close()
	s.use = nil
	return err
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

// writeFileAtomic writes b to a temporary file in tmp/ and renames it to
// name. With durable, the file and then its directory are synced, so that
// after a crash name holds either the old bytes or all the new ones.
func (s *Store) writeFileAtomic(name string, b []byte, durable bool) error {
	f, err := os.CreateTemp(s.TempDir(), filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(b)
	if err == nil && durable {
		err = f.Sync()
	}
	if err := errors.Join(err, f.Close()); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return err
	}
	if durable {
		return syncDir(filepath.Dir(name))
	}
	return nil
}

// syncDir makes the entries of dir (a rename into it) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
