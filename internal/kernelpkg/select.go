package kernelpkg

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/limits"
)

// Modules is the selection of a board's modules from a base.
type Modules struct {
	mutate.Addendum
	// Load is the absolute paths of the .ko files, in load order.
	Load []string
}

// SelectOption changes what SelectModules puts in the layer.
type SelectOption func(*selectOptions)

type selectOptions struct {
	stripSignatures bool
}

// WithoutSignatures removes the signature appended to each module
// (scripts/sign-file's PKCS#7 trailer). A kernel that does not enforce
// module signatures (no CONFIG_MODULE_SIG_FORCE, no module.sig_enforce,
// no lockdown) then loads the module without checking it — for Debian's
// amd64 virtio-net modules, 10.6 M guest instructions instead of 92.3 M
// (counted under QEMU with -icount) — and taints itself 'E' ("module
// verification failed" in its log). The default is to keep the
// signatures.
func WithoutSignatures() SelectOption {
	return func(o *selectOptions) { o.stripSignatures = true }
}

// SelectModules reads a base's modules layer and returns a layer holding
// only the named modules and their dependency closure, with a modules.dep
// for them. Built-in names are skipped. The modules layer is read twice
// (its index is at the end), streaming; callers cache the result.
func SelectModules(ctx context.Context, modules v1.Layer, names []string, opts ...SelectOption) (*Modules, error) {
	var o selectOptions
	for _, opt := range opts {
		opt(&o)
	}
	src, err := modules.Digest()
	if err != nil {
		return nil, err
	}
	ix := newModuleIndex()
	var version string
	err = layers.Walk(ctx, modules, func(name string, h *tar.Header, r io.Reader) error {
		v, rel, ok := cutModulesDir(name)
		if !ok {
			return nil
		}
		version = v
		switch rel {
		case "modules.dep", "modules.builtin":
			if err := limits.Check(name, h.Size, limits.ModuleIndex); err != nil {
				return err
			}
			if rel == "modules.dep" {
				return ix.readDep(r)
			}
			return ix.readBuiltin(r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the modules index: %w", err)
	}
	if version == "" {
		return nil, fmt.Errorf("the modules layer %s holds no lib/modules/<version>/", src)
	}
	order, err := ix.closure(names)
	if err != nil {
		return nil, fmt.Errorf("kernel %s: %w", version, err)
	}
	want := map[string]bool{}
	sel := newModuleIndex()
	for _, n := range order {
		want[ix.paths[n]] = true
		sel.paths[n], sel.deps[n] = ix.paths[n], ix.deps[n]
	}
	var files []layers.File
	found := map[string]bool{}
	budget := limits.Budget{What: "the modules of the closure of " + strings.Join(names, ", "), Limit: limits.SelectedModules}
	err = layers.Walk(ctx, modules, func(name string, h *tar.Header, r io.Reader) error {
		if _, rel, ok := cutModulesDir(name); ok && want[rel] && !found[rel] {
			if err := limits.Check("module "+name, h.Size, limits.Module); err != nil {
				return err
			}
			if err := budget.Spend(h.Size); err != nil {
				return err
			}
			found[rel] = true
			b, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			if o.stripSignatures {
				if b, err = stripSignature(b); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
			files = append(files, layers.Bytes(name, 0o644, b))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading modules: %w", err)
	}
	for _, n := range order {
		if !found[ix.paths[n]] {
			return nil, fmt.Errorf("modules.dep names %s for module %s, and the layer has no such file", ix.paths[n], n)
		}
	}
	var dep bytes.Buffer
	if err := sel.writeDep(&dep); err != nil {
		return nil, err
	}
	files = append(files, layers.Bytes("lib/modules/"+version+"/modules.dep", 0o644, dep.Bytes()))
	asked := strings.Join(slices.Sorted(slices.Values(names)), ",")
	created := "modules " + asked
	if o.stripSignatures {
		created += ", signatures removed"
	}
	l, err := layers.Layer(files)
	if err != nil {
		return nil, fmt.Errorf("building modules layer: %w", err)
	}
	add := layers.Annotated(layers.RoleModules, l, "wisp: "+created)
	add.Annotations[layers.AnnotationModules] = asked
	add.Annotations[layers.AnnotationSource] = src.String()
	m := &Modules{Addendum: add}
	for _, n := range order {
		m.Load = append(m.Load, "/lib/modules/"+version+"/"+ix.paths[n])
	}
	return m, nil
}

func cutModulesDir(name string) (version, rel string, ok bool) {
	rest, ok := strings.CutPrefix(name, "lib/modules/")
	if !ok {
		return "", "", false
	}
	version, rel, ok = strings.Cut(rest, "/")
	return version, rel, ok
}

// moduleSigMagic ends a signed module, after the signature and its
// 12-byte struct module_signature, whose last 4 bytes are the
// signature's length, big-endian (include/linux/module_signature.h).
const moduleSigMagic = "~Module signature appended~\n"

// stripSignature returns ko without its appended signature; a module
// without one is returned as it is.
func stripSignature(ko []byte) ([]byte, error) {
	body, ok := bytes.CutSuffix(ko, []byte(moduleSigMagic))
	if !ok {
		return ko, nil
	}
	const infoLen = 12
	if len(body) < infoLen {
		return nil, fmt.Errorf("module signature trailer is truncated")
	}
	sigLen := int64(binary.BigEndian.Uint32(body[len(body)-4:]))
	end := int64(len(body)) - infoLen - sigLen
	if end <= 0 {
		return nil, fmt.Errorf("module signature of %d bytes is longer than the module", sigLen)
	}
	return ko[:end], nil
}
