package flash

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteVerifyFails(t *testing.T) {
	image, data := testImage(t, imageSize)
	const off = 5_000_003 // in the second chunk
	tests := []struct {
		name    string
		corrupt func(path string) error
		want    string
	}{
		{name: "a byte changed", want: "at byte 5000003", corrupt: func(path string) error {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if _, err := f.WriteAt([]byte{^data[off]}, off); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}},
		{name: "the last byte changed", want: "at byte 10498104", corrupt: func(path string) error {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if _, err := f.WriteAt([]byte{^data[imageSize-1]}, imageSize-1); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}},
		{name: "cut short", want: "ends at byte 6000000", corrupt: func(path string) error {
			return os.Truncate(path, 6_000_000)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "disk.raw")
			if err := os.WriteFile(target, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			err := Write(context.Background(), image, target, withAfterSync(tt.corrupt))
			if !errors.Is(err, ErrVerify) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Write error = %v, want %v containing %q", err, ErrVerify, tt.want)
			}
		})
	}
}

func TestWriteCancel(t *testing.T) {
	image, data := testImage(t, imageSize)
	tests := []struct {
		name     string
		phase    string
		wantText string
		wantSize int64 // of the target afterwards
	}{
		{name: "while writing", phase: PhaseWrite, wantText: "stopped after 4.2 MB of 10.5 MB, so it is partially written", wantSize: chunkSize},
		{name: "while verifying", phase: PhaseVerify, wantText: "stopped after 4.2 MB of 10.5 MB: it is written but not verified", wantSize: imageSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "disk.raw")
			if err := os.WriteFile(target, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			progress := func(phase string, done, total int64) {
				if phase == tt.phase && done >= chunkSize {
					cancel()
				}
			}
			err := Write(ctx, image, target, WithProgress(progress))
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("Write error = %v, want %v containing %q", err, context.Canceled, tt.wantText)
			}
			got, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(got)) != tt.wantSize || string(got) != string(data[:len(got)]) {
				t.Errorf("target has %d bytes (a prefix of the image: %v), want the first %d",
					len(got), string(got) == string(data[:len(got)]), tt.wantSize)
			}
		})
	}
}
