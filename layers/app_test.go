package layers

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/testenv"
)

// TestLayersAreDeterministic builds every constructed layer twice, with
// the source file's mtime changed in between, and compares digests.
func TestLayersAreDeterministic(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "svc")
	testenv.WriteFile(t, bin, []byte("\x7fELF pretend binary"), 0o700)
	cfg := &config.Config{Version: config.Version, Hostname: "h", User: config.Nobody,
		Exec: config.Exec{Path: "/app/svc", Args: []string{"svc"}}}
	build := func() []mutate.Addendum {
		app, err := Binary(bin, "/app/svc")
		if err != nil {
			t.Fatal(err)
		}
		ini, err := Init([]byte("init binary"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := Config(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return []mutate.Addendum{app, ini, c}
	}
	first := build()
	if err := os.Chtimes(bin, timeNow(), timeNow()); err != nil {
		t.Fatal(err)
	}
	second := build()
	for i := range first {
		a, err := first[i].Layer.Digest()
		if err != nil {
			t.Fatal(err)
		}
		b, err := second[i].Layer.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s layer: %s then %s", first[i].Annotations[AnnotationRole], a, b)
		}
	}
	files := fixture.LayerFiles(t, first[0].Layer)
	if files["app/svc"] != "\x7fELF pretend binary" || len(files) != 2 {
		t.Errorf("app layer = %v", files)
	}
}

func TestLayerRejectsEscapes(t *testing.T) {
	for _, p := range []string{"../etc/passwd", "/..", "a/../../b"} {
		if _, err := Layer([]File{Bytes(p, 0o644, nil)}); err == nil {
			t.Errorf("Layer accepted %q", p)
		}
	}
}

func timeNow() time.Time { return time.Now() }
