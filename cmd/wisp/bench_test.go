package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/wispboot/wisp/internal/registrytest"
)

// BenchmarkWarmBuild is `wisp build` with the base and its module
// selection already in the store: the everyday edit-build loop. Each
// iteration rebuilds the app (its layer is new bytes only when the binary
// changes, so this is the upper bound of an app-only change).
func BenchmarkWarmBuild(b *testing.B) {
	env := setupE2E(b)
	out := b.TempDir()
	args := []string{"--cache", env.cache, "build", "--target", "qemu-amd64", "--binary", env.helloworld,
		"--ip", "10.0.2.15/24", "--gateway", "10.0.2.2", "--out", out}
	if r := wisp(context.Background(), args...); r.code != 0 { // warm the module selection
		b.Fatalf("build: %+v", r)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := wisp(context.Background(), args...); r.code != 0 {
			b.Fatalf("build: %+v", r)
		}
	}
	b.StopTimer()
	st, err := os.Stat(filepath.Join(out, "initrd.img"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "initrd-MiB")
}

// BenchmarkRunToHTTP measures `wisp run` under TCG from the command's start
// (a warm build included) to the first HTTP reply through the forward.
func BenchmarkRunToHTTP(b *testing.B) {
	env := setupE2E(b)
	out := b.TempDir()
	build := []string{"--cache", env.cache, "build", "--target", "qemu-amd64", "--binary", env.helloworld,
		"--ip", "10.0.2.15/24", "--gateway", "10.0.2.2", "--out", out}
	if r := wisp(context.Background(), build...); r.code != 0 {
		b.Fatalf("build: %+v", r)
	}
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		port := registrytest.FreePort(b)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan result, 1)
		start := time.Now()
		go func() {
			done <- wisp(ctx, "--cache", env.cache, "run", "--target", "qemu-amd64", "--binary", env.helloworld,
				"--out", out, "--ip", "10.0.2.15/24", "--gateway", "10.0.2.2",
				"--forward", fmt.Sprintf("%d:8080", port), "--accel", "tcg")
		}()
		_, err := get(fmt.Sprintf("http://127.0.0.1:%d/", port), done, 2*time.Minute)
		total += time.Since(start)
		cancel()
		<-done
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/run-to-http")
}

// BenchmarkPush pushes an appliance built on the Debian base to the real
// CNCF registry (through a counting proxy), then rebuilds it with a
// changed binary and pushes again. Reported: blobs and bytes uploaded by
// the first push and by the re-push, and the warm `build --base REF`.
func BenchmarkPush(b *testing.B) {
	env := setupE2E(b)
	cncf := registrytest.CNCF(b, "", "")
	reg, counter := registrytest.CountingProxy(b, cncf)
	ctx := context.Background()
	baseRef := reg + "/wisp/base-qemu-amd64:6.1"
	if r := wisp(ctx, "--cache", env.cache, "base", "push", "--target", "qemu-amd64", baseRef); r.code != 0 {
		b.Fatalf("base push: %+v", r)
	}
	cache := b.TempDir()
	dir := b.TempDir()
	app := filepath.Join(dir, "helloworld")
	buildApp := func(greeting string) {
		cmd := exec.Command("go", "build", "-o", app, "-ldflags", "-X main.greeting="+greeting, "../../testdata/helloworld")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	push := func() (int, int64) {
		u0, b0, _ := counter.Snapshot()
		r := wisp(ctx, "--cache", cache, "build", "--target", "qemu-amd64", "--binary", app, "--base", baseRef,
			"--ip", "10.0.2.15/24", "--gateway", "10.0.2.2", "--push", reg+"/appliance/helloworld:1")
		if r.code != 0 {
			b.Fatalf("build --push: %+v", r)
		}
		u1, b1, _ := counter.Snapshot()
		return int(u1 - u0), b1 - b0
	}
	buildApp("one")
	firstBlobs, firstBytes := push()
	buildApp("two")
	reBlobs, reBytes := push()

	args := []string{"--cache", cache, "build", "--target", "qemu-amd64", "--binary", app, "--base", baseRef, "--ip", "10.0.2.15/24", "--gateway", "10.0.2.2"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := wisp(ctx, args...); r.code != 0 {
			b.Fatalf("build: %+v", r)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(firstBlobs), "first-push-blobs")
	b.ReportMetric(float64(firstBytes)/1e6, "first-push-MB")
	b.ReportMetric(float64(reBlobs), "repush-blobs")
	b.ReportMetric(float64(reBytes)/1e6, "repush-MB")
}
