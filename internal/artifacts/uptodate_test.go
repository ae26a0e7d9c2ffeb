package artifacts

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wispboot/wisp/oci"
)

// TestUpToDate: a remembered stamp answers without reading the file; any
// change to the file (even one that puts its mtime back) makes it hash the
// file again.
func TestUpToDate(t *testing.T) {
	s, err := oci.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kernel")
	content := []byte("a kernel")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	right := hex.EncodeToString(sum[:])
	size := int64(len(content))

	if !upToDate(nil, path, size, right) || upToDate(nil, path, size+1, right) {
		t.Fatal("without a store: the file is not judged by its content")
	}
	// Remember a stamp with a digest the file does not have: only the
	// stamp can make upToDate agree with it.
	lie := hex.EncodeToString(make([]byte, 32))
	rememberOutput(s, path, lie)
	if !upToDate(s, path, size, lie) {
		t.Error("a remembered stamp was not used")
	}
	if upToDate(s, path, size, right) {
		t.Error("the stamp's digest was ignored")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if err := os.Chtimes(path, info.ModTime(), info.ModTime()); err != nil { // mtime as it was, ctime moves
		t.Fatal(err)
	}
	if upToDate(s, path, size, lie) {
		t.Error("a stamp was trusted after the file's ctime changed")
	}
	if !upToDate(s, path, size, right) {
		t.Error("after a change the file was not hashed again")
	}
	if !upToDate(s, path, size, right) { // and its new stamp remembered
		t.Error("the new stamp does not answer")
	}
}
