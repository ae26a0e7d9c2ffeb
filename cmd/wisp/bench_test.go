package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
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
	st, _ := os.Stat(filepath.Join(out, "initrd.img"))
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
		port := freePort(b)
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
