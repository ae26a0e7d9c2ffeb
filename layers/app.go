package layers

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/config"
)

// Binary is the app layer: the file at src, installed at dest (absolute,
// e.g. /app/svc) with mode 0755.
func Binary(src, dest string) (mutate.Addendum, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("binary: %w", err)
	}
	f := File{Path: dest, Mode: 0o755, Size: fi.Size(), Open: func() (io.ReadCloser, error) { return os.Open(src) }}
	return addendum(RoleApp, "app "+dest, f)
}

// Init is the init layer: bin installed as /init.
func Init(bin []byte) (mutate.Addendum, error) {
	return addendum(RoleInit, "init", Bytes("init", 0o755, bin))
}

// Config is the config layer: c as /etc/wisp/config.json, with the /etc
// files it implies (passwd, group, hosts, nsswitch.conf, resolv.conf).
func Config(c *config.Config) (mutate.Addendum, error) {
	if err := c.Validate(); err != nil {
		return mutate.Addendum{}, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return mutate.Addendum{}, err
	}
	files := append(etcFiles(c), Bytes(config.Path, 0o644, buf.Bytes()))
	return addendum(RoleConfig, "config", files...)
}

func addendum(r Role, what string, files ...File) (mutate.Addendum, error) {
	l, err := Layer(files)
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("building %s layer: %w", r, err)
	}
	return mutate.Addendum{
		Layer:       l,
		Annotations: annotations(r),
		History:     v1.History{Created: v1.Time{Time: Epoch()}, CreatedBy: "wisp: " + path.Clean(what)},
	}, nil
}

// ReadConfig reads /etc/wisp/config.json from a config layer.
func ReadConfig(l v1.Layer) (*config.Config, error) {
	var c *config.Config
	want := strings.TrimPrefix(config.Path, "/")
	err := walkLayer(l, func(name string, _ *tar.Header, r io.Reader) error {
		if name != want {
			return nil
		}
		var err error
		c, err = config.Decode(r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", config.Path, err)
	}
	if c == nil {
		return nil, fmt.Errorf("the config layer has no %s", config.Path)
	}
	return c, nil
}
