package kernelpkg

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/wispboot/wisp/limits"
)

// moduleIndex is the dependency graph of one kernel's modules, the content
// of modules.dep and modules.builtin.
type moduleIndex struct {
	paths   map[string]string   // name → path relative to lib/modules/<version>
	deps    map[string][]string // name → names it depends on
	builtin map[string]bool
}

func newModuleIndex() *moduleIndex {
	return &moduleIndex{paths: map[string]string{}, deps: map[string][]string{}, builtin: map[string]bool{}}
}

// moduleName is the kernel's name for a module file: the base name without
// .ko (and a compression suffix), dashes as underscores.
func moduleName(p string) string {
	b := path.Base(p)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		b = strings.TrimSuffix(b, ext)
	}
	return strings.ReplaceAll(strings.TrimSuffix(b, ".ko"), "-", "_")
}

// modinfoDepends reads the depends= entry of a module's .modinfo section.
func modinfoDepends(ko []byte) ([]string, error) {
	return modinfoDependsAt(bytes.NewReader(ko))
}

func modinfoDependsAt(ko io.ReaderAt) ([]string, error) {
	f, err := elf.NewFile(ko)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := f.Section(".modinfo")
	if s == nil {
		return nil, fmt.Errorf("no .modinfo section")
	}
	if err := limits.Check("the .modinfo section", int64(s.Size), limits.ModuleInfo); err != nil {
		return nil, err
	}
	b, err := s.Data()
	if err != nil {
		return nil, err
	}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte("depends=")); ok {
			var deps []string
			for _, d := range strings.Split(string(v), ",") {
				if d != "" {
					deps = append(deps, moduleName(d))
				}
			}
			return deps, nil
		}
	}
	return nil, nil
}

// closure returns the modules to load for roots, dependencies first.
// Built-in modules are skipped; unknown names are an error.
func (ix *moduleIndex) closure(roots []string) ([]string, error) {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var order []string
	var visit func(name string, from []string) error
	visit = func(name string, from []string) error {
		name = moduleName(name)
		switch {
		case state[name] == done:
			return nil
		case state[name] == visiting:
			return fmt.Errorf("module dependency cycle: %s", strings.Join(append(from, name), " → "))
		case ix.paths[name] == "" && ix.builtin[name]:
			state[name] = done
			return nil
		case ix.paths[name] == "":
			if len(from) > 0 {
				return fmt.Errorf("module %s needs %s, which is neither a module nor built in", from[len(from)-1], name)
			}
			return fmt.Errorf("module %q is neither in the base's modules nor built into its kernel", name)
		}
		state[name] = visiting
		for _, d := range ix.deps[name] {
			if err := visit(d, append(from, name)); err != nil {
				return err
			}
		}
		state[name] = done
		order = append(order, name)
		return nil
	}
	for _, r := range roots {
		if err := visit(r, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// writeDep writes modules.dep: for each module, sorted by path, its
// dependencies in the order modprobe expects (the last is loaded first).
func (ix *moduleIndex) writeDep(w io.Writer) error {
	names := make([]string, 0, len(ix.paths))
	for n := range ix.paths {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return ix.paths[names[i]] < ix.paths[names[j]] })
	bw := bufio.NewWriter(w)
	for _, n := range names {
		order, err := ix.closure(ix.deps[n])
		if err != nil {
			return fmt.Errorf("module %s: %w", n, err)
		}
		fmt.Fprintf(bw, "%s:", ix.paths[n])
		for i := len(order) - 1; i >= 0; i-- {
			fmt.Fprintf(bw, " %s", ix.paths[order[i]])
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}

// readDep adds the modules of a modules.dep file to the index.
func (ix *moduleIndex) readDep(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		mod, deps, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		if !isModulePath(mod) {
			return fmt.Errorf("modules.dep names %q, which is not a relative path to a .ko file", mod)
		}
		if len(ix.paths) >= limits.Modules {
			return limits.Count("modules.dep's module count", len(ix.paths)+1, limits.Modules, "modules")
		}
		name := moduleName(mod)
		ix.paths[name] = mod
		// modprobe loads the last listed dependency first.
		fields := strings.Fields(deps)
		ix.deps[name] = make([]string, len(fields))
		for i, d := range fields {
			if !isModulePath(d) {
				return fmt.Errorf("modules.dep names %q, which is not a relative path to a .ko file", d)
			}
			ix.deps[name][len(fields)-1-i] = moduleName(d)
		}
	}
	return sc.Err()
}

// isModulePath accepts what modules.dep may name: a clean relative path
// to a .ko file under lib/modules/<version>/.
func isModulePath(p string) bool {
	return strings.HasSuffix(p, ".ko") && !path.IsAbs(p) && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}

// readBuiltin adds the names listed in modules.builtin.
func (ix *moduleIndex) readBuiltin(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			ix.builtin[moduleName(l)] = true
		}
	}
	return sc.Err()
}
