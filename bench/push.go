package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// measurePush is section 1's registry part: against the real CNCF
// registry, behind the counting proxy, `wisp base push` of the imported
// base, then `wisp build --base REF --push` of the app, then the same
// after relinking the app (an app change).
func measurePush(ctx context.Context, e *env, m *md) error {
	e.logf("push: starting docker-registry")
	host, stop, err := startRegistry(ctx, filepath.Join(e.tmp, "registry"))
	if err != nil {
		return err
	}
	defer stop()
	proxy, c, stopProxy, err := startCounter(host)
	if err != nil {
		return err
	}
	defer stopProxy()
	m.p("The CNCF registry (`docker-registry serve` with a config listening on 127.0.0.1 only, storage in the " +
		"scratch directory) behind a counting reverse proxy in the harness. *Blobs* are completed uploads (a " +
		"`PUT …/blobs/uploads/…?digest=` the registry accepted), *bytes* every PATCH and PUT body sent to an " +
		"upload, *mounted* the blobs the registry linked from another repository instead (`POST …?mount=`, 201). " +
		"The base is pushed first with `wisp base push`; the appliance is then built on it with " +
		"`wisp build --base REF --push REF2` (no `--out`); \"re-push\" relinks the app first. One run each: the " +
		"counts are deterministic, the times are for orientation.")
	var rows [][]string
	for _, name := range []string{"qemu-amd64", "pi4"} {
		r, err := pushBoard(ctx, e, boards[name], proxy, host, c)
		rows = append(rows, r...)
		if err != nil {
			m.failed(name, err)
		}
	}
	m.table([]string{"board", "what", "-:blobs", "-:bytes", "-:mounted", "-:time", "-:peak RSS"}, rows)
	return nil
}

func pushBoard(ctx context.Context, e *env, b board, proxy, host string, c *counter) ([][]string, error) {
	store, err := e.base(ctx, b)
	if err != nil {
		return nil, err
	}
	e.logf("push: %s", b.name)
	var rows [][]string
	measure := func(what string, args ...string) (tally, error) {
		t0 := c.now()
		r, err := run(ctx, step{name: e.wisp, args: args, timeout: 10 * time.Minute})
		if err != nil {
			return tally{}, err
		}
		t := c.since(t0)
		e.res.rss(what, series{r.sample})
		rows = append(rows, []string{b.name, what, strconv.Itoa(len(t.blobs)), mb(t.bytes), strconv.Itoa(t.mounted), secs(r.wall), mb(r.rss * 1024)})
		return t, nil
	}
	baseRepo := "wisp/base-" + b.name
	baseRef := proxy + "/" + baseRepo + ":bench"
	if _, err := measure("`wisp base push`", "--cache", store, "base", "push", "--target", b.name, baseRef); err != nil {
		return rows, err
	}
	baseBlobs, err := blobsOf(host, baseRepo, "bench")
	if err != nil {
		return rows, err
	}
	appRef := proxy + "/appliance/helloworld-" + b.name + ":1"
	pushApp := func(what string) (tally, error) {
		app, err := e.app(ctx, b.goarch, fmt.Sprintf("push-%d", e.nonce.Add(1)))
		if err != nil {
			return tally{}, err
		}
		return measure(what, append(b.buildArgs(store, app), "--base", baseRef, "--push", appRef)...)
	}
	if _, err := pushApp("first `build --push`"); err != nil {
		return rows, err
	}
	re, err := pushApp("re-push after an app change")
	if err != nil {
		return rows, err
	}
	check := &repushCheck{blobs: len(re.blobs), bytes: re.bytes, baseBlobs: len(baseBlobs)}
	for _, d := range re.blobs {
		if slices.Contains(baseBlobs, d) {
			check.fromBase = append(check.fromBase, d)
		}
	}
	e.res.repush[b.name] = check
	return rows, nil
}
