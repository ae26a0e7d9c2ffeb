package initrd

import (
	"archive/tar"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/wispboot/wisp/limits"
)

// whiteoutPrefix marks an OCI whiteout entry (".wh.name", ".wh..wh..opq").
const whiteoutPrefix = ".wh."

// Entry kinds recorded by a splitter, to tell whether stacking segments
// gives what flattening gives.
const (
	kindDir   = 'd'
	kindOther = 'f'
)

// splitter copies tar entries into a newc archive, diverting boot/ files
// to a BootFunc and adding missing parent directories.
type splitter struct {
	cw        *Writer
	boot      BootFunc
	st        *Stats
	dirs      map[string]bool
	kinds     map[string]byte // what each name is, for segments
	whiteouts bool            // a whiteout was seen (segments only)
	o         options
	content   int64 // bytes of content written, against o.maxContent
}

func newSplitter(cw *Writer, boot BootFunc, o options) *splitter {
	return &splitter{cw: cw, boot: boot, st: &Stats{}, dirs: map[string]bool{}, kinds: map[string]byte{}, o: o}
}

func (s *splitter) emit(r Record) error {
	s.st.Entries++
	kind := byte(kindOther)
	if r.Mode&0o170000 == ModeDir {
		s.dirs[r.Name] = true
		kind = kindDir
	}
	s.kinds[r.Name] = kind
	return s.cw.WriteHeader(r)
}

// console emits the entries every initrd starts with.
func (s *splitter) console() error {
	for _, r := range console {
		if err := s.emit(r); err != nil {
			return err
		}
	}
	return nil
}

// split copies a tar stream. Whiteout entries (which only single layers
// hold; mutate.Extract has applied them) are recorded and skipped.
func (s *splitter) split(tr *tar.Reader) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading image: %w", err)
		}
		name, err := cleanName(h)
		if err != nil {
			return err
		}
		if name == "" {
			continue
		}
		if strings.HasPrefix(path.Base(name), whiteoutPrefix) {
			s.whiteouts = true
			continue
		}
		if rest, ok := strings.CutPrefix(name, "boot/"); ok || name == "boot" {
			if h.Typeflag == tar.TypeReg {
				if s.o.maxBoot > 0 {
					if err := limits.Check("the boot files up to boot/"+rest, s.st.BootBytes+h.Size, s.o.maxBoot); err != nil {
						return err
					}
				}
				s.st.BootFiles++
				s.st.BootBytes += h.Size
				if err := s.boot(rest, h.Size, tr); err != nil {
					return fmt.Errorf("writing boot file %s: %w", rest, err)
				}
			}
			continue
		}
		if s.o.bootOnly && !(h.Typeflag == tar.TypeDir && name == "boot") {
			return fmt.Errorf("%w: %s is outside boot/, where a board base's firmware and kernel layers keep everything", ErrUnsafePath, name)
		}
		if err := s.entry(name, h, tr); err != nil {
			return err
		}
	}
}

func (s *splitter) entry(name string, h *tar.Header, tr io.Reader) error {
	for _, d := range parents(name) {
		if !s.dirs[d] {
			if err := s.emit(Record{Name: d, Mode: ModeDir | 0o755, Mtime: h.ModTime.Unix()}); err != nil {
				return err
			}
		}
	}
	r, body, err := record(name, h)
	if err != nil {
		return err
	}
	if r.Mode&0o170000 == ModeDir && s.dirs[name] {
		return nil
	}
	if s.o.maxContent > 0 {
		if err := limits.Check("the initramfs up to /"+name, s.content+r.Size, s.o.maxContent); err != nil {
			return err
		}
		s.content += r.Size
	}
	if err := s.emit(r); err != nil {
		return err
	}
	if body == nil {
		body = tr
	}
	if _, err := io.CopyN(s.cw, body, r.Size); err != nil {
		return fmt.Errorf("copying %s: %w", name, err)
	}
	return nil
}

// close ends the archive and returns its statistics.
func (s *splitter) close() (*Stats, error) {
	if err := s.cw.Close(); err != nil {
		return nil, err
	}
	s.st.Bytes = s.cw.written
	return s.st, nil
}
