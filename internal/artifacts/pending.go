package artifacts

import (
	"errors"
	"fmt"
	"os"

	"github.com/wispboot/wisp/internal/cleanup"
)

// pending are the outputs of a build, written under temporary names in
// the output directory: the output directory changes only when commit
// renames them, once the whole build has succeeded; discard removes them
// instead.
type pending struct {
	renames []rename
	after   []func() // run once every rename is done
	remove  []string // removed after the renames, or on discard
	forget  []func() // of cleanup.Add, for remove
}

// track makes path, a temporary file or directory, pending: removed
// after the renames, on discard, or by cleanup.Run on a forced exit.
func (p *pending) track(path string) {
	p.remove = append(p.remove, path)
	p.forget = append(p.forget, cleanup.Add(path))
}

type rename struct{ from, to string }

// file makes the complete temporary file f, made for dest, pending: it
// is closed and given dest's mode. It returns its size.
func (p *pending) file(f *os.File, dest string) (int64, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	// Start writing the file back now, on the artifacts' goroutine: a
	// rename over an existing file makes ext4 allocate and flush the
	// new one's delayed blocks (auto_da_alloc), which would otherwise
	// happen in commit, after the image is stored, on the build's
	// critical path. This neither waits nor makes the file durable.
	startWriteback(f)
	if err := errors.Join(f.Chmod(0o644), f.Close()); err != nil {
		return 0, fmt.Errorf("writing %s: %w", dest, err)
	}
	p.renames = append(p.renames, rename{f.Name(), dest})
	return info.Size(), nil
}

// commit renames the pending files to their names.
func (p *pending) commit() error {
	if p == nil {
		return nil
	}
	defer p.discard()
	for _, r := range p.renames {
		if err := os.Rename(r.from, r.to); err != nil {
			return fmt.Errorf("writing %s: %w", r.to, err)
		}
	}
	for _, f := range p.after {
		f()
	}
	return nil
}

// discard removes what is left of the pending files; after commit, only
// the temporary directories.
func (p *pending) discard() {
	if p == nil {
		return
	}
	for _, f := range p.remove {
		os.RemoveAll(f)
	}
	for _, f := range p.forget {
		f()
	}
	p.renames, p.after, p.remove, p.forget = nil, nil, nil, nil
}
