package initrd

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/wispboot/wisp/limits"
)

// TestLayerLimits: a layer over its byte budgets, or a base layer with
// anything outside boot/, is refused before its content is read.
func TestLayerLimits(t *testing.T) {
	big := strings.Repeat("x", 1000)
	for _, tt := range []struct {
		name    string
		entries []tarEntry
		opts    []Option
		want    error
		text    string
	}{
		{"content within the budget", []tarEntry{reg("a", big)}, []Option{WithMaxBytes(1000, 0)}, nil, ""},
		{"content over the budget", []tarEntry{reg("a", big), reg("b", "y")}, []Option{WithMaxBytes(1000, 0)}, limits.ErrTooLarge, "/b"},
		{"boot files over theirs", []tarEntry{reg("boot/k", big), reg("boot/dtb", big)}, []Option{WithMaxBytes(0, 1500)}, limits.ErrTooLarge, "boot/dtb"},
		{"a base layer with boot files", []tarEntry{{tar.Header{Name: "boot/", Typeflag: tar.TypeDir, Mode: 0o755}, ""}, reg("boot/k", "k")}, []Option{BootOnly()}, nil, ""},
		{"a base layer bringing an init", []tarEntry{reg("boot/k", "k"), reg("init", "#!")}, []Option{BootOnly()}, ErrUnsafePath, "init is outside boot/"},
		{"a base layer bringing a directory", []tarEntry{{tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755}, ""}}, []Option{BootOnly()}, ErrUnsafePath, "etc is outside boot/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LayerSegment(layer(t, tt.entries...), func(string, int64, io.Reader) error { return nil }, tt.opts...)
			if !errors.Is(err, tt.want) || tt.want != nil && !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("err = %v, want %v naming %q", err, tt.want, tt.text)
			}
		})
	}
}

// TestNewcEntryOver4GiB: the newc size field has 32 bits; a larger file
// is refused, not written with its size wrapped.
func TestNewcEntryOver4GiB(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	err := w.WriteHeader(Record{Name: "huge", Mode: ModeRegular | 0o644, Size: 1 << 32})
	if !errors.Is(err, limits.ErrTooLarge) || buf.Len() != 0 {
		t.Errorf("err = %v with %d bytes written, want ErrTooLarge and nothing", err, buf.Len())
	}
	if err := w.WriteHeader(Record{Name: "ok", Mode: ModeRegular | 0o644, Size: 0}); err != nil {
		t.Errorf("a small entry after the refusal: %v", err)
	}
}
