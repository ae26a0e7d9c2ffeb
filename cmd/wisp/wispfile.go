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
	Insecure      *bool             `json:"insecure,omitempty"`
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
	Layers        []string          `json:"layers,omitempty"`
	CACerts       json.RawMessage   `json:"caCerts,omitempty"` // true (the host's bundle) or a file
	Forward       []string          `json:"forward,omitempty"`
	Accel         string            `json:"accel,omitempty"`
	Timeout       string            `json:"timeout,omitempty"`
	QEMUArgs      []string          `json:"qemuArgs,omitempty"`
}

// fileFlags maps wisp.json keys to flag names, and says which hold paths
// (resolved relative to the file unless they are registry references).
var fileFlags = map[string]struct {
	flag string
	path bool
}{
	"target": {"target", true}, "binary": {"binary", true}, "binaryPath": {"binary-path", false},
	"base": {"base", false}, "init": {"init", false}, "tag": {"tag", false}, "out": {"out", true},
	"push": {"push", false}, "pull": {"pull", false}, "insecure": {"insecure", false},
	"hostname": {"hostname", false}, "dhcp": {"dhcp", false}, "ip": {"ip", false},
	"gateway": {"gateway", false}, "dns": {"dns", false}, "search": {"search", false},
	"ntp": {"ntp", false}, "user": {"user", false}, "capabilities": {"cap", false},
	"args": {"arg", false}, "env": {"env", false}, "sysctls": {"sysctl", false},
	"cmdlineAppend": {"cmdline-append", false}, "tmpSize": {"tmp-size", false},
	"layers": {"layer", true}, "caCerts": {"ca-certs", true},
	"forward": {"forward", false}, "accel": {"accel", false}, "timeout": {"timeout", false},
	"qemuArgs": {"qemu-arg", false},
}

// readWispFile decodes wisp.json strictly: an unknown key or a value of
// the wrong type is an error naming its JSON path.
func readWispFile(file string) (map[string]any, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("-f: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, jsonError(err))
	}
	for k := range raw {
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
			if m.path && v != "" && !filepath.IsAbs(v) && !oci.IsRegistryRef(v) && !(key == "target" && !strings.HasSuffix(v, ".json")) {
				v = filepath.Join(dir, v)
			}
			if v == "" && key == "caCerts" {
				v = fl.NoOptDefVal
			}
			if err := fs.Set(m.flag, v); err != nil {
				return fmt.Errorf("%s: $.%s: %w", file, key, err)
			}
		}
	}
	return nil
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
