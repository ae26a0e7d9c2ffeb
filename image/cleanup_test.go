package image

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wispboot/wisp/internal/testenv"
)

var errDisk = errors.New("injected read error")

// failingFS fails the read of one file after the first 100,000 bytes.
type failingFS struct {
	fstest.MapFS
	name string
}

func (f failingFS) Open(name string) (fs.File, error) {
	file, err := f.MapFS.Open(name)
	if err != nil || name != f.name {
		return file, err
	}
	return &failingFile{File: file, left: 100_000}, nil
}

type failingFile struct {
	fs.File
	left int
}

func (f *failingFile) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errDisk
	}
	n, err := f.File.Read(p[:min(len(p), f.left)])
	f.left -= n
	return n, err
}

// shrinkingFS says a file is larger than what it then reads.
type shrinkingFS struct{ fstest.MapFS }

func (s shrinkingFS) Open(name string) (fs.File, error) {
	f, err := s.MapFS.Open(name)
	if err != nil || name != "start4.elf" {
		return f, err
	}
	return readerFile{f, io.LimitReader(f, 10)}, nil
}

// readerFile is an fs.File whose content comes from r.
type readerFile struct {
	fs.File
	r io.Reader
}

func (f readerFile) Read(p []byte) (int, error) { return f.r.Read(p) }

// TestWriteFailureLeavesNothing: when reading a boot file fails midway,
// Write fails, the file at path keeps its old content and no temporary
// file is left.
func TestWriteFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		boot fs.FS
		want error
	}{
		{"read error", failingFS{piFiles(), "start4.elf"}, errDisk},
		{"file shorter than its size", shrinkingFS{piFiles()}, nil},
		{"file longer than its size", growingFS{piFiles()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			img := filepath.Join(dir, "boot.img")
			if err := os.WriteFile(img, []byte("the previous image"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Write(img, tc.boot)
			if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Write: got %v, want an error wrapping %v", err, tc.want)
			}
			t.Log(err)
			if b := testenv.ReadFile(t, img); string(b) != "the previous image" {
				t.Errorf("%s: got %d bytes, want the previous content", img, len(b))
			}
			if ents := readDir(t, dir); len(ents) != 1 {
				t.Errorf("output directory: got %v, want only boot.img", ents)
			}
		})
	}
}

func TestWriteNoDirectory(t *testing.T) {
	t.Parallel()
	img := filepath.Join(t.TempDir(), "missing", "boot.img")
	if _, err := Write(img, piFiles()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Write into a missing directory: got %v, want fs.ErrNotExist", err)
	}
}

// growingFS says a file is smaller than what it then reads.
type growingFS struct{ fstest.MapFS }

func (g growingFS) Open(name string) (fs.File, error) {
	f, err := g.MapFS.Open(name)
	if err != nil || name != "config.txt" {
		return f, err
	}
	return readerFile{f, io.MultiReader(f, strings.NewReader("more"))}, nil
}
