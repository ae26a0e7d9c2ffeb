package oci

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/registrytest"
)

var amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}

func put(t *testing.T, host, repoTag string, x any) string {
	return registrytest.Put(t, host, repoTag, x)
}

func newStore(t *testing.T) *Store {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPullPlatforms(t *testing.T) {
	host, _ := registrytest.InProcess(t, nil)
	index := put(t, host, "app:1", fixture.LayoutIndex(t, "app-index"))
	arm := put(t, host, "arm:1", fixture.LayoutImage(t, "app-arm64-only"))
	r := NewRemote()
	for _, tt := range []struct {
		name, ref string
		p         v1.Platform
		want      string // "" means it pulls
	}{
		{"index, amd64", index, amd64, ""},
		{"index, arm64 without variant matches v8", index, v1.Platform{OS: "linux", Architecture: "arm64"}, ""},
		{"index without the platform", index, v1.Platform{OS: "linux", Architecture: "riscv64"}, "it has [linux/amd64 linux/arm64/v8], the board needs linux/riscv64"},
		{"single manifest of another platform", arm, amd64, "it is for linux/arm64/v8, the board needs linux/amd64"},
		{"index for any platform", index, AnyPlatform, "an index of images for several platforms"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newStore(t).Pull(context.Background(), r, tt.ref, tt.p, PullMissing)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := validate.Image(p.Image); err != nil {
				t.Errorf("validate.Image: %v", err)
			}
			cf, err := p.Image.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if cf.Architecture != tt.p.Architecture {
				t.Errorf("pulled %s, want %s", cf.Architecture, tt.p.Architecture)
			}
		})
	}
}

func TestPullPolicies(t *testing.T) {
	host, c := registrytest.InProcess(t, nil)
	ref := put(t, host, "base:1", fixture.LayoutImage(t, "base-qemu-amd64"))
	s, r, ctx := newStore(t), NewRemote(), context.Background()
	if _, err := s.Pull(ctx, r, ref, amd64, PullNever); err == nil || !strings.Contains(err.Error(), "--pull is never") {
		t.Fatalf("never, nothing stored: err = %v", err)
	}
	first, err := s.Pull(ctx, r, ref, amd64, PullMissing)
	if err != nil || !first.Fetched {
		t.Fatalf("first pull: %v, fetched %v", err, first != nil && first.Fetched)
	}
	n := len(c.Requests("/base/"))
	for _, policy := range []PullPolicy{PullMissing, PullNever} {
		p, err := s.Pull(ctx, r, ref, amd64, policy)
		if err != nil || p.Fetched || p.Digest != first.Digest {
			t.Errorf("%s after a pull: %+v, %v; want the stored image", policy, p, err)
		}
	}
	if got := c.Requests("/base/"); len(got) != n {
		t.Errorf("missing/never asked the registry: %v", got[n:])
	}
	p, err := s.Pull(ctx, r, ref, amd64, PullAlways)
	if err != nil || !p.Fetched {
		t.Fatalf("always: %v", err)
	}
	for _, req := range c.Requests("/base/")[n:] {
		if strings.Contains(req, "/blobs/") {
			t.Errorf("always fetched a blob the store has: %s", req)
		}
	}
	if got, want := p.Source(), host+"/base@"+first.Digest.String(); got != want {
		t.Errorf("source = %s, want %s", got, want)
	}
}

// TestRegistryErrors checks that each failure is one line naming the
// reference, wrapping a sentinel callers can test.
func TestRegistryErrors(t *testing.T) {
	img := randomImage(t, 256, 1)
	authHost, _ := registrytest.InProcess(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.Contains(r.URL.Path, "/denied/"):
				w.WriteHeader(http.StatusForbidden)
			case r.Header.Get("Authorization") == "":
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
			default:
				h.ServeHTTP(w, r)
			}
		})
	})
	plainHost, _ := registrytest.InProcess(t, nil)
	put(t, plainHost, "x:1", img)
	corrupt := corruptingRegistry(t, img)
	closed := registrytest.ClosedAddr(t)

	for _, tt := range []struct {
		name, ref string
		remote    *Remote
		want      error
		text      string
	}{
		{"unknown tag", plainHost + "/x:2", NewRemote(), ErrNoSuchImage, "HTTP 404"},
		{"unknown repository", plainHost + "/nope:1", NewRemote(), ErrNoSuchImage, plainHost + "/nope:1"},
		{"no credentials", authHost + "/x:1", NewRemote(), ErrUnauthorized, "Docker config"},
		{"denied", authHost + "/denied/x:1", NewRemote(), ErrDenied, "HTTP 403"},
		{"connection refused", closed + "/x:1", NewRemote(), ErrUnreachable, "connection refused"},
		{"host does not resolve", "registry.invalid/x:1", NewRemote(WithTransport(noSuchHost{})), ErrUnreachable, "does not resolve"},
		{"plain HTTP to another machine", "10.11.12.13:5000/x:1", NewRemote(WithTransport(httpsFails{})), ErrPlainHTTP, "--insecure"},
		{"blob that does not match its digest", corrupt + "/x:1", NewRemote(), ErrCorrupt, corrupt + "/x:1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			_, err := s.Pull(context.Background(), tt.remote, tt.ref, AnyPlatform, PullAlways)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v\nwant %v containing %q, one line", err, tt.want, tt.text)
			}
			tags, err := s.Tags()
			if err != nil {
				t.Fatal(err)
			}
			if len(tags) != 0 {
				t.Errorf("a failed pull tagged %v", tags)
			}
		})
	}
}

// noSuchHost stands in for a resolver that knows no such name (the test
// asks no real one).
type noSuchHost struct{}

func (noSuchHost) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}
}

// httpsFails stands in for a network where the registry does not speak
// TLS, so ggcr falls back to HTTP, which wisp refuses.
type httpsFails struct{}

func (httpsFails) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("tls: first record does not look like a TLS handshake")
}

// corruptingRegistry serves img, but every blob GET comes back altered.
func corruptingRegistry(t *testing.T, img v1.Image) string {
	host, _ := registrytest.InProcess(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/blobs/sha256:") || strings.Contains(r.URL.Path, "/uploads/") {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			b := rec.Body.Bytes()
			if len(b) > 0 {
				b[len(b)/2] ^= 0xff
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			io.Copy(w, bytes.NewReader(b))
		})
	})
	put(t, host, "x:1", img)
	return host
}

// TestRetries: a registry that answers 503 at first is retried.
func TestRetries(t *testing.T) {
	var failures atomic.Int32
	host, _ := registrytest.InProcess(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/manifests/") && failures.Add(1) <= 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	img := randomImage(t, 64, 1)
	ref := put(t, host, "x:1", img)
	failures.Store(0)
	if _, err := newStore(t).Pull(context.Background(), NewRemote(), ref, AnyPlatform, PullAlways); err != nil {
		t.Fatalf("pull through one 503: %v", err)
	}
	if failures.Load() < 2 {
		t.Errorf("the manifest was asked for %d times, want a retry", failures.Load())
	}
}

func TestNames(t *testing.T) {
	for s, want := range map[string]bool{
		"ghcr.io/org/svc:1.4": true, "localhost:5000/x": true, "localhost/x": true, "127.0.0.1:5000/a/b@sha256:00": true,
		"base-qemu-amd64:latest": false, "svc:qemu-amd64": false, "org/svc:1": false, "./svc": false, "/usr/bin/svc": false, "svc": false,
	} {
		if got := IsRegistryRef(s); got != want {
			t.Errorf("IsRegistryRef(%q) = %v, want %v", s, got, want)
		}
	}
	for host, want := range map[string]bool{
		"localhost:5000": true, "127.0.0.1:5000": true, "127.1.2.3": true, "[::1]:5000": true,
		"10.0.0.1:5000": false, "registry.local": false, "ghcr.io": false, "192.168.1.2:5000": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
