package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/limits"
	"github.com/wispboot/wisp/oci"
)

// wispFile is wisp.json: every flag of wisp build and wisp run, by name.
// docs/wisp.schema.json describes it (a test keeps the two in step).
type wispFile struct {
	Target        string            `json:"target,omitempty"`
	Binary        string            `json:"binary,omitempty"`
	BinaryPath    string            `json:"binaryPath,omitempty"`
	Base          string            `json:"base,omitempty"`
	Init          string            `json:"init,omitempty"`
	Tag           string            `json:"tag,omitempty"`
	Out           string            `json:"out,omitempty"`
	Push          string            `json:"push,omitempty"`
	Pull          string            `json:"pull,omitempty"`
	Hostname      string            `json:"hostname,omitempty"`
	DHCP          *bool             `json:"dhcp,omitempty"`
	IP            []string          `json:"ip,omitempty"`
	Gateway       []string          `json:"gateway,omitempty"`
	DNS           []string          `json:"dns,omitempty"`
	Search        []string          `json:"search,omitempty"`
	NTP           []string          `json:"ntp,omitempty"`
	User          string            `json:"user,omitempty"`
	Capabilities  []string          `json:"capabilities,omitempty"`
	Args          []string          `json:"args,omitempty"`
	Env           map[string]string `json:"env,omitempty"`
	Sysctls       map[string]string `json:"sysctls,omitempty"`
	CmdlineAppend string            `json:"cmdlineAppend,omitempty"`
	TmpSize       string            `json:"tmpSize,omitempty"`
	TmpExec       *bool             `json:"tmpExec,omitempty"`
	Layers        []string          `json:"layers,omitempty"`
	CACerts       json.RawMessage   `json:"caCerts,omitempty"` // true (the host's bundle) or a file
	Forward       []string          `json:"forward,omitempty"`
	Accel         string            `json:"accel,omitempty"`
	Timeout       string            `json:"timeout,omitempty"`
}

// A wisp.json usually arrives with a cloned repository, so it is trusted
// only as far as this table says (docs/security.md): it sets the
// appliance's settings; the files it names stay inside its directory; it
// names boards only among the built-in ones. What could run a program,
// read or write elsewhere or weaken transport security is for the
// command line only (commandLineOnly).

// valueKind is what a wisp.json key holds.
type valueKind int

const (
	setting   valueKind = iota // a plain value the flag checks
	filePath                   // a file or directory inside wisp.json's directory
	pathOrRef                  // such a path, or a registry reference
	builtIn                    // a built-in board's name
	caBundle                   // true (the host's CA bundle) or a path
)

// fileFlags maps wisp.json keys to flag names and what they hold.
var fileFlags = map[string]struct {
	flag string
	kind valueKind
}{
	"target": {"target", builtIn}, "binary": {"binary", pathOrRef}, "binaryPath": {"binary-path", setting},
	"base": {"base", setting}, "init": {"init", setting}, "tag": {"tag", setting}, "out": {"out", filePath},
	"push": {"push", setting}, "pull": {"pull", setting},
	"hostname": {"hostname", setting}, "dhcp": {"dhcp", setting}, "ip": {"ip", setting},
	"gateway": {"gateway", setting}, "dns": {"dns", setting}, "search": {"search", setting},
	"ntp": {"ntp", setting}, "user": {"user", setting}, "capabilities": {"cap", setting},
	"args": {"arg", setting}, "env": {"env", setting}, "sysctls": {"sysctl", setting},
	"cmdlineAppend": {"cmdline-append", setting}, "tmpSize": {"tmp-size", setting}, "tmpExec": {"tmp-exec", setting},
	"layers": {"layer", pathOrRef}, "caCerts": {"ca-certs", caBundle},
	"forward": {"forward", setting}, "accel": {"accel", setting}, "timeout": {"timeout", setting},
}

// commandLineOnly are keys a wisp.json may not have, with the reason.
var commandLineOnly = map[string]string{
	"insecure":         "registry security is decided on the command line (--insecure-registry HOST)",
	"insecureRegistry": "registry security is decided on the command line (--insecure-registry HOST)",
	"qemuArgs":         "QEMU arguments can read host files and run programs; give them on the command line (--qemu-arg)",
	"cache":            "the store is chosen on the command line (--cache)",
}

// readWispFile decodes wisp.json strictly: an unknown key or a value of
// the wrong type is an error naming its JSON path.
func readWispFile(file string) (map[string]any, error) {
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

// parseWispFile decodes the bytes of wisp.json, named file in errors.
func parseWispFile(file string, b []byte) (map[string]any, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, jsonError(err))
	}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if why, ok := commandLineOnly[k]; ok {
			return nil, fmt.Errorf("%s: $.%s is not allowed in wisp.json: %s", file, k, why)
		}
		if _, ok := fileFlags[k]; !ok {
			return nil, fmt.Errorf("%s: unknown key $.%s (see docs/wisp.schema.json)", file, k)
		}
	}
	var wf wispFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wf); err != nil {
		return nil, fmt.Errorf("%s: %w", file, jsonError(err))
	}
	values := map[string]any{}
	rv := reflect.ValueOf(wf)
	for i := 0; i < rv.NumField(); i++ {
		key, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
		if _, set := raw[key]; set {
			values[key] = rv.Field(i).Interface()
		}
	}
	if c, ok := raw["caCerts"]; ok {
		var on bool
		var path string
		switch {
		case json.Unmarshal(c, &on) == nil && on:
			values["caCerts"] = "" // the flag's own default: the host's bundle
		case json.Unmarshal(c, &path) == nil && path != "":
			values["caCerts"] = path
		default:
			return nil, fmt.Errorf("%s: $.caCerts: want true or a file name", file)
		}
	}
	return values, nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fmt.Errorf("$.%s: want %s, not %s", te.Field, te.Type, te.Value)
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
		m := fileFlags[key]
		fl := fs.Lookup(m.flag)
		if fl == nil || fl.Changed {
			continue // a flag of the other command (run's --forward in build), or given
		}
		for _, v := range strs(values[key]) {
			v, err := fileValue(dir, m.kind, v)
			if err != nil {
				return fmt.Errorf("%s: $.%s: %w", file, key, err)
			}
			if v == "" && m.kind == caBundle {
				v = fl.NoOptDefVal
			}
			if err := fs.Set(m.flag, v); err != nil {
				return fmt.Errorf("%s: $.%s: %w", file, key, err)
			}
		}
	}
	return nil
}

// fileValue checks a wisp.json value of kind and returns what the flag
// gets: paths joined to the file's directory.
func fileValue(dir string, kind valueKind, v string) (string, error) {
	switch {
	case kind == builtIn:
		if _, err := boards.Lookup(v); err != nil {
			return "", fmt.Errorf("%q is not a built-in board (%s): a profile file is used only when named on the command line, --target FILE.json", v, strings.Join(boards.Names(), ", "))
		}
		return v, nil
	case kind == caBundle && v == "", kind == setting:
		return v, nil
	case kind == pathOrRef && oci.IsRegistryRef(v):
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

// strs flattens a wisp.json value into flag values.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case *bool:
		return []string{strconv.FormatBool(*v)}
	case map[string]string:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = k + "=" + v[k]
		}
		return out
	}
	return nil
}
