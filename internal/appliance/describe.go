package appliance

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/layers"
)

// Description is what wisp inspect shows of a wisp image.
type Description struct {
	Ref           string          `json:"ref"`
	Digest        string          `json:"digest"`
	Kind          string          `json:"kind"`
	Board         string          `json:"board,omitempty"`
	Platform      string          `json:"platform"`
	KernelVersion string          `json:"kernelVersion,omitempty"`
	Cmdline       string          `json:"cmdline,omitempty"`
	Base          string          `json:"base,omitempty"`
	Binary        string          `json:"binary,omitempty"`
	Init          string          `json:"init,omitempty"`
	WispVersion   string          `json:"wispVersion,omitempty"`
	Layers        []LayerInfo     `json:"layers"`
	Entrypoint    []string        `json:"entrypoint,omitempty"`
	Args          []string        `json:"args,omitempty"`
	Env           []string        `json:"env,omitempty"`
	User          *config.User    `json:"user,omitempty"`
	Hostname      string          `json:"hostname,omitempty"`
	Network       *config.Network `json:"network,omitempty"`
	Modules       []string        `json:"modules,omitempty"`
	Capabilities  []string        `json:"capabilities,omitempty"`
	Sysctls       []config.Sysctl `json:"sysctls,omitempty"`
	TmpSize       string          `json:"tmpSize,omitempty"`
	TmpExec       bool            `json:"tmpExec,omitempty"`
	Clock         *config.Clock   `json:"clock,omitempty"`
}

// LayerInfo is one layer of a Description.
type LayerInfo struct {
	Role   string `json:"role"`
	Digest string `json:"digest"`
	Size   int64  `json:"size"`
}

// Describe reads a wisp image's labels, layers and, for an appliance, the
// configuration in its config layer.
func Describe(ctx context.Context, img v1.Image, ref string) (*Description, error) {
	d, err := img.Digest()
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	l := cf.Config.Labels
	desc := &Description{
		Ref: ref, Digest: d.String(), Kind: l[layers.LabelKind], Board: l[layers.LabelBoard],
		Platform:      platformString(cf),
		KernelVersion: l[layers.LabelKernelVersion], Cmdline: l[layers.LabelCmdline],
		Base: l[layers.LabelBase], Binary: l[layers.LabelBinary], Init: l[layers.LabelInit],
		WispVersion: l[layers.LabelVersion],
	}
	for _, ld := range m.Layers {
		desc.Layers = append(desc.Layers, LayerInfo{Role: ld.Annotations[layers.AnnotationRole], Digest: ld.Digest.String(), Size: ld.Size})
	}
	if desc.Kind != layers.KindAppliance {
		return desc, nil
	}
	add, err := compose.RoleLayer(img, layers.RoleConfig)
	if err != nil {
		return nil, err
	}
	c, err := layers.ReadConfig(ctx, add.Layer)
	if err != nil {
		return nil, err
	}
	desc.Entrypoint = []string{c.Exec.Path}
	desc.Args = c.Exec.Args[1:]
	desc.Env, desc.User, desc.Hostname, desc.Network, desc.Modules = c.Exec.Env, &c.User, c.Hostname, c.Network, c.Modules
	desc.Capabilities, desc.Sysctls, desc.TmpSize, desc.TmpExec, desc.Clock = c.Capabilities, c.Sysctls, c.TmpSize, c.TmpExec, &c.Clock
	return desc, nil
}

func platformString(cf *v1.ConfigFile) string {
	s := cf.OS + "/" + cf.Architecture
	if cf.Variant != "" {
		s += "/" + cf.Variant
	}
	return s
}
