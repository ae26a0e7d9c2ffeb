package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/limits"
	"github.com/wispboot/wisp/oci"
)

// wisp.json sets the flags of wisp build and wisp run by their keys:
// internal/settings declares both, and generates docs/wisp.schema.json.
//
// A wisp.json usually arrives with a cloned repository, so it is trusted
// only as far as each setting's file kind says (docs/security.md): it
// sets the appliance's settings; the files it names stay inside its
// directory; it names boards only among the built-in ones. What could
// run a program, read or write elsewhere or weaken transport security is
// for the command line only (commandLineOnly).

// commandLineOnly are keys a wisp.json may not have, with the reason.
var commandLineOnly = map[string]string{
	"insecure":         "registry security is decided on the command line (--insecure-registry HOST)",
	"insecureRegistry": "registry security is decided on the command line (--insecure-registry HOST)",
	"qemuArgs":         "QEMU arguments can read host files and run programs; give them on the command line (--qemu-arg)",
	"cache":            "the store is chosen on the command line (--cache)",
}

// readWispFile decodes wisp.json strictly: an unknown key or a value of
// the wrong type is an error naming its JSON path.
func readWispFile(file string) (map[string][]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("-f: %w", err)
	}
	b, err := limits.ReadAll(f, file, limits.Profile)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("-f: %w", err)
	}
	return parseWispFile(file, b)
}

// parseWispFile decodes the bytes of wisp.json, named file in errors,
// into the values each key's flag takes.
func parseWispFile(file string, b []byte) (map[string][]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, jsonError(err))
	}
	values := map[string][]string{}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if why, ok := commandLineOnly[k]; ok {
			return nil, fmt.Errorf("%s: $.%s is not allowed in wisp.json: %s", file, k, why)
		}
		f, ok := settings.Lookup(k)
		if !ok {
			return nil, fmt.Errorf("%s: unknown key $.%s (see docs/wisp.schema.json)", file, k)
		}
		vs, err := flagValues(f, raw[k])
		if err != nil {
			return nil, fmt.Errorf("%s: $.%s: %w", file, k, err)
		}
		values[k] = vs
	}
	return values, nil
}

// flagValues decodes a key's value, of the JSON type its setting has,
// into flag values: a list for a repeatable flag, K=V for a map, "" for
// caCerts: true (the flag's own default, the host's bundle).
func flagValues(f settings.Field, raw json.RawMessage) ([]string, error) {
	switch {
	case f.File == "caBundle":
		var on bool
		var path string
		switch {
		case json.Unmarshal(raw, &on) == nil && on:
			return []string{""}, nil
		case json.Unmarshal(raw, &path) == nil && path != "":
			return []string{path}, nil
		}
		return nil, errors.New("want true or a file name")
	case f.File == "map":
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, jsonError(err)
		}
		var kvs []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			kvs = append(kvs, k+"="+m[k])
		}
		return kvs, nil
	case f.Type.Kind() == reflect.Bool:
		var v bool
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, jsonError(err)
		}
		return []string{strconv.FormatBool(v)}, nil
	case f.Type.Kind() == reflect.Slice:
		var v []string
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, jsonError(err)
		}
		return v, nil
	}
	var v string // strings, and durations like "60s"
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, jsonError(err)
	}
	return []string{v}, nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return fmt.Errorf("$.%s: want %s, not %s", te.Field, te.Type, te.Value)
	case errors.As(err, &te):
		return fmt.Errorf("want %s, not %s", te.Type, te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	return err
}

// applyWispFile sets every flag of fs that the command line did not set
// from the file. Repeatable flags take the file's list when not given.
func applyWispFile(fs *pflag.FlagSet, file string) error {
	values, err := readWispFile(file)
	if err != nil {
		return err
	}
	dir := filepath.Dir(file)
	for _, key := range slices.Sorted(maps.Keys(values)) {
		f, _ := settings.Lookup(key)
		fl := fs.Lookup(f.Flag)
		if fl == nil || fl.Changed {
			continue // a flag of the other command (run's --forward in build), or given
		}
		for _, v := range values[key] {
			v, err := fileValue(dir, f.File, v)
			if err != nil {
				return fmt.Errorf("%s: $.%s: %w", file, key, err)
			}
			if v == "" && f.File == "caBundle" {
				v = fl.NoOptDefVal
			}
			if err := fs.Set(f.Flag, v); err != nil {
				return fmt.Errorf("%s: $.%s: %w", file, key, err)
			}
		}
	}
	return nil
}

// fileValue checks a wisp.json value of a file kind (settings.Field.File)
// and returns what the flag gets: paths joined to the file's directory.
func fileValue(dir, kind, v string) (string, error) {
	switch {
	case kind == "board":
		if _, err := boards.Lookup(v); err != nil {
			return "", fmt.Errorf("%q is not a built-in board (%s): a profile file is used only when named on the command line, --target FILE.json", v, strings.Join(boards.Names(), ", "))
		}
		return v, nil
	case kind == "caBundle" && v == "", kind == "", kind == "map":
		return v, nil
	case kind == "pathOrRef" && oci.IsRegistryRef(v):
		if _, err := os.Lstat(v); err == nil {
			return "", fmt.Errorf("%q is both a registry reference and a file in the current directory: write a path relative to wisp.json, or name it on the command line", v)
		}
		return v, nil
	}
	return inside(dir, v)
}

// inside returns rel joined to dir if it stays there: not absolute, no
// "..", and no symbolic link on the way that leads out.
func inside(dir, rel string) (string, error) {
	clean := filepath.Clean(rel)
	switch {
	case rel == "":
		return "", fmt.Errorf("the path is empty")
	case filepath.IsAbs(rel):
		return "", fmt.Errorf("%q is absolute: wisp.json names files inside its own directory; give others on the command line", rel)
	case clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)):
		return "", fmt.Errorf("%q leaves wisp.json's directory: give such paths on the command line", rel)
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	full := filepath.Join(dir, clean)
	real, err := realPath(full)
	if err != nil {
		return "", err
	}
	if r, err := filepath.Rel(root, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%q leads out of wisp.json's directory through a symbolic link (to %s): give such paths on the command line", rel, real)
	}
	return full, nil
}

// realPath resolves the symbolic links of the longest part of p that
// exists, and keeps the rest as it is (an output directory to be made).
func realPath(p string) (string, error) {
	rest := ""
	for {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", err
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
