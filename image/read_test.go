package image

import (
	"bytes"
	"errors"
	"testing"
)

func TestReadFile(t *testing.T) {
	boot := piFiles()
	img, _ := writeImage(t, boot)
	for name, f := range boot {
		if f.Mode.IsDir() {
			continue
		}
		var b bytes.Buffer
		if err := ReadFile(img, name, &b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(b.Bytes(), f.Data) {
			t.Errorf("%s: read %d bytes, want the %d written", name, b.Len(), len(f.Data))
		}
	}
	if err := ReadFile(img, "vmlinuz", &bytes.Buffer{}); !errors.Is(err, ErrNoFile) {
		t.Errorf("missing file: err = %v, want ErrNoFile", err)
	}
}
