package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// env is what the sections share: paths, and the bases, apps and builds
// that several of them need, made once on first use.
type env struct {
	repo  string // the wisp repository (absolute)
	wisp  string // its bin/wisp
	tmp   string // scratch, removed at the end
	cache string // kept between runs: ${XDG_CACHE_HOME:-~/.cache}/wisp-bench
	runs  int
	log   io.Writer

	debs    map[string]string // "amd64", "arm64", "riscv64", "firmware" → package path
	stores  map[string]string // board → a store holding its base
	imports map[string]sample // board → the import that filled stores[board]
	builds  map[string]*build // board → a build of the plain app
	apps    map[string]string // GOARCH → the plain app
	res     results
	nonce   atomic.Int64
}

// logf reports progress on stderr.
func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.log, "bench: "+format+"\n", args...)
}

// deb returns the path of a Debian package from the repository's scripts
// (kernel-deb ARCH, or firmware-deb for "firmware"), which download it once.
func (e *env) deb(ctx context.Context, which string) (string, error) {
	if p, ok := e.debs[which]; ok {
		return p, nil
	}
	s := step{name: filepath.Join(e.repo, "scripts/kernel-deb"), args: []string{which}, timeout: 20 * time.Minute}
	if which == "firmware" {
		s = step{name: filepath.Join(e.repo, "scripts/firmware-deb"), timeout: 20 * time.Minute}
	}
	r, err := run(ctx, s)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(string(r.stdout)), "\n")
	p := lines[len(lines)-1]
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s printed %q, not a package: %w", s.name, p, err)
	}
	e.debs[which] = p
	return p, nil
}

// importBase runs `wisp base import` for b into store and times it.
func (e *env) importBase(ctx context.Context, b board, store string) (sample, error) {
	kdeb, err := e.deb(ctx, b.goarch)
	if err != nil {
		return sample{}, err
	}
	args := []string{"--cache", store, "base", "import", "--target", b.name, "--kernel-deb", kdeb}
	if b.firmware {
		fw, err := e.deb(ctx, "firmware")
		if err != nil {
			return sample{}, err
		}
		args = append(args, "--firmware-deb", fw)
	}
	r, err := run(ctx, step{name: e.wisp, args: args, timeout: 10 * time.Minute})
	return r.sample, err
}

// base returns a store that holds b's base, importing it into an empty
// one the first time.
func (e *env) base(ctx context.Context, b board) (string, error) {
	if s, ok := e.stores[b.name]; ok {
		return s, nil
	}
	store := filepath.Join(e.tmp, "store-"+b.name)
	e.logf("importing the %s base", b.name)
	smp, err := e.importBase(ctx, b, store)
	if err != nil {
		return "", err
	}
	e.stores[b.name], e.imports[b.name] = store, smp
	return store, nil
}

// app links testdata/helloworld for goarch with greeting, into a new file
// (CGO_ENABLED=0, so it is static).
func (e *env) app(ctx context.Context, goarch, greeting string) (string, error) {
	dir := filepath.Join(e.tmp, fmt.Sprintf("app-%s-%d", goarch, e.nonce.Add(1)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "helloworld")
	_, err := run(ctx, step{name: "go", args: []string{"build", "-o", out, "-ldflags", "-X main.greeting=" + greeting, "./testdata/helloworld"},
		dir: e.repo, env: []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + goarch}, timeout: 5 * time.Minute})
	return out, err
}

// plainApp is the app with its default greeting, linked once per GOARCH.
func (e *env) plainApp(ctx context.Context, goarch string) (string, error) {
	if p, ok := e.apps[goarch]; ok {
		return p, nil
	}
	p, err := e.app(ctx, goarch, "hello")
	if err == nil {
		e.apps[goarch] = p
	}
	return p, err
}

// build is a `wisp build --json` of the plain app: its output directory
// and what wisp reported.
type build struct {
	out    string
	store  string
	report buildJSON
}

// buildJSON is the part of `wisp build --json` the harness reads.
type buildJSON struct {
	Tag       string `json:"tag"`
	Artifacts struct {
		Files []struct {
			Name string `json:"name"`
			Path string `json:"path"`
			Size int64  `json:"size"`
		} `json:"files"`
		Initrd struct {
			Entries    int   `json:"entries"`
			Bytes      int64 `json:"bytes"`
			BootFiles  int   `json:"bootFiles"`
			BootBytes  int64 `json:"bootBytes"`
			Compressed int64 `json:"compressed"`
		} `json:"initrd"`
	} `json:"artifacts"`
}

// file returns the path and size of the artifact called name.
func (b *build) file(name string) (string, int64, error) {
	for _, f := range b.report.Artifacts.Files {
		if f.Name == name {
			return filepath.Join(b.out, name), f.Size, nil
		}
	}
	return "", 0, fmt.Errorf("wisp build --json lists no %s in %s", name, b.out)
}

// plainBuild builds the plain app for b once (the first build on a base,
// which also makes wisp's module selection) and returns it.
func (e *env) plainBuild(ctx context.Context, b board) (*build, error) {
	if x, ok := e.builds[b.name]; ok {
		return x, nil
	}
	store, err := e.base(ctx, b)
	if err != nil {
		return nil, err
	}
	app, err := e.plainApp(ctx, b.goarch)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(e.tmp, "build-"+b.name)
	r, err := run(ctx, step{name: e.wisp, args: append(b.buildArgs(store, app), "--out", out, "--json"), timeout: 5 * time.Minute})
	if err != nil {
		return nil, err
	}
	x := &build{out: out, store: store}
	if err := json.Unmarshal(r.stdout, &x.report); err != nil {
		return nil, fmt.Errorf("reading wisp build --json: %w", err)
	}
	e.builds[b.name] = x
	return x, nil
}

// scratchModule returns the directory name in the bench cache, set up by
// the commands of setup on first use (again if an earlier setup did not
// finish), with a fresh copy of helloworld in its helloworld/.
func (e *env) scratchModule(ctx context.Context, name string, setup [][]string) (string, error) {
	dir := filepath.Join(e.cache, name)
	if _, err := os.Stat(filepath.Join(dir, ".ready")); err != nil {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		for _, c := range setup {
			if _, err := run(ctx, step{name: c[0], args: c[1:], dir: dir, timeout: 15 * time.Minute}); err != nil {
				return "", err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, ".ready"), nil, 0o644); err != nil {
			return "", err
		}
	}
	src, err := os.ReadFile(filepath.Join(e.repo, "testdata/helloworld/main.go"))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "helloworld"), 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "helloworld/main.go"), src, 0o644)
}
