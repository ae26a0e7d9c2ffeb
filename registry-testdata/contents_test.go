package registrytestdata

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/appbinary"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/kernelpkg"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
)

// TestBase checks that the base says what README.md says.
func TestBase(t *testing.T) {
	img := fixture.LayoutImage(t, "base-qemu-amd64")
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{layers.LabelKind: layers.KindBase, layers.LabelBoard: "qemu-amd64", layers.LabelKernelVersion: KernelVersion}
	if !reflect.DeepEqual(cf.Config.Labels, want) {
		t.Errorf("labels %v, want %v", cf.Config.Labels, want)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, l := range m.Layers {
		roles = append(roles, l.Annotations[layers.AnnotationRole])
	}
	if got := strings.Join(roles, ","); got != "kernel,modules" {
		t.Fatalf("layer roles %s, want kernel,modules", got)
	}
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 {
		t.Fatalf("%d layers, want kernel and modules", len(ls))
	}
	sel, err := kernelpkg.SelectModules(context.Background(), ls[1], []string{"virtio_pci", "virtio_net"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range sel.Load {
		got = append(got, strings.TrimSuffix(p[strings.LastIndex(p, "/")+1:], ".ko"))
	}
	wantLoad := []string{"virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_ring", "virtio", "virtio_pci", "failover", "net_failover", "virtio_net"}
	if !reflect.DeepEqual(got, wantLoad) {
		t.Errorf("load order %v, want %v", got, wantLoad)
	}
}

// TestAppBinaries finds the binary of every app image.
func TestAppBinaries(t *testing.T) {
	idx := fixture.LayoutIndex(t, "app-index")
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	image := func(p v1.Platform) v1.Image {
		for _, d := range im.Manifests {
			if d.Platform != nil && d.Platform.Equals(p) {
				img, err := idx.Image(d.Digest)
				if err != nil {
					t.Fatal(err)
				}
				return img
			}
		}
		t.Fatalf("app-index has no %s image", p)
		return nil
	}
	svcArgs := []string{"--port", "8080"}
	for _, tt := range []struct {
		name       string
		img        v1.Image
		binaryPath string
		wantPath   string
		wantArch   string
		wantArgs   []string
	}{
		{"app-index amd64", image(amd64), "", "/svc", "amd64", svcArgs},
		{"app-index arm64", image(arm64), "", "/svc", "arm64", svcArgs},
		{"app-arm64-only", fixture.LayoutImage(t, "app-arm64-only"), "", "/svc", "arm64", svcArgs},
		{"app-ko", fixture.LayoutImage(t, "app-ko"), "", "/ko-app/hello", "amd64", nil},
		{"app-ko through PATH and a symlink", fixture.LayoutImage(t, "app-ko"), "app", "/ko-app/hello", "amd64", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := appbinary.FromImage(context.Background(), tt.img, tt.binaryPath, t.TempDir(), limits.Binary)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(b.File)
			if err != nil {
				t.Fatal(err)
			}
			if b.Path != tt.wantPath || string(got) != string(fixture.TinyELF(tt.wantArch)) {
				t.Errorf("binary %s (%d bytes), want %s, TinyELF(%s)", b.Path, len(got), tt.wantPath, tt.wantArch)
			}
			if !reflect.DeepEqual(b.Args, tt.wantArgs) {
				t.Errorf("args %q, want %q", b.Args, tt.wantArgs)
			}
		})
	}
}
