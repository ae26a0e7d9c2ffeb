package boards

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

//go:embed profiles/*.json
var embedded embed.FS

// ErrUnknownBoard is returned by Lookup for a name with no profile.
var ErrUnknownBoard = errors.New("unknown board")

// Parse decodes one profile. Unknown fields are rejected; name is used in
// error messages (usually the file name).
func Parse(name string, r io.Reader) (*Profile, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("board profile %s: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("board profile %s: trailing data after the JSON object", name)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("board profile %s: %w", name, err)
	}
	return &p, nil
}

// Load reads a profile from a file.
func Load(file string) (*Profile, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading board profile: %w", err)
	}
	return Parse(file, bytes.NewReader(b))
}

// All returns the embedded profiles, sorted by name.
func All() ([]*Profile, error) {
	files, err := fs.Glob(embedded, "profiles/*.json")
	if err != nil {
		return nil, err
	}
	var ps []*Profile
	for _, f := range files {
		b, err := embedded.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := Parse(f, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(f), ".json"); p.Name != want {
			return nil, fmt.Errorf("board profile %s: name %q does not match the file name", f, p.Name)
		}
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return ps, nil
}

// Names returns the names of the embedded profiles.
func Names() []string {
	ps, _ := All()
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names
}

// Lookup returns the embedded profile called name, or, if name ends in
// .json, the profile in that file.
func Lookup(name string) (*Profile, error) {
	if strings.HasSuffix(name, ".json") {
		return Load(name)
	}
	ps, err := All()
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownBoard, name, strings.Join(Names(), ", "))
}
