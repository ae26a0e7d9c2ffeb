package build

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// selection is what the store remembers of a modules selection.
type selection struct {
	Descriptor v1.Descriptor `json:"descriptor"`
	DiffID     v1.Hash       `json:"diffID"`
	History    v1.History    `json:"history"`
	Load       []string      `json:"load"`
}

// selectModules returns the board's modules layer cut from the base's
// modules layer, from the store's memo when it was cut before.
func selectModules(s *oci.Store, modules v1.Layer, names []string) (mutate.Addendum, []string, error) {
	src, err := modules.Digest()
	if err != nil {
		return mutate.Addendum{}, nil, err
	}
	key := "modules\x00" + src.String() + "\x00" + strings.Join(names, ",")
	var sel selection
	if ok, err := s.Memo(key, &sel); err != nil {
		return mutate.Addendum{}, nil, err
	} else if ok {
		if l, err := s.Layer(sel.Descriptor, sel.DiffID); err == nil {
			return mutate.Addendum{Layer: l, Annotations: sel.Descriptor.Annotations, History: sel.History}, sel.Load, nil
		}
	}
	m, err := layers.SelectModules(modules, names)
	if err != nil {
		return mutate.Addendum{}, nil, fmt.Errorf("selecting modules: %w", err)
	}
	if err := s.WriteLayer(m.Layer); err != nil {
		return mutate.Addendum{}, nil, err
	}
	sel = selection{History: m.History, Load: m.Load}
	if sel.DiffID, err = m.Layer.DiffID(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	if sel.Descriptor.Digest, err = m.Layer.Digest(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	if sel.Descriptor.Size, err = m.Layer.Size(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	if sel.Descriptor.MediaType, err = m.Layer.MediaType(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	sel.Descriptor.Annotations = m.Annotations
	if err := s.SetMemo(key, sel); err != nil {
		return mutate.Addendum{}, nil, err
	}
	return m.Addendum, m.Load, nil
}
