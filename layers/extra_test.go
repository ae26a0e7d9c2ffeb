package layers

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/limits"
)

var ctx = context.Background()

func tarFile(t *testing.T, entries ...tar.Header) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range entries {
		h := h
		if h.Typeflag == tar.TypeReg {
			h.Size = 2
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("tar entry %s: %v", h.Name, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte("hi")); err != nil {
				t.Fatalf("tar entry %s: %v", h.Name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "layer.tar")
	testenv.WriteFile(t, f, b.Bytes(), 0o644)
	return f
}

func TestExtraFromTar(t *testing.T) {
	good := tarFile(t, tar.Header{Name: "usr/share/zoneinfo/UTC", Typeflag: tar.TypeReg, Mode: 0o644},
		tar.Header{Name: "etc/localtime", Typeflag: tar.TypeSymlink, Linkname: "../usr/share/zoneinfo/UTC"})
	add, err := ExtraFromTar(ctx, good, nil)
	if err != nil {
		t.Fatal(err)
	}
	if add.Annotations[AnnotationRole] != "extra" || fixture.LayerFiles(t, add.Layer)["usr/share/zoneinfo/UTC"] != "hi" {
		t.Errorf("extra layer %v", add.Annotations)
	}
	for _, tt := range []struct {
		name string
		h    tar.Header
	}{
		{"dot-dot", tar.Header{Name: "../../etc/passwd", Typeflag: tar.TypeReg}},
		{"absolute", tar.Header{Name: "/etc/passwd", Typeflag: tar.TypeReg}},
		{"symlink climbing out", tar.Header{Name: "a/b", Typeflag: tar.TypeSymlink, Linkname: "../../../etc"}},
		{"hard link outside", tar.Header{Name: "a", Typeflag: tar.TypeLink, Linkname: "../x"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ExtraFromTar(ctx, tarFile(t, tt.h), nil)
			if !errors.Is(err, ErrUnsafeEntry) {
				t.Errorf("err = %v, want ErrUnsafeEntry", err)
			}
		})
	}
	notTar := filepath.Join(t.TempDir(), "x.tar")
	testenv.WriteFile(t, notTar, []byte("hello, not a tar"), 0o644)
	if _, err := ExtraFromTar(ctx, notTar, nil); err == nil || !strings.Contains(err.Error(), "not a tar file") {
		t.Errorf("not a tar: %v", err)
	}
}

func TestExtraFromDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "etc", "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, filepath.Join(dir, "etc", "app", "conf.yaml"), []byte("port: 80\n"), 0o640)
	if err := os.Symlink("app/conf.yaml", filepath.Join(dir, "etc", "conf.yaml")); err != nil {
		t.Fatal(err)
	}
	add, err := ExtraFromDir(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fixture.LayerFiles(t, add.Layer)["etc/app/conf.yaml"]; got != "port: 80\n" {
		t.Errorf("conf.yaml = %q", got)
	}
	if err := os.Symlink("../../../etc/shadow", filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	if _, err := ExtraFromDir(ctx, dir, nil); !errors.Is(err, ErrUnsafeEntry) {
		t.Errorf("a symlink out of the directory: err = %v", err)
	}
}

// TestExtraPolicy: an extra layer may add files, not take over what wisp
// owns nor carry what an appliance must not.
func TestExtraPolicy(t *testing.T) {
	reg := func(name string, mode int64) tar.Header {
		return tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode}
	}
	dir := func(name string, mode int64) tar.Header {
		return tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: mode}
	}
	sym := func(name, target string) tar.Header {
		return tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777}
	}
	for _, tt := range []struct {
		name string
		h    []tar.Header
		want string // "" accepts
	}{
		{"data files", []tar.Header{dir("srv/", 0o755), reg("srv/index.html", 0o644), sym("etc/localtime", "/usr/share/zoneinfo/UTC")}, ""},
		{"empty mount point directories", []tar.Header{dir("tmp/", 0o1755), dir("dev/", 0o755), dir("proc/", 0o555)}, ""},
		{"a link to the init", []tar.Header{sym("bin/init", "/init")}, ""},
		{"the init", []tar.Header{reg("init", 0o755)}, "init would replace /init"},
		{"the app", []tar.Header{reg("app/svc", 0o755)}, "app/svc would replace /app"},
		{"a module", []tar.Header{reg("lib/modules/6.1.0-1-amd64/kernel/virtio_net.ko", 0o644)}, "would replace /lib/modules"},
		{"wisp's config", []tar.Header{reg("etc/wisp/config.json", 0o644)}, "would replace /etc/wisp"},
		{"/etc/passwd", []tar.Header{reg("etc/passwd", 0o644)}, "etc/passwd would replace /etc/passwd"},
		{"resolv.conf as a link", []tar.Header{sym("etc/resolv.conf", "/proc/sys/kernel/core_pattern")}, "would replace /etc/resolv.conf"},
		{"etc as a link", []tar.Header{sym("etc", "/srv")}, "etc is not a directory, and /etc/wisp"},
		{"lib as a file", []tar.Header{reg("lib", 0o644)}, "lib is not a directory, and /lib/modules"},
		{"tmp as a link", []tar.Header{sym("tmp", "/app")}, "tmp is not a directory: the init mounts a file system on /tmp"},
		{"a file in dev", []tar.Header{reg("dev/console", 0o600)}, "is under /dev"},
		{"a whiteout of the init", []tar.Header{reg(".wh.init", 0o644)}, "deletes /init"},
		{"a whiteout of lib", []tar.Header{reg(".wh.lib", 0o644)}, "deletes /lib/modules"},
		{"an opaque root", []tar.Header{reg(".wh..wh..opq", 0o644)}, "deletes /init"},
		{"an opaque etc", []tar.Header{reg("etc/.wh..wh..opq", 0o644)}, "deletes /etc/wisp"},
		{"a whiteout of data", []tar.Header{reg("srv/.wh.old", 0o644)}, ""},
		{"a block device", []tar.Header{{Name: "mmcblk0", Typeflag: tar.TypeBlock, Mode: 0o666, Devmajor: 179}}, "mmcblk0 is a device node (179:0)"},
		{"a character device", []tar.Header{{Name: "mem", Typeflag: tar.TypeChar, Mode: 0o600, Devmajor: 1, Devminor: 1}}, "is a device node (1:1)"},
		{"a FIFO", []tar.Header{{Name: "srv/fifo", Typeflag: tar.TypeFifo, Mode: 0o600}}, "is a FIFO"},
		{"setuid", []tar.Header{reg("bin/su", 0o4777)}, "bin/su is setuid"},
		{"setgid", []tar.Header{reg("bin/wall", 0o2755)}, "is setgid"},
		{"world-writable file", []tar.Header{reg("srv/log", 0o666)}, "is writable by everyone (mode 0666)"},
		{"world-writable directory", []tar.Header{dir("srv/", 0o777)}, "is writable by everyone (mode 0777)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ExtraFromTar(ctx, tarFile(t, tt.h...), nil)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "layer.tar") {
				t.Errorf("err = %v, want ErrNotAllowed naming the layer and %q", err, tt.want)
			}
		})
	}
}

// TestExtraFromDirPolicy: a directory is held to the same rules.
func TestExtraFromDirPolicy(t *testing.T) {
	dir := t.TempDir()
	testenv.WriteFile(t, filepath.Join(dir, "su"), []byte("x"), 0o755)
	if err := os.Chmod(filepath.Join(dir, "su"), os.ModeSetuid|0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := ExtraFromDir(ctx, dir, nil); !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), "su is setuid") {
		t.Errorf("setuid file: err = %v", err)
	}
	dir = t.TempDir()
	testenv.WriteFile(t, filepath.Join(dir, "init"), []byte("x"), 0o755)
	if _, err := ExtraFromDir(ctx, dir, nil); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("an init: err = %v", err)
	}
}

// TestExtraBudget: extra layers together may not hold more than the
// budget the build gives them.
func TestExtraBudget(t *testing.T) {
	b := &limits.Budget{What: "the initramfs", Limit: 3}
	one := tarFile(t, tar.Header{Name: "a", Typeflag: tar.TypeReg, Mode: 0o644}) // 2 bytes
	if _, err := ExtraFromTar(ctx, one, b); err != nil {
		t.Fatal(err)
	}
	if _, err := ExtraFromTar(ctx, one, b); !errors.Is(err, limits.ErrTooLarge) {
		t.Errorf("second layer: err = %v, want ErrTooLarge", err)
	}
}

func TestCACerts(t *testing.T) {
	pem := filepath.Join(t.TempDir(), "ca.pem")
	testenv.WriteFile(t, pem, []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), 0o644)
	add, err := CACerts(pem)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fixture.LayerFiles(t, add.Layer)["etc/ssl/certs/ca-certificates.crt"], "BEGIN CERTIFICATE") {
		t.Error("the bundle is not at /etc/ssl/certs/ca-certificates.crt")
	}
	notPEM := filepath.Join(t.TempDir(), "x")
	testenv.WriteFile(t, notPEM, []byte("nope"), 0o644)
	if _, err := CACerts(notPEM); err == nil {
		t.Error("a file without certificates was accepted")
	}
}

func TestEtcFiles(t *testing.T) {
	c := &config.Config{Version: 1, Hostname: "svc", User: config.User{UID: 1000, GID: 1000},
		Network: &config.Network{Interface: "eth0", Addresses: []string{"10.0.2.15/24"}, DNS: []string{"10.0.2.3"}, Search: []string{"example.org"}},
		Exec:    config.Exec{Path: "/app/svc", Args: []string{"svc"}}}
	add, err := Config(c)
	if err != nil {
		t.Fatal(err)
	}
	files := fixture.LayerFiles(t, add.Layer)
	for name, want := range map[string]string{
		"etc/passwd":      "app:x:1000:1000:wisp app:/:/sbin/nologin\n",
		"etc/group":       "app:x:1000:\n",
		"etc/hosts":       "10.0.2.15\tsvc\n",
		"etc/resolv.conf": "nameserver 10.0.2.3\nsearch example.org\n",
	} {
		if !strings.Contains(files[name], want) {
			t.Errorf("%s = %q, want it to hold %q", name, files[name], want)
		}
	}
	c.User, c.Network = config.Nobody, &config.Network{Interface: "eth0", DHCP: true}
	add, err = Config(c)
	if err != nil {
		t.Fatal(err)
	}
	files = fixture.LayerFiles(t, add.Layer)
	if !strings.Contains(files["etc/passwd"], "nobody:x:65534:65534") || !strings.Contains(files["etc/hosts"], "127.0.1.1\tsvc") {
		t.Errorf("nobody with DHCP: passwd %q hosts %q", files["etc/passwd"], files["etc/hosts"])
	}
	if _, ok := files["etc/resolv.conf"]; ok {
		t.Error("with DHCP the init writes resolv.conf, not the build")
	}
}
