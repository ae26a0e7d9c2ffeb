package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	for range 2 { // the second time, everything exists
		if err := mkdirAll(dir); err != nil {
			t.Fatalf("mkdirAll: %v", err)
		}
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("after mkdirAll(%s): %v", dir, err)
	}

	f := filepath.Join(dir, "f")
	big := make([]byte, 3000) // more than readFile's buffer
	for i := range big {
		big[i] = byte('a' + i%26)
	}
	for _, want := range []string{string(big), "short\n"} {
		if err := writeFile(f, []byte(want), 0o644); err != nil {
			t.Fatalf("writeFile: %v", err)
		}
		got, err := readFile(f)
		if err != nil || got != want {
			t.Errorf("readFile = %.20q (%d bytes), %v, want %.20q (%d bytes)", got, len(got), err, want, len(want))
		}
	}
	if _, err := readFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("readFile(missing) = nil error")
	}
}
