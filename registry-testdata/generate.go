package registrytestdata

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/internal/epoch"
)

// RefName is the annotation that names the one manifest of each layout's
// index.json, as wisp's store names its tags.
const RefName = "org.opencontainers.image.ref.name"

// artifact is what one layout holds: an image or an index, and its name.
type artifact struct {
	ref      string
	platform *v1.Platform // of an image
	add      mutate.Appendable
}

// layoutMakers make the layouts, by directory name.
var layoutMakers = map[string]func(tmp string) (artifact, func(), error){
	"base-qemu-amd64": baseQEMUAMD64,
	"app-index":       appIndex,
	"app-ko":          appKo,
	"app-arm64-only":  appARM64Only,
}

// Layouts are the names of the layouts, each a directory next to this file.
var Layouts = []string{"app-arm64-only", "app-index", "app-ko", "base-qemu-amd64"}

// Generate writes every layout to dir/<name>/, replacing what is there.
// Times are the Unix epoch: SOURCE_DATE_EPOCH must be unset or 0.
func Generate(dir string) error {
	if e := epoch.Time(); e.Unix() != 0 {
		return fmt.Errorf("SOURCE_DATE_EPOCH is %d: the layouts are dated 0; unset it", e.Unix())
	}
	tmp, err := os.MkdirTemp("", "registry-testdata-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, name := range Layouts {
		if err := generate(filepath.Join(dir, name), tmp, layoutMakers[name]); err != nil {
			return fmt.Errorf("generating %s: %w", name, err)
		}
	}
	return nil
}

func generate(dir, tmp string, mk func(string) (artifact, func(), error)) error {
	a, done, err := mk(tmp)
	if err != nil {
		return err
	}
	defer done()
	desc := v1.Descriptor{Platform: a.platform, Annotations: map[string]string{RefName: a.ref}}
	root := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex),
		mutate.IndexAddendum{Add: a.add, Descriptor: desc})
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if _, err := layout.Write(dir, root); err != nil {
		return fmt.Errorf("writing layout %s: %w", dir, err)
	}
	return normalizeModes(dir)
}

// normalizeModes makes files 0644 and directories 0755: layout writes
// everything 0777 (less the umask), which git would record as executable.
func normalizeModes(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	})
}
