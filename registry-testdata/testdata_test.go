package registrytestdata

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/wispboot/wisp/internal/fixture"
)

// TestCheckedInLayoutsAreCurrent regenerates every layout and compares
// it, file by file, with the checked-in one.
func TestCheckedInLayoutsAreCurrent(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "")
	tmp := t.TempDir()
	if err := Generate(tmp); err != nil {
		t.Fatal(err)
	}
	for _, name := range Layouts {
		got, want := readTree(t, filepath.Join(tmp, name)), readTree(t, name)
		for p, b := range got {
			if w, ok := want[p]; !ok {
				t.Errorf("%s/%s is generated but not checked in; run go generate ./registry-testdata/", name, p)
			} else if !bytes.Equal(b, w) {
				t.Errorf("%s/%s differs from what the generator writes; run go generate ./registry-testdata/", name, p)
			}
		}
		for p := range want {
			if _, ok := got[p]; !ok {
				t.Errorf("%s/%s is checked in but no longer generated; run go generate ./registry-testdata/", name, p)
			}
		}
	}
}

// readTree reads every file under dir: relative path → content.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestLayoutsAreValid(t *testing.T) {
	for _, tt := range []struct {
		name, ref string
		platform  *v1.Platform // of the one image; nil for an index
	}{
		{"base-qemu-amd64", "base-qemu-amd64:" + KernelVersion, &amd64},
		{"app-index", "app-index:1.0", nil},
		{"app-ko", "app-ko:1.0", &amd64},
		{"app-arm64-only", "app-arm64-only:1.0", &arm64},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ii, err := layout.ImageIndexFromPath(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate.Index(ii); err != nil {
				t.Errorf("validate.Index: %v", err)
			}
			m, err := ii.IndexManifest()
			if err != nil || len(m.Manifests) != 1 {
				t.Fatalf("index.json: %v, %v; want one manifest", m, err)
			}
			d := m.Manifests[0]
			if got := d.Annotations[RefName]; got != tt.ref {
				t.Errorf("ref name %q, want %q", got, tt.ref)
			}
			if tt.platform == nil {
				if !d.MediaType.IsIndex() {
					t.Errorf("manifest is a %s, want an index", d.MediaType)
				}
				return
			}
			if !reflect.DeepEqual(d.Platform, tt.platform) {
				t.Errorf("platform %v, want %v", d.Platform, tt.platform)
			}
			img := fixture.LayoutImage(t, tt.name)
			if err := validate.Image(img); err != nil {
				t.Errorf("validate.Image: %v", err)
			}
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if got := cf.Platform(); !reflect.DeepEqual(got, tt.platform) || cf.Created.Unix() != 0 {
				t.Errorf("config platform %v created %v, want %v at the epoch", got, cf.Created, tt.platform)
			}
		})
	}
}
