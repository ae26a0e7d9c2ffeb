// Package registrytest starts registries for tests: ggcr's in-process
// registry.New() behind an upload counter, and the real CNCF registry
// (Debian's docker-registry) on 127.0.0.1 with a throwaway config,
// optionally with htpasswd auth.
package registrytest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/crypto/bcrypt"

	"github.com/wispboot/wisp/internal/testenv"
)

// Counter counts what clients upload to a registry.
type Counter struct {
	mu                     sync.Mutex
	BlobUploads, BlobBytes int64 // completed blob uploads (PUT …/blobs/uploads/…) and their bytes
	ManifestPuts           int64
	uploaded               []string // digests of completed blob uploads
	requests               []string // "METHOD /path" of every request
	handler                http.Handler
}

func (c *Counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.requests = append(c.requests, r.Method+" "+r.URL.Path)
	switch {
	case r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/blobs/uploads/"):
		c.BlobUploads++
		c.BlobBytes += max(r.ContentLength, 0)
		c.uploaded = append(c.uploaded, r.URL.Query().Get("digest"))
	case r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/blobs/uploads/"):
		c.BlobBytes += max(r.ContentLength, 0)
	case r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/"):
		c.ManifestPuts++
	}
	c.mu.Unlock()
	c.handler.ServeHTTP(w, r)
}

// Snapshot returns the counts so far.
func (c *Counter) Snapshot() (uploads, bytes, manifests int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.BlobUploads, c.BlobBytes, c.ManifestPuts
}

// Uploaded returns the digests of the blobs uploaded so far, in order.
func (c *Counter) Uploaded() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.uploaded...)
}

// Requests returns "METHOD /path" for every request so far that contains
// substr.
func (c *Counter) Requests(substr string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.requests {
		if strings.Contains(r, substr) {
			out = append(out, r)
		}
	}
	return out
}

// InProcess serves ggcr's registry.New() on 127.0.0.1 behind a Counter
// (and wrap, if not nil, for tests that tamper with responses). It returns
// the registry's host:port.
func InProcess(t testing.TB, wrap func(http.Handler) http.Handler) (string, *Counter) {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(nopLogger()))
	if wrap != nil {
		h = wrap(h)
	}
	c := &Counter{handler: h}
	s := httptest.NewServer(c)
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://"), c
}

// Config is a docker-registry configuration that stores under data and
// listens on addr only (the packaged default listens on every interface),
// without access logs.
func Config(data, addr string) string {
	return fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, data, addr)
}

// CNCF starts the real CNCF distribution registry on a free port of
// 127.0.0.1, with its storage in a temp dir; with user and password set it
// requires them (htpasswd). It returns host:port.
func CNCF(t testing.TB, user, password string) string {
	t.Helper()
	bin := testenv.Tool(t, "docker-registry", "docker-registry")
	dir := t.TempDir()
	port := FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cfg := Config(filepath.Join(dir, "data"), addr)
	if user != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		htpasswd := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(htpasswd, []byte(user+":"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg += fmt.Sprintf("auth:\n  htpasswd:\n    realm: wisp-test\n    path: %s\n", htpasswd)
	}
	config := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", config)
	log := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting docker-registry: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("docker-registry did not answer on %s: %v\n%s", addr, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ClosedAddr returns a loopback host:port nothing listens on (a moment
// ago).
func ClosedAddr(t testing.TB) string {
	return fmt.Sprintf("127.0.0.1:%d", FreePort(t))
}

// DockerConfig writes a Docker config.json granting user:password on host
// into a temp dir, and returns the dir (for DOCKER_CONFIG).
func DockerConfig(t testing.TB, host, user, password string) string {
	t.Helper()
	dir := t.TempDir()
	auth := basicAuth(user, password)
	cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, host, auth)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// CountingProxy serves a counting reverse proxy to the registry at host
// (for example a CNCF one) and returns the proxy's host:port.
func CountingProxy(t testing.TB, host string) (string, *Counter) {
	t.Helper()
	target := &url.URL{Scheme: "http", Host: host}
	c := &Counter{handler: httputil.NewSingleHostReverseProxy(target)}
	s := httptest.NewServer(c)
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://"), c
}

// Put pushes an image or an index to host/repoTag with go-containerregistry
// (not through wisp) and returns the full reference.
func Put(t testing.TB, host, repoTag string, x any) string {
	t.Helper()
	ref, err := name.ParseReference(host + "/" + repoTag)
	if err != nil {
		t.Fatal(err)
	}
	switch x := x.(type) {
	case v1.Image:
		err = remote.Write(ref, x)
	case v1.ImageIndex:
		err = remote.WriteIndex(ref, x)
	default:
		t.Fatalf("Put: %T is neither an image nor an index", x)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ref.Name()
}
