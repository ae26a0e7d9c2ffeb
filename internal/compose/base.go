package compose

import (
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/internal/epoch"
	"github.com/wispboot/wisp/layers"
)

// ErrNotBase is returned when an image is not a wisp base for the board.
var ErrNotBase = errors.New("not a wisp base")

// CheckBase insists on a wisp base for the board and returns its config.
func CheckBase(img v1.Image, ref string, p *boards.Profile) (*v1.ConfigFile, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", ref, err)
	}
	if l := cf.Config.Labels; l[layers.LabelKind] != layers.KindBase || l[layers.LabelBoard] != p.Name {
		return nil, fmt.Errorf("%s: %w for %s (its labels say kind %q, board %q)", ref, ErrNotBase, p.Name, l[layers.LabelKind], l[layers.LabelBoard])
	}
	return cf, nil
}

// BaseLayers returns the base's firmware and kernel layers, as addenda
// keeping their annotations, and its modules layer, which an appliance
// does not keep whole.
func BaseLayers(base v1.Image, ref string) ([]mutate.Addendum, v1.Layer, error) {
	m, err := base.Manifest()
	if err != nil {
		return nil, nil, err
	}
	ls, err := base.Layers()
	if err != nil {
		return nil, nil, err
	}
	var keep []mutate.Addendum
	var modules v1.Layer
	for i, d := range m.Layers {
		switch layers.Role(d.Annotations[layers.AnnotationRole]) {
		case layers.RoleFirmware, layers.RoleKernel:
			keep = append(keep, mutate.Addendum{Layer: ls[i], Annotations: d.Annotations, History: v1.History{
				Created: v1.Time{Time: epoch.Time()}, CreatedBy: "wisp: from base " + d.Annotations[layers.AnnotationRole]}})
		case layers.RoleModules:
			modules = ls[i]
		}
	}
	if len(keep) == 0 || modules == nil {
		return nil, nil, fmt.Errorf("base %s: %w: it lacks a kernel or modules layer", ref, ErrNotBase)
	}
	return keep, modules, nil
}

// RoleLayer returns the one layer of img with the role, keeping its
// annotations.
func RoleLayer(img v1.Image, role layers.Role) (mutate.Addendum, error) {
	m, err := img.Manifest()
	if err != nil {
		return mutate.Addendum{}, err
	}
	ls, err := img.Layers()
	if err != nil {
		return mutate.Addendum{}, err
	}
	for i, d := range m.Layers {
		if layers.Role(d.Annotations[layers.AnnotationRole]) == role {
			return mutate.Addendum{Layer: ls[i], Annotations: d.Annotations, History: v1.History{
				Created: v1.Time{Time: epoch.Time()}, CreatedBy: "wisp: " + string(role) + " from an image"}}, nil
		}
	}
	return mutate.Addendum{}, fmt.Errorf("the image has no layer annotated %s=%s", layers.AnnotationRole, role)
}
