package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// measureWisp is section 1: `wisp base import`, a cold build (empty store:
// import, then the first build) and warm builds (base in the store, the
// app relinked with a new greeting before each run) for qemu-amd64 and
// pi4.
func measureWisp(ctx context.Context, e *env, m *md) error {
	m.p("Each cold run starts from an empty store (`--cache` in a new directory): `wisp base import` of the " +
		"Debian packages, then the first `wisp build` on that base (which also selects the board's modules and " +
		"remembers the selection). Warm runs build on the imported base; before each \"app changed\" run the " +
		"app is relinked with `-ldflags -X main.greeting=<n>` (not timed), so its bytes really change. " +
		"Builds use `--ip/--gateway` and `--out DIR` unless noted.")
	for _, name := range []string{"qemu-amd64", "pi4"} {
		if err := measureWispBoard(ctx, e, m, boards[name]); err != nil {
			m.failed(name, err)
		}
	}
	return nil
}

func measureWispBoard(ctx context.Context, e *env, m *md, b board) error {
	e.logf("wisp %s: cold runs", b.name)
	app, err := e.plainApp(ctx, b.goarch)
	if err != nil {
		return err
	}
	var imports, firsts, colds series
	for i := range e.runs {
		store := filepath.Join(e.tmp, fmt.Sprintf("cold-%s-%d", b.name, i))
		out := filepath.Join(e.tmp, fmt.Sprintf("cold-%s-%d-out", b.name, i))
		keep := i == e.runs-1 && e.stores[b.name] == ""
		if keep {
			store, out = filepath.Join(e.tmp, "store-"+b.name), filepath.Join(e.tmp, "build-"+b.name)
		}
		imp, err := e.importBase(ctx, b, store)
		if err != nil {
			return err
		}
		r, err := run(ctx, step{name: e.wisp, args: append(b.buildArgs(store, app), "--out", out, "--json"), timeout: 5 * time.Minute})
		if err != nil {
			return err
		}
		imports, firsts = append(imports, imp), append(firsts, r.sample)
		colds = append(colds, sample{wall: imp.wall + r.wall, rss: max(imp.rss, r.rss)})
		if keep {
			x := &build{out: out, store: store}
			if err := json.Unmarshal(r.stdout, &x.report); err != nil {
				return fmt.Errorf("reading wisp build --json: %w", err)
			}
			e.stores[b.name], e.imports[b.name], e.builds[b.name] = store, imp, x
		} else {
			os.RemoveAll(store)
			os.RemoveAll(out)
		}
	}
	e.res.rss("base import", imports)
	e.res.rss("first build", firsts)

	e.logf("wisp %s: warm runs", b.name)
	x, err := e.plainBuild(ctx, b)
	if err != nil {
		return err
	}
	changed := func(extra ...string) (series, error) {
		var s series
		for range e.runs {
			app, err := e.app(ctx, b.goarch, fmt.Sprintf("warm-%d", e.nonce.Add(1)))
			if err != nil {
				return s, err
			}
			r, err := run(ctx, step{name: e.wisp, args: append(b.buildArgs(x.store, app), extra...), timeout: 5 * time.Minute})
			if err != nil {
				return s, err
			}
			s = append(s, r.sample)
		}
		return s, nil
	}
	warm, err := changed("--out", filepath.Join(e.tmp, "warm-"+b.name))
	if err != nil {
		return err
	}
	e.res.warm[b.name] = warm
	e.res.rss("warm build", warm)
	same, err := repeat(ctx, e.runs, step{name: e.wisp, args: append(b.buildArgs(x.store, e.apps[b.goarch]), "--out", x.out), timeout: 5 * time.Minute})
	if err != nil {
		return err
	}
	storeOnly, err := changed()
	if err != nil {
		return err
	}
	size := "?"
	if st, err := os.Stat(app); err == nil {
		size = mb(st.Size())
	}
	m.p("**%s** (app: helloworld for %s, %s static):", b.name, b.goarch, size)
	m.table([]string{"what", "-:time, median (min–max)", "-:peak RSS"}, [][]string{
		{"`wisp base import` (empty store)", imports.timeCell(), imports.rssCell()},
		{"first `wisp build` on the new base", firsts.timeCell(), firsts.rssCell()},
		{"cold total (import + first build)", colds.timeCell(), colds.rssCell()},
		{"**warm build, app changed**", warm.timeCell(), warm.rssCell()},
		{"warm build, same app again", same.timeCell(), same.rssCell()},
		{"warm build, app changed, no `--out` (image stored only)", storeOnly.timeCell(), storeOnly.rssCell()},
	})
	return nil
}

// repeat runs s n times and returns the samples.
func repeat(ctx context.Context, n int, s step) (series, error) {
	var out series
	for range n {
		r, err := run(ctx, s)
		if err != nil {
			return out, err
		}
		out = append(out, r.sample)
	}
	return out, nil
}
