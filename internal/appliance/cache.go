package appliance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/internal/kernelpkg"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// The layers a build derives rather than takes are remembered in the
// store (oci memos), so that a warm build neither reads a base's module
// tree again nor compresses the same init again. The key of each names
// every input of the layer, with layers.Format (how wisp writes layers:
// a change of compressor or level makes them anew rather than mixing
// formats); the image is the same whether the layer came from the memo
// or not. Figures: bench/notes.md.

// moduleCutKey names a board's modules layer cut from a base's: it
// depends on the base's layer, the board's module list and whether the
// signatures are cut off (stripModuleSignatures), nothing else. Saved:
// reading the base's whole module tree on every build.
type moduleCutKey struct {
	Format   string   `json:"format"` // layers.Format
	Kind     string   `json:"kind"`   // "modules"
	Source   v1.Hash  `json:"source"` // the base's modules layer
	Modules  []string `json:"modules"`
	Unsigned bool     `json:"unsigned,omitempty"`
}

// initKey names the layer of an init binary, by its SHA-256. Saved:
// compressing the init on every build.
type initKey struct {
	Format string `json:"format"` // layers.Format
	Kind   string `json:"kind"`   // "init"
	Binary string `json:"binary"` // hex SHA-256 of the init binary
}

// rememberedLayer is what the store keeps of a derived layer, so that it
// is not derived again: the modules cut from a base, the init layer.
type rememberedLayer struct {
	Descriptor v1.Descriptor `json:"descriptor"`
	DiffID     v1.Hash       `json:"diffID"`
	History    v1.History    `json:"history"`
	Load       []string      `json:"load,omitempty"` // modules: load order
}

// remember returns the layer remembered under key, or makes it, stores
// its blob and remembers it. The result is the same either way, so images
// do not depend on the state of the cache.
func remember(s *oci.Store, key any, make func() (mutate.Addendum, []string, error)) (mutate.Addendum, []string, error) {
	var r rememberedLayer
	if ok, err := s.Memo(key, &r); err != nil {
		return mutate.Addendum{}, nil, err
	} else if ok {
		if l, err := s.Layer(r.Descriptor, r.DiffID); err == nil {
			return mutate.Addendum{Layer: l, Annotations: r.Descriptor.Annotations, History: r.History}, r.Load, nil
		}
	}
	add, load, err := make()
	if err != nil {
		return mutate.Addendum{}, nil, err
	}
	if err := s.WriteLayer(add.Layer); err != nil {
		return mutate.Addendum{}, nil, err
	}
	r = rememberedLayer{History: add.History, Load: load}
	if r.DiffID, err = add.Layer.DiffID(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	if r.Descriptor.Digest, err = add.Layer.Digest(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	if r.Descriptor.Size, err = add.Layer.Size(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	if r.Descriptor.MediaType, err = add.Layer.MediaType(); err != nil {
		return mutate.Addendum{}, nil, err
	}
	r.Descriptor.Annotations = add.Annotations
	return add, load, s.SetMemo(key, r)
}

// selectModules returns the board's modules layer cut from the base's
// modules layer, from the store's memo when it was cut before.
func selectModules(ctx context.Context, s *oci.Store, modules v1.Layer, names []string, strip bool) (mutate.Addendum, []string, error) {
	src, err := modules.Digest()
	if err != nil {
		return mutate.Addendum{}, nil, err
	}
	key := moduleCutKey{Format: layers.Format, Kind: "modules", Source: src, Modules: names, Unsigned: strip}
	var opts []kernelpkg.SelectOption
	if strip {
		opts = append(opts, kernelpkg.WithoutSignatures())
	}
	return remember(s, key, func() (mutate.Addendum, []string, error) {
		m, err := kernelpkg.SelectModules(ctx, modules, names, opts...)
		if err != nil {
			return mutate.Addendum{}, nil, fmt.Errorf("selecting modules: %w", err)
		}
		return m.Addendum, m.Load, nil
	})
}

// binaryInitLayer returns the layer of an init binary, remembered by the
// binary's hash so that the same init is not compressed again.
func binaryInitLayer(s *oci.Store, bin []byte) (mutate.Addendum, error) {
	sum := sha256.Sum256(bin)
	add, _, err := remember(s, initKey{Format: layers.Format, Kind: "init", Binary: hex.EncodeToString(sum[:])}, func() (mutate.Addendum, []string, error) {
		add, err := layers.Init(bin)
		return add, nil, err
	})
	return add, err
}
