package layers

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wispboot/wisp/config"
)

func tarFile(t *testing.T, entries ...tar.Header) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range entries {
		h := h
		if h.Typeflag == tar.TypeReg {
			h.Size = 2
		}
		tw.WriteHeader(&h)
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte("hi"))
		}
	}
	tw.Close()
	f := filepath.Join(t.TempDir(), "layer.tar")
	os.WriteFile(f, b.Bytes(), 0o644)
	return f
}

func TestExtraFromTar(t *testing.T) {
	good := tarFile(t, tar.Header{Name: "usr/share/zoneinfo/UTC", Typeflag: tar.TypeReg, Mode: 0o644},
		tar.Header{Name: "etc/localtime", Typeflag: tar.TypeSymlink, Linkname: "../usr/share/zoneinfo/UTC"})
	add, err := ExtraFromTar(good)
	if err != nil {
		t.Fatal(err)
	}
	if add.Annotations[AnnotationRole] != "extra" || layerFiles(t, add.Layer)["usr/share/zoneinfo/UTC"] != "hi" {
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
			_, err := ExtraFromTar(tarFile(t, tt.h))
			if !errors.Is(err, ErrUnsafeEntry) {
				t.Errorf("err = %v, want ErrUnsafeEntry", err)
			}
		})
	}
	notTar := filepath.Join(t.TempDir(), "x.tar")
	os.WriteFile(notTar, []byte("hello, not a tar"), 0o644)
	if _, err := ExtraFromTar(notTar); err == nil || !strings.Contains(err.Error(), "not a tar file") {
		t.Errorf("not a tar: %v", err)
	}
}

func TestExtraFromDir(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "etc", "app"), 0o755)
	os.WriteFile(filepath.Join(dir, "etc", "app", "conf.yaml"), []byte("port: 80\n"), 0o640)
	os.Symlink("app/conf.yaml", filepath.Join(dir, "etc", "conf.yaml"))
	add, err := ExtraFromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := layerFiles(t, add.Layer)["etc/app/conf.yaml"]; got != "port: 80\n" {
		t.Errorf("conf.yaml = %q", got)
	}
	os.Symlink("../../../etc/shadow", filepath.Join(dir, "escape"))
	if _, err := ExtraFromDir(dir); !errors.Is(err, ErrUnsafeEntry) {
		t.Errorf("a symlink out of the directory: err = %v", err)
	}
}

func TestCACerts(t *testing.T) {
	pem := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(pem, []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), 0o644)
	add, err := CACerts(pem)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(layerFiles(t, add.Layer)["etc/ssl/certs/ca-certificates.crt"], "BEGIN CERTIFICATE") {
		t.Error("the bundle is not at /etc/ssl/certs/ca-certificates.crt")
	}
	notPEM := filepath.Join(t.TempDir(), "x")
	os.WriteFile(notPEM, []byte("nope"), 0o644)
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
	files := layerFiles(t, add.Layer)
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
	add, _ = Config(c)
	files = layerFiles(t, add.Layer)
	if !strings.Contains(files["etc/passwd"], "nobody:x:65534:65534") || !strings.Contains(files["etc/hosts"], "127.0.1.1\tsvc") {
		t.Errorf("nobody with DHCP: passwd %q hosts %q", files["etc/passwd"], files["etc/hosts"])
	}
	if _, ok := files["etc/resolv.conf"]; ok {
		t.Error("with DHCP the init writes resolv.conf, not the build")
	}
}
