package initrd

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	archive := func(name, data string) []byte {
		var b bytes.Buffer
		w := NewWriter(&b)
		if err := w.WriteHeader(Record{Name: name, Mode: ModeRegular | 0o644, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, data); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	// Two plain archives, the second replacing a file of the first.
	two := append(archive("a", "old"), archive("a", "new")...)
	got, err := Read(bytes.NewReader(two))
	if err != nil {
		t.Fatal(err)
	}
	if string(got["a"].Data) != "new" || len(got) != 1 {
		t.Errorf("entries %v", got)
	}
	for _, bad := range [][]byte{[]byte("not an archive"), two[:120]} {
		if _, err := Read(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "newc") {
			t.Errorf("Read(%q…) = %v, want a newc error", bad[:8], err)
		}
	}
}
