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
	"slices"
	"sort"
	"strings"

	"github.com/wispboot/wisp/limits"
)

//go:embed profiles/*.json
var embedded embed.FS

// ErrUnknownBoard is returned by Lookup for a name with no profile.
var ErrUnknownBoard = errors.New("unknown board")

// ErrProfileFile is returned by Lookup for a name that is a profile
// file: files are read only when the user names one on the command
// line (Load), never because an image label or a wisp.json says so.
var ErrProfileFile = errors.New("a board profile file is only read when named on the command line")

// Parse decodes a profile file the user named (see Load): unknown fields
// are rejected, every value is checked, and it may not pass arguments to
// QEMU. name is used in error messages (usually the file name).
func Parse(name string, r io.Reader) (*Profile, error) {
	p, err := parse(name, r, userFile)
	if err != nil {
		return nil, err
	}
	if slices.Contains(Names(), p.Name) {
		return nil, fmt.Errorf("board profile %s: name %q is a built-in board's; give the board a name of its own", name, p.Name)
	}
	return p, nil
}

func parse(name string, r io.Reader, from trust) (*Profile, error) {
	dec := json.NewDecoder(limits.Reader(r, "board profile "+name, limits.Profile))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("board profile %s: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("board profile %s: trailing data after the JSON object", name)
	}
	if err := p.validate(from); err != nil {
		return nil, fmt.Errorf("board profile %s: %w", name, err)
	}
	return &p, nil
}

// Load reads a profile from a file the user named on the command line.
func Load(file string) (*Profile, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("reading board profile: %w", err)
	}
	defer f.Close()
	return Parse(file, f)
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
		p, err := parse(f, bytes.NewReader(b), builtIn)
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

// Lookup returns the built-in profile called name. It never reads a
// file: a name that looks like one is refused with ErrProfileFile.
func Lookup(name string) (*Profile, error) {
	ps, err := All()
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
	}
	if strings.HasSuffix(name, ".json") || strings.Contains(name, "/") {
		return nil, fmt.Errorf("board %q: %w (--target FILE)", name, ErrProfileFile)
	}
	return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownBoard, name, strings.Join(Names(), ", "))
}
