package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/initbin"
	"github.com/wispboot/wisp/internal/testenv"
)

// piImage imports the fixture pi4 base and builds a pi4 image with the
// CLI, returning the store and the --json result's image path.
func piImage(t *testing.T) (cache, img string) {
	t.Helper()
	if _, err := initbin.For("arm64"); err != nil {
		testenv.Missing(t, "%v", err)
	}
	ctx := context.Background()
	cache = t.TempDir()
	dir := t.TempDir()
	kernel := filepath.Join(dir, "kernel.deb")
	firmware := filepath.Join(dir, "firmware.deb")
	testenv.WriteFile(t, kernel, fixture.ArmKernelDeb("6.1.0-99-arm64").Bytes(), 0o644)
	testenv.WriteFile(t, firmware, fixture.RaspiFirmwareDeb().Bytes(), 0o644)
	if r := wisp(ctx, "--cache", cache, "base", "import", "--target", "pi4", "--kernel-deb", kernel, "--firmware-deb", firmware); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	bin := filepath.Join(dir, "svc")
	testenv.WriteFile(t, bin, fixture.TinyELF("arm64"), 0o755)
	out := filepath.Join(dir, "out")
	r := wisp(ctx, "--cache", cache, "build", "--target", "pi4", "--binary", bin, "--out", out, "--json")
	if r.code != 0 {
		t.Fatalf("build: %+v", r)
	}
	var res struct {
		Artifacts struct {
			Files []struct{ Name, Path, SHA256 string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("build --json: %v\n%s", err, r.stdout)
	}
	f := res.Artifacts.Files
	if len(f) != 1 || f[0].Name != "pi4.img" || f[0].Path != filepath.Join(out, "pi4.img") {
		t.Fatalf("build --json files = %+v", f)
	}
	b := testenv.ReadFile(t, f[0].Path)
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f[0].SHA256 {
		t.Errorf("--json sha256 %s, the file's %x", f[0].SHA256, sum)
	}
	return cache, f[0].Path
}

func TestFlash(t *testing.T) {
	_, img := piImage(t)
	want := testenv.ReadFile(t, img)
	ctx := context.Background()

	card := filepath.Join(t.TempDir(), "card")
	testenv.WriteFile(t, card, bytes.Repeat([]byte{0xee}, 1<<20), 0o644)
	r := wisp(ctx, "flash", img, card, "--yes")
	got := testenv.ReadFile(t, card)
	if r.code != 0 || !bytes.Equal(got, want) || !strings.Contains(r.stdout, "wrote and verified") {
		t.Fatalf("flash --yes: %+v; card holds the image: %v", r, bytes.Equal(got, want))
	}

	untouched := filepath.Join(t.TempDir(), "card")
	testenv.WriteFile(t, untouched, []byte("keep me"), 0o644)
	var out, errb syncBuffer
	root, g := newRoot()
	g.progress = &progress{w: &errb}
	root.SetArgs([]string{"flash", img, untouched})
	root.SetIn(strings.NewReader("n\n"))
	root.SetOut(&out)
	root.SetErr(&errb)
	if err := root.ExecuteContext(ctx); err == nil || !strings.Contains(err.Error(), "not written") {
		t.Errorf("answering n: err = %v", err)
	}
	if b := testenv.ReadFile(t, untouched); string(b) != "keep me" {
		t.Error("the target was written after the answer n")
	}
	if !strings.Contains(errb.String(), "This erases it. [y/N]") {
		t.Errorf("no question asked: %q", errb.String())
	}

	for _, tt := range []struct{ name, target, want string }{
		{"a directory", t.TempDir(), "not a block device"},
		{"a missing file", filepath.Join(t.TempDir(), "sdz"), "no such file"},
		{"a char device", "/dev/null", "character device"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := wisp(ctx, "flash", img, tt.target, "--yes")
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, tt.want)
			}
		})
	}
}
