package elfcheck

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/testenv"
)

func TestCheck(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go toolchain not on PATH")
	}
	static := fixture.GoBinary(t, "static", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	pie := fixture.GoBinary(t, "pie", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"}, "-buildmode=pie")
	arm64 := fixture.GoBinary(t, "arm64", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=arm64"})
	arm64small := fixture.GoBinary(t, "arm64-4k", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=arm64"}, "-ldflags=-R=0x1000")
	text := filepath.Join(t.TempDir(), "script")
	testenv.WriteFile(t, text, []byte("#!/bin/sh\necho hi\n"), 0o755)

	for _, tt := range []struct {
		name, file string
		want       Want
		wantErr    error
		wantText   string
	}{
		{"static amd64", static, Want{Arch: "amd64", PageSize: 4096}, nil, ""},
		{"static arm64 on 16k pages", arm64, Want{Arch: "arm64", PageSize: 16384}, nil, ""},
		{"go pie is dynamic", pie, Want{Arch: "amd64", PageSize: 4096}, ErrDynamic, "interpreter /lib64/ld-linux-x86-64.so.2"},
		{"wrong arch", arm64, Want{Arch: "amd64", PageSize: 4096}, ErrArch, "binary is arm64"},
		{"4k aligned on 16k pages", arm64small, Want{Arch: "arm64", PageSize: 16384}, ErrAlignment, "-ldflags=-R=0x4000"},
		{"shell script", text, Want{Arch: "amd64"}, ErrNotELF, ""},
		{"host binary is dynamic", "/bin/true", Want{Arch: "amd64"}, ErrDynamic, "CGO_ENABLED=0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckFile(tt.file, tt.want)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("CheckFile = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			if err != nil && !strings.Contains(err.Error(), tt.file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestCheckMissingFile(t *testing.T) {
	err := CheckFile("/nonexistent/svc", Want{Arch: "amd64"})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want ErrNotExist", err)
	}
}

// FuzzCheck starts from real executables: the tiny static ELF files of
// each architecture the tests boot, aligned for 4 KiB and 16 KiB pages.
func FuzzCheck(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	for _, arch := range []string{"amd64", "arm64", "riscv64"} {
		f.Add(fixture.TinyELF(arch))
		f.Add(fixture.TinyELFAligned(arch, 0x1000))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Check(strings.NewReader(string(b)), Want{Arch: "amd64", PageSize: 4096})
	})
}
