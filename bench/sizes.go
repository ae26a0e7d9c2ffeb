package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// boardOrder is the order boards appear in the tables.
var boardOrder = []string{"qemu-amd64", "qemu-arm64", "qemu-riscv64", "pi4"}

// measureSizes is section 6: the artifacts of the plain builds (initrd
// compressed and not, the disk image), the layers of bases and appliances
// as `wisp inspect --json` lists them, and the embedded init binaries.
func measureSizes(ctx context.Context, e *env, m *md) error {
	for _, name := range []string{"qemu-amd64", "pi4"} {
		if _, err := e.plainBuild(ctx, boards[name]); err != nil {
			m.failed(name+" build", err)
		}
	}
	var art, lay [][]string
	for _, name := range boardOrder {
		x, ok := e.builds[name]
		if !ok {
			continue
		}
		in := x.report.Artifacts.Initrd
		var files []string
		for _, f := range x.report.Artifacts.Files {
			files = append(files, fmt.Sprintf("%s %s", f.Name, mb(f.Size)))
		}
		art = append(art, []string{name, mb(in.Compressed), mb(in.Bytes), strconv.Itoa(in.Entries), fmt.Sprintf("%d, %s", in.BootFiles, mb(in.BootBytes)), strings.Join(files, "; ")})
		base, err1 := layerSizes(ctx, e, x.store, "base-"+name+":latest")
		appl, err2 := layerSizes(ctx, e, x.store, x.report.Tag)
		if err1 != nil || err2 != nil {
			m.failed(name+" inspect", fmt.Errorf("%v %v", err1, err2))
			continue
		}
		lay = append(lay, []string{name, base["firmware"], base["kernel"], base["modules"], appl["modules"], appl["init"], appl["app"], appl["config"]})
	}
	m.p("Artifacts of a build of the plain helloworld, from `wisp build --json` (initrd: compressed as written, " +
		"uncompressed = the cpio's bytes; boot files are those outside the initrd):")
	m.table([]string{"board", "-:initrd", "-:initrd uncompressed", "-:entries", "-:boot files", "files written"}, art)
	m.p("Layers (compressed blob sizes, `wisp inspect --json`): the base's, and the appliance's own:")
	m.table([]string{"board", "-:base firmware", "-:base kernel", "-:base modules", "-:appliance modules (cut)", "-:init", "-:app", "-:config"}, lay)

	var inits [][]string
	for _, arch := range []string{"amd64", "arm64", "riscv64"} {
		st, err := os.Stat(filepath.Join(e.repo, "internal/initbin/bin/init-"+arch))
		if err != nil {
			m.failed("init-"+arch, err)
			continue
		}
		e.res.inits[arch] = st.Size()
		app := "not built"
		if p, ok := e.apps[arch]; ok {
			if st, err := os.Stat(p); err == nil {
				app = mb(st.Size())
			}
		}
		inits = append(inits, []string{arch, fmt.Sprintf("%s (%d bytes)", mb(st.Size()), st.Size()), app})
	}
	m.p("The init binaries embedded in wisp (`internal/initbin/bin/init-*`, stripped, as `make` builds them) and the " +
		"helloworld app (not stripped):")
	m.table([]string{"GOARCH", "-:init", "-:helloworld"}, inits)
	return nil
}

// layerSizes maps role → compressed size of the layers of ref in store.
func layerSizes(ctx context.Context, e *env, store, ref string) (map[string]string, error) {
	r, err := run(ctx, step{name: e.wisp, args: []string{"--cache", store, "inspect", ref, "--json"}, timeout: time.Minute})
	if err != nil {
		return nil, err
	}
	var v struct {
		Layers []struct {
			Role string `json:"role"`
			Size int64  `json:"size"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(r.stdout, &v); err != nil {
		return nil, fmt.Errorf("reading wisp inspect --json: %w", err)
	}
	out := map[string]string{"firmware": "–", "kernel": "–", "modules": "–", "init": "–", "app": "–", "config": "–"}
	for _, l := range v.Layers {
		out[l.Role] = mb(l.Size)
	}
	return out, nil
}
