package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// gokInstall is the one attempt to build gokrazy's gok from the module
// proxy. Here the proxy answers 403 for github.com/gokrazy/tools at every
// version and github.com is unreachable, so this fails; the section then
// reports the error instead of numbers.
var gokInstall = []string{"go", "install", "github.com/gokrazy/tools/cmd/gok@latest"}

func measureGokrazy(ctx context.Context, e *env, m *md) error {
	bin := filepath.Join(e.cache, "gokrazy", "bin")
	e.logf("gokrazy: %s", strings.Join(gokInstall, " "))
	_, err := run(ctx, step{name: gokInstall[0], args: gokInstall[1:], dir: e.tmp, env: []string{"GOBIN=" + bin}, timeout: 2 * time.Minute})
	if err != nil {
		e.res.gokrazy = err
		m.p("gokrazy could not be built here, so there are no gokrazy figures. The one attempt, `%s` "+
			"(2 min timeout), failed with:\n\n```\n%s\n```\n\nThe Go module proxy refuses `github.com/gokrazy/tools` "+
			"at every version (`go list -m -versions`, `go mod download …@<commit>` answer the same 403) and "+
			"github.com is not reachable from this machine. Nothing was reconstructed from elsewhere.",
			strings.Join(gokInstall, " "), strings.TrimSpace(strings.ReplaceAll(err.Error(), "```", "'''")))
		return nil
	}
	return gokBuild(ctx, e, m, filepath.Join(bin, "gok"))
}

// gokBuild times `gok overwrite --full` of the helloworld for a Pi 4
// instance, cold (new instance) and warm (the app changed). It only runs
// where gok could be installed, which has not happened on the machine
// this harness was written on: the flow follows gokrazy's quickstart and
// reports any failure as it is.
func gokBuild(ctx context.Context, e *env, m *md, gok string) error {
	parent := filepath.Join(e.tmp, "gokrazy")
	app := filepath.Join(e.tmp, "gok-helloworld")
	if err := os.MkdirAll(app, 0o755); err != nil {
		return err
	}
	src, err := os.ReadFile(filepath.Join(e.repo, "testdata/helloworld/main.go"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(app, "main.go"), src, 0o644); err != nil {
		return err
	}
	if _, err := run(ctx, step{name: "go", args: []string{"mod", "init", "example.com/helloworld"}, dir: app, timeout: time.Minute}); err != nil {
		return err
	}
	g := func(args ...string) step {
		return step{name: gok, args: append([]string{"--parent_dir", parent, "-i", "bench"}, args...), dir: e.tmp, timeout: 15 * time.Minute}
	}
	for _, s := range []step{g("new"), g("add", app)} {
		if _, err := run(ctx, s); err != nil {
			return err
		}
	}
	img := filepath.Join(e.tmp, "gokrazy.img")
	overwrite := g("overwrite", "--full", img, "--target_storage_bytes", fmt.Sprint(1<<30))
	var cold, warm series
	for i := range e.runs {
		os.RemoveAll(filepath.Join(e.tmp, fmt.Sprintf("gok-gocache-%d", i)))
		s := overwrite
		s.env = []string{"GOCACHE=" + filepath.Join(e.tmp, fmt.Sprintf("gok-gocache-%d", i))}
		c, err := run(ctx, s)
		if err != nil {
			return err
		}
		src = append(src, fmt.Sprintf("\n// change %d\n", i)...)
		if err := os.WriteFile(filepath.Join(app, "main.go"), src, 0o644); err != nil {
			return err
		}
		w, err := run(ctx, s)
		if err != nil {
			return err
		}
		cold, warm = append(cold, c.sample), append(warm, w.sample)
	}
	e.res.gokWarm = warm
	m.table([]string{"`gok overwrite --full` (pi4 instance, 1 GiB image)", "-:time, median (min–max)", "-:peak RSS"}, [][]string{
		{"cold: empty `GOCACHE`", cold.timeCell(), cold.rssCell()},
		{"warm: app changed", warm.timeCell(), warm.rssCell()},
	})
	return nil
}
