package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The u-root recipe. `go install github.com/u-root/mkuimage/cmd/mkuimage@latest`
// fails with Go 1.26: the golang.org/x/tools v0.18 it pins does not
// compile ("invalid array length -delta * delta"). Building it inside a
// scratch module with a newer x/tools works, and the same module provides
// u-root's init and holds a copy of wisp's helloworld, so mkuimage finds
// every package it is given in one module:
//
//	go mod init wispbench/uroot
//	go get github.com/u-root/mkuimage/cmd/mkuimage@latest golang.org/x/tools@latest
//	go get github.com/u-root/u-root/cmds/core/init@latest   # u-root and the go.sum entries of init's imports
//	go build -o mkuimage github.com/u-root/mkuimage/cmd/mkuimage
//	mkdir helloworld && cp $WISP/testdata/helloworld/main.go helloworld/
//	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 ./mkuimage -build=bb -defaultsh= \
//	    -initcmd=init -uinitcmd=helloworld -o initramfs.cpio \
//	    github.com/u-root/u-root/cmds/core/init ./helloworld
//
// -defaultsh= because there is no shell in it; the default -base adds
// u-root's skeleton (/dev/console and a few nodes, /etc, /tmp, …).
var urootSetup = [][]string{
	{"go", "mod", "init", "wispbench/uroot"},
	{"go", "get", "github.com/u-root/mkuimage/cmd/mkuimage@latest", "golang.org/x/tools@latest"},
	{"go", "get", "github.com/u-root/u-root/cmds/core/init@latest"},
}

// mkuimage returns the scratch module (kept in the bench cache) with a
// fresh copy of helloworld and a built mkuimage, and how long the setup took.
func mkuimage(ctx context.Context, e *env) (string, time.Duration, error) {
	start := time.Now()
	dir, err := e.scratchModule(ctx, "uroot", urootSetup)
	if err != nil {
		return "", 0, err
	}
	_, err = run(ctx, step{name: "go", args: []string{"build", "-o", "mkuimage", "github.com/u-root/mkuimage/cmd/mkuimage"}, dir: dir, timeout: 15 * time.Minute})
	return dir, time.Since(start), err
}

func measureURoot(ctx context.Context, e *env, m *md) error {
	e.logf("u-root: setting up mkuimage")
	dir, setup, err := mkuimage(ctx, e)
	if err != nil {
		return err
	}
	out := filepath.Join(e.tmp, "uroot.cpio")
	mk := func(gocache string) step {
		return step{name: filepath.Join(dir, "mkuimage"), args: []string{"-build=bb", "-defaultsh=", "-initcmd=init", "-uinitcmd=helloworld",
			"-o", out, "github.com/u-root/u-root/cmds/core/init", "./helloworld"}, dir: dir,
			env: []string{"GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOCACHE=" + gocache, "TMPDIR=" + e.tmp}, timeout: 15 * time.Minute}
	}
	var cold, warm series
	for i := range e.runs {
		e.logf("u-root: run %d", i+1)
		gocache := filepath.Join(e.tmp, fmt.Sprintf("uroot-gocache-%d", i))
		c, err := run(ctx, mk(gocache))
		if err != nil {
			return err
		}
		w, err := run(ctx, mk(gocache))
		if err != nil {
			return err
		}
		cold, warm = append(cold, c.sample), append(warm, w.sample)
		os.RemoveAll(gocache)
	}
	st, err := os.Stat(out)
	if err != nil {
		return err
	}
	head := make([]byte, 6)
	if f, err := os.Open(out); err == nil {
		f.Read(head)
		f.Close()
	}
	compressed := string(head) != "070701"
	rows := [][]string{
		{"cold: empty `GOCACHE`", cold.timeCell(), cold.rssCell()},
		{"warm: the same `GOCACHE` again", warm.timeCell(), warm.rssCell()},
	}
	format := "a compressed archive"
	if !compressed {
		format = "an **uncompressed** newc cpio"
		gz, err := repeat(ctx, e.runs, sh(e.tmp, "gzip -1 -c "+quote(out)+" > "+quote(out+".gz"), time.Minute))
		if err != nil {
			return err
		}
		gst, err := os.Stat(out + ".gz")
		if err != nil {
			return err
		}
		rows = append(rows, []string{fmt.Sprintf("`gzip -1` of its output (→ %s), separately", mb(gst.Size())), gz.timeCell(), gz.rssCell()})
	}
	m.p("`mkuimage -build=bb` for amd64: an initramfs with u-root's init as `/init` and the same helloworld as " +
		"`uinit`, compiled together into one busybox-style binary. No kernel, no modules: compare it with wisp's " +
		"initrd, not with a whole appliance. Peak RSS is that of the largest process (mkuimage waits for the " +
		"`go build` and compilers it starts).")
	m.table([]string{"mkuimage -build=bb", "-:time, median (min–max)", "-:peak RSS"}, rows)
	m.p("Output: %s, %s, written as %s.", code(filepath.Base(out)), mb(st.Size()), format)
	if forcesRebuild(ctx, dir) {
		m.p("Warm is no faster than cold because gobusybox builds with `go build -a` (\"Force rebuilding of " +
			"packages\", `pkg/golang/compiler.go` of the version below): the Go build cache is not used for the " +
			"rewritten packages nor for the standard library.")
	}
	m.p("Versions (scratch module, kept in the bench cache; %s to set up or refresh this run): %s.", secs(setup), moduleVersions(dir, "github.com/u-root/", "golang.org/x/tools"))
	m.p("Recipe (`go install …@latest` fails with Go 1.26: the golang.org/x/tools v0.18 it pins does not compile):\n\n```\n%s\n```",
		"go mod init wispbench/uroot\n"+
			"go get github.com/u-root/mkuimage/cmd/mkuimage@latest golang.org/x/tools@latest\n"+
			"go get github.com/u-root/u-root/cmds/core/init@latest\n"+
			"go build -o mkuimage github.com/u-root/mkuimage/cmd/mkuimage\n"+
			"mkdir helloworld && cp $WISP/testdata/helloworld/main.go helloworld/\n"+
			"GOOS=linux GOARCH=amd64 CGO_ENABLED=0 ./mkuimage -build=bb -defaultsh= -initcmd=init -uinitcmd=helloworld \\\n"+
			"    -o initramfs.cpio github.com/u-root/u-root/cmds/core/init ./helloworld")
	return nil
}

// moduleVersions lists the modules dir's go.mod requires whose paths
// start with one of prefixes.
func moduleVersions(dir string, prefixes ...string) string {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "unknown"
	}
	var vs []string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(f[0], p) }) {
			vs = append(vs, code(f[0]+" "+f[1]))
		}
	}
	return strings.Join(vs, ", ")
}

// forcesRebuild reports whether the gobusybox in dir's module graph
// passes -a to go build.
func forcesRebuild(ctx context.Context, dir string) bool {
	r, err := run(ctx, step{name: "go", args: []string{"list", "-m", "-f", "{{.Dir}}", "github.com/u-root/gobusybox/src"}, dir: dir, timeout: time.Minute})
	if err != nil {
		return false
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(r.stdout)), "pkg/golang/compiler.go"))
	return err == nil && bytes.Contains(src, []byte(`args = append(args, "-a")`))
}
