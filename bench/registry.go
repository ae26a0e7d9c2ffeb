package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/wispboot/wisp/internal/registrytest"
)

// startRegistry starts the CNCF registry (Debian's docker-registry) on a
// free port of 127.0.0.1 with a config of its own in dir — never the
// packaged one, which listens on every interface — and returns host:port
// and a function that stops it.
func startRegistry(ctx context.Context, dir string) (string, func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	cfg := registrytest.Config(filepath.Join(dir, "data"), addr)
	config := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		return "", nil, err
	}
	cmd := command(ctx, step{name: "docker-registry", args: []string{"serve", config}})
	logf, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		return "", nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return "", nil, fmt.Errorf("starting docker-registry (apt-get install docker-registry): %w", err)
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			return addr, stop, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			stop()
			log, _ := os.ReadFile(logf.Name())
			return "", nil, fmt.Errorf("docker-registry did not answer on %s: %v%s", addr, err, tail(log))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr returns a 127.0.0.1 address whose port was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// counter is a reverse proxy to a registry that counts what clients
// upload: completed blob uploads (the PUT to …/blobs/uploads/… carrying
// ?digest= that the registry accepts), the bytes of every PATCH and PUT
// body sent to an upload, and the blobs mounted from another repository.
type counter struct {
	mu      sync.Mutex
	proxy   http.Handler
	blobs   []string // digests of completed uploads
	bytes   int64
	mounted int
}

// tally is a snapshot of a counter.
type tally struct {
	blobs   []string
	bytes   int64
	mounted int
}

// since is what was counted after t.
func (c *counter) since(t tally) tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	return tally{blobs: append([]string(nil), c.blobs[len(t.blobs):]...), bytes: c.bytes - t.bytes, mounted: c.mounted - t.mounted}
}

func (c *counter) now() tally { return c.since(tally{}) }

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	upload := strings.Contains(r.URL.Path, "/blobs/uploads/")
	var body *countingReader
	if upload && (r.Method == http.MethodPut || r.Method == http.MethodPatch) && r.Body != nil {
		body = &countingReader{r: r.Body}
		r.Body = body
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	c.proxy.ServeHTTP(sw, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if body != nil {
		c.bytes += body.n
	}
	switch {
	case upload && r.Method == http.MethodPut && r.URL.Query().Get("digest") != "" && sw.status == http.StatusCreated:
		c.blobs = append(c.blobs, r.URL.Query().Get("digest"))
	case upload && r.Method == http.MethodPost && r.URL.Query().Get("mount") != "" && sw.status == http.StatusCreated:
		c.mounted++
	}
}

type countingReader struct {
	r io.ReadCloser
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// startCounter serves a counting proxy to the registry at host on
// 127.0.0.1 and returns its host:port.
func startCounter(host string) (string, *counter, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	c := &counter{proxy: httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: host})}
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	return l.Addr().String(), c, func() { srv.Close() }, nil
}

// blobsOf returns the digests of the config and layers of the image
// manifest repo:tag on the registry at host.
func blobsOf(host, repo, tag string) ([]string, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+host+"/v2/"+repo+"/manifests/"+tag, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET manifest %s:%s: %s", repo, tag, resp.Status)
	}
	var mf struct {
		Config struct{ Digest string }   `json:"config"`
		Layers []struct{ Digest string } `json:"layers"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&mf); err != nil {
		return nil, fmt.Errorf("reading manifest %s:%s: %w", repo, tag, err)
	}
	out := []string{mf.Config.Digest}
	for _, l := range mf.Layers {
		out = append(out, l.Digest)
	}
	return out, nil
}
