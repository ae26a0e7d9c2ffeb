package kernelpkg

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/fixture"
)

func TestStripSignature(t *testing.T) {
	t.Parallel()
	ko := fixture.Module("virtio_net", "virtio")
	for _, tc := range []struct {
		name string
		in   []byte
		want []byte
		err  string
	}{
		{"signed", fixture.Signed(ko, 567), ko, ""},
		{"unsigned", ko, ko, ""},
		{"signature longer than the module", fixture.Signed(ko, 567)[len(ko)+100:], nil, "longer than the module"},
		{"trailer only", []byte("~Module signature appended~\n"), nil, "truncated"},
	} {
		got, err := stripSignature(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.err)
		case tc.err == "" && (err != nil || !bytes.Equal(got, tc.want)):
			t.Errorf("%s: got %d bytes, error %v; want the %d bytes of the module", tc.name, len(got), err, len(tc.want))
		}
	}
}

// TestSelectModulesWithoutSignatures: the cut of signed modules keeps
// the signatures unless asked, and is then the modules' own bytes.
func TestSelectModulesWithoutSignatures(t *testing.T) {
	deb := fixture.KernelDeb(testKernel)
	plain := map[string][]byte{}
	for name, b := range deb.Files {
		if strings.HasSuffix(name, ".ko") {
			plain[strings.TrimPrefix(name, "./")] = b
			deb.Files[name] = fixture.Signed(b, 400)
		}
	}
	b := importFixture(t, deb.Bytes())
	names := []string{"virtio_pci", "virtio_net"}
	kept, err := SelectModules(context.Background(), b.Modules.Layer, names)
	if err != nil {
		t.Fatal(err)
	}
	stripped, err := SelectModules(context.Background(), b.Modules.Layer, names, WithoutSignatures())
	if err != nil {
		t.Fatal(err)
	}
	k, s := fixture.LayerFiles(t, kept.Layer), fixture.LayerFiles(t, stripped.Layer)
	n := 0
	for name, content := range s {
		if !strings.HasSuffix(name, ".ko") {
			continue
		}
		n++
		if content != string(plain[name]) {
			t.Errorf("%s: %d bytes without signatures, want the module's %d", name, len(content), len(plain[name]))
		}
		if !strings.HasSuffix(k[name], moduleSigMagic) || len(k[name]) != len(plain[name])+400+12+len(moduleSigMagic) {
			t.Errorf("%s: %d bytes kept, want the signed module's", name, len(k[name]))
		}
	}
	if n != len(kept.Load) || n == 0 {
		t.Errorf("%d modules in the layer, want the %d of the load order", n, len(kept.Load))
	}
}
