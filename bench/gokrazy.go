package main

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
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
		m.p("gok itself could not be built here. The one attempt, `%s` "+
			"(2 min timeout), failed with:\n\n```\n%s\n```\n\nThe Go module proxy refuses `github.com/gokrazy/tools` "+
			"at every version (`go list -m -versions`, `go mod download …@<commit>` answer the same 403) and "+
			"github.com is not reachable from this machine. Nothing of gokrazy/tools was reconstructed from elsewhere.",
			strings.Join(gokInstall, " "), strings.TrimSpace(strings.ReplaceAll(err.Error(), "```", "'''")))
		return gokBuildPhase(ctx, e, m)
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
	cold, warm, err := coldWarm(ctx, e, overwrite, filepath.Join(app, "main.go"))
	if err != nil {
		return err
	}
	e.res.gokWarm = warm
	m.table([]string{"`gok overwrite --full` (pi4 instance, 1 GiB image)", "-:time, median (min–max)", "-:peak RSS"}, [][]string{
		{"cold: empty `GOCACHE`", cold.timeCell(), cold.rssCell()},
		{"warm: app changed", warm.timeCell(), warm.rssCell()},
	})
	return nil
}

// coldWarm runs s -runs times in pairs: cold, with a new empty GOCACHE,
// then warm, on the same cache after a comment was appended to the Go
// source file app (so the app's package is compiled and linked again).
func coldWarm(ctx context.Context, e *env, s step, app string) (cold, warm series, err error) {
	src, err := os.ReadFile(app)
	if err != nil {
		return nil, nil, err
	}
	env := s.env
	for i := range e.runs {
		gocache := filepath.Join(e.tmp, fmt.Sprintf("gok-gocache-%d", i))
		os.RemoveAll(gocache)
		s.env = append(slices.Clip(env), "GOCACHE="+gocache)
		c, err := run(ctx, s)
		if err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(app, fmt.Appendf(src, "\n// change %d\n", i), 0o644); err != nil {
			return nil, nil, err
		}
		w, err := run(ctx, s)
		if err != nil {
			return nil, nil, err
		}
		cold, warm = append(cold, c.sample), append(warm, w.sample)
		os.RemoveAll(gocache)
	}
	return cold, warm, nil
}

// gokrazyModules are the modules of a default gokrazy instance, all of
// which the module proxy serves (only gokrazy/tools, the packer, is
// refused): the system packages and the init's library, and the kernel,
// firmware and EEPROM packages gok lists but does not build.
var gokrazyModules = append([]string{"github.com/gokrazy/gokrazy@latest"}, latest(gokrazyListed)...)

// gokrazyListed are the packages gok lists but does not build, kernel
// first: gok also asks for the kernel package's directory.
var gokrazyListed = []string{"github.com/gokrazy/kernel.rpi", "github.com/gokrazy/firmware", "github.com/gokrazy/rpi-eeprom"}

// latest is each module path at @latest.
func latest(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p + "@latest"
	}
	return out
}

// gokrazyPackages are what gok builds for an instance whose only package
// is the app: the default GokrazyPackages, the app, and the init's
// dependency (not a main package, so it is listed but not built).
var gokrazyPackages = []string{
	"github.com/gokrazy/gokrazy/cmd/dhcp", "github.com/gokrazy/gokrazy/cmd/ntp",
	"github.com/gokrazy/gokrazy/cmd/randomd", "github.com/gokrazy/gokrazy/cmd/heartbeat",
	"gokrazy/build/bench/helloworld", "github.com/gokrazy/gokrazy",
}

// gokrazyInit is an init of the shape gok generates for these packages,
// written here from gokrazy's public API: boot, then supervise each binary.
const gokrazyInit = `package main

import (
	"log"
	"os/exec"

	"github.com/gokrazy/gokrazy"
)

func main() {
	if err := gokrazy.Boot("bench"); err != nil {
		log.Fatal(err)
	}
	var services []*gokrazy.Service
	for _, p := range []string{"/gokrazy/dhcp", "/gokrazy/heartbeat", "/gokrazy/ntp", "/gokrazy/randomd", "/user/helloworld"} {
		services = append(services, gokrazy.NewService(exec.Command(p)))
	}
	if err := gokrazy.SuperviseServices(services); err != nil {
		log.Fatal(err)
	}
	select {}
}
`

// gokBuildScript is gok's build phase (packer's logicBuild: BuildEnv.Build,
// then the init) as the go commands it runs, in its order and with its
// parallelism: `go list` of each package that is listed but not built
// (kernel, firmware, EEPROM); per package `go list` to check it is
// complete and `go list` to find main packages, each main package's `go
// build` started in parallel; when they are all done, the init's `go
// build` and `go list` of the kernel package's directory. It runs with
// gok's environment for a Pi 4 (GOARCH=arm64, CGO_ENABLED=0) and tags,
// into a new output directory each time, as gok's temporary one is.
func gokBuildScript(out string) string {
	var b strings.Builder
	b.WriteString("export GOOS=linux GOARCH=arm64 CGO_ENABLED=0 GOBIN=\n")
	fmt.Fprintf(&b, "out=%s\nrm -rf \"$out\"; mkdir -p \"$out/init\"\n", quote(out))
	complete := `go list -mod=mod -e -f '{{ .ImportPath }} {{ if .Incomplete }}error{{ else }}ok{{ end }}' `
	for _, p := range gokrazyListed {
		b.WriteString(complete + p + " | grep -q ' ok$'\n")
	}
	b.WriteString("pids=\n")
	for _, p := range gokrazyPackages {
		b.WriteString(complete + p + " | grep -q ' ok$'\n")
		fmt.Fprintf(&b, "if [ \"$(go list -tags gokrazy -f '{{.Name}}' %s)\" = main ]; then\n", p)
		fmt.Fprintf(&b, "  go build -mod=mod -o \"$out/%s\" -tags=gokrazy,netgo,osusergo %s & pids=\"$pids $!\"\nfi\n", path.Base(p), p)
	}
	b.WriteString("for p in $pids; do wait $p; done\n")
	b.WriteString("cp init.go.txt \"$out/init/init.go\"\n")
	b.WriteString("go build -mod=mod -o \"$out/init/init\" -tags=gokrazy,netgo,osusergo \"$out/init/init.go\"\n")
	b.WriteString("go list -mod=mod -tags gokrazy -f '{{ .Dir }}' " + gokrazyListed[0] + " >/dev/null\n")
	b.WriteString("test -x \"$out/helloworld\" -a -x \"$out/init/init\"\n")
	return b.String()
}

// gokModule returns the scratch module (kept in the bench cache) that
// holds gokrazy's modules, the init's source and a fresh copy of
// helloworld, and how long setting it up took.
func gokModule(ctx context.Context, e *env) (string, time.Duration, error) {
	start := time.Now()
	dir, err := e.scratchModule(ctx, "gokrazy-build", [][]string{
		{"go", "mod", "init", "gokrazy/build/bench"}, append([]string{"go", "get"}, gokrazyModules...)})
	if err != nil {
		return "", 0, err
	}
	err = os.WriteFile(filepath.Join(dir, "init.go.txt"), []byte(gokrazyInit), 0o644)
	return dir, time.Since(start), err
}

// gokBuildPhase times gok's build phase without gok, cold (empty GOCACHE)
// and warm (the app's source changed): the part of `gok overwrite --full`
// that needs only the modules the proxy serves. gok does all of it and
// then writes the image, so its warm time is at least this.
func gokBuildPhase(ctx context.Context, e *env, m *md) error {
	e.logf("gokrazy: setting up its modules")
	dir, setup, err := gokModule(ctx, e)
	if err != nil {
		return err
	}
	e.logf("gokrazy: timing the build phase")
	s := sh(dir, gokBuildScript(filepath.Join(e.tmp, "gok-out")), 15*time.Minute)
	cold, warm, err := coldWarm(ctx, e, s, filepath.Join(dir, "helloworld/main.go"))
	if err != nil {
		return err
	}
	e.res.gokBuildWarm = warm
	m.p("What can be measured here is **gok's build phase, without gok**: the `go` commands `gok overwrite` runs " +
		"before it writes anything (packer's `logicBuild`: `BuildEnv.Build`, then the init), on gokrazy's own " +
		"modules, which the proxy serves. In gok's order and parallelism: `go list` of the kernel, firmware and " +
		"EEPROM packages (listed, not built); for each package a `go list` (is it complete?) and another (is it a " +
		"main package?), each main package's `go build -mod=mod -tags=gokrazy,netgo,osusergo` started at once — " +
		"the four default system packages (dhcp, ntp, randomd, heartbeat) and the app; when they are done, `go build` " +
		"of the init, and `go list` of the kernel package's directory. The init is a program of the shape gok " +
		"generates, written here from gokrazy's public API (`gokrazy.Boot`, one `gokrazy.NewService` per binary, " +
		"`gokrazy.SuperviseServices`). GOARCH=arm64 (a Pi 4); a new output directory each run, as gok's temporary " +
		"one is; one build directory for all packages (gok's older layout, which it still supports; a new instance " +
		"has one per package). Peak RSS is the largest process (a compiler or linker).")
	m.p("After this gok writes the image — the boot FAT with kernel and firmware, a squashfs root with the " +
		"binaries and the kernel's modules, the partition table — so a warm `gok overwrite --full` takes **at " +
		"least** the warm time below. The goals table compares wisp with this lower bound.")
	m.table([]string{"gok's build phase (its go commands), pi4", "-:time, median (min–max)", "-:peak RSS"}, [][]string{
		{"cold: empty `GOCACHE`", cold.timeCell(), cold.rssCell()},
		{"**warm: the app's source changed**", warm.timeCell(), warm.rssCell()},
	})
	m.p("Versions (scratch module, kept in the bench cache; %s to set up or refresh this run): %s.", secs(setup), moduleVersions(dir, "github.com/gokrazy/"))
	return nil
}
