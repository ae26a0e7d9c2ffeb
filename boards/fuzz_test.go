package boards

import (
	"bytes"
	"io/fs"
	"testing"
)

// FuzzParse: a profile file is parsed into a profile whose every value
// has its shape, or refused.
func FuzzParse(f *testing.F) {
	files, err := fs.Glob(embedded, "profiles/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := embedded.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bytes.Replace(b, []byte(`"name": "`), []byte(`"name": "my-`), 1))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse("fuzz.json", bytes.NewReader(b))
		if err != nil {
			return
		}
		if p.QEMU != nil && (p.QEMU.Binary == "" || len(p.QEMU.Args) > 0) {
			t.Errorf("a profile file set QEMU's program or arguments: %+v", p.QEMU)
		}
		if !isName(p.Name, 63) || !isFileName(p.Kernel.File) {
			t.Errorf("name %q, kernel file %q passed", p.Name, p.Kernel.File)
		}
	})
}
