package layers

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/limits"
)

// Binary is the app layer: the file at src, installed at dest (absolute,
// e.g. /app/svc) with mode 0755.
func Binary(src, dest string, opts ...LayerOption) (mutate.Addendum, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("binary: %w", err)
	}
	f := File{Path: dest, Mode: 0o755, Size: fi.Size(), Open: func() (io.ReadCloser, error) { return os.Open(src) }}
	l, err := Layer([]File{f}, opts...)
	if err != nil {
		return mutate.Addendum{}, fmt.Errorf("building app layer: %w", err)
	}
	return roleAddendum(RoleApp, "app "+dest, l), nil
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
	return roleAddendum(r, what, l), nil
}

func roleAddendum(r Role, what string, l v1.Layer) mutate.Addendum {
	return Annotated(r, l, "wisp: "+path.Clean(what))
}

// Annotated is l as an addendum with role r, its history saying
// createdBy, at epoch.Time().
func Annotated(r Role, l v1.Layer, createdBy string) mutate.Addendum {
	return mutate.Addendum{
		Layer:       l,
		Annotations: map[string]string{AnnotationRole: string(r)},
		History:     v1.History{Created: v1.Time{Time: epoch.Time()}, CreatedBy: createdBy},
	}
}

// ReadConfig reads /etc/wisp/config.json from a config layer.
func ReadConfig(ctx context.Context, l v1.Layer) (*config.Config, error) {
	var c *config.Config
	want := strings.TrimPrefix(config.Path, "/")
	err := Walk(ctx, l, func(name string, h *tar.Header, r io.Reader) error {
		if name != want {
			return nil
		}
		if err := limits.Check(config.Path, h.Size, limits.ApplianceConfig); err != nil {
			return err
		}
		var err error
		c, err = config.Decode(limits.Reader(r, config.Path, limits.ApplianceConfig))
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
