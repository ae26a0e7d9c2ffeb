package layers

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// Modules is the selection of a board's modules from a base.
type Modules struct {
	mutate.Addendum
	// Load is the absolute paths of the .ko files, in load order.
	Load []string
}

// SelectModules reads a base's modules layer and returns a layer holding
// only the named modules and their dependency closure, with a modules.dep
// for them. Built-in names are skipped. The modules layer is read twice
// (its index is at the end), streaming; callers cache the result.
func SelectModules(modules v1.Layer, names []string) (*Modules, error) {
	src, err := modules.Digest()
	if err != nil {
		return nil, err
	}
	ix := newModuleIndex()
	var version string
	err = walkLayer(modules, func(name string, h *tar.Header, r io.Reader) error {
		v, rel, ok := cutModulesDir(name)
		if !ok {
			return nil
		}
		version = v
		switch rel {
		case "modules.dep":
			return ix.readDep(r)
		case "modules.builtin":
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
	var files []File
	err = walkLayer(modules, func(name string, h *tar.Header, r io.Reader) error {
		if _, rel, ok := cutModulesDir(name); ok && want[rel] {
			b, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			files = append(files, Bytes(name, 0o644, b))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading modules: %w", err)
	}
	var dep bytes.Buffer
	if err := sel.writeDep(&dep); err != nil {
		return nil, err
	}
	files = append(files, Bytes("lib/modules/"+version+"/modules.dep", 0o644, dep.Bytes()))
	asked := strings.Join(slices.Sorted(slices.Values(names)), ",")
	add, err := addendum(RoleModules, "modules "+asked, files...)
	if err != nil {
		return nil, err
	}
	add.Annotations[AnnotationModules] = asked
	add.Annotations[AnnotationSource] = src.String()
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

// walkLayer calls f for each regular file of a layer, with its clean
// relative path.
func walkLayer(l v1.Layer, f func(name string, h *tar.Header, r io.Reader) error) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := f(strings.TrimPrefix(path.Clean("/"+h.Name), "/"), h, tr); err != nil {
			return err
		}
	}
}
