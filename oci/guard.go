package oci

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wispboot/wisp/limits"
)

// ErrPlainHTTP is returned for a plain HTTP request wisp will not make: to
// a registry that is neither on this machine nor named insecure, or with
// credentials to one that is not on this machine.
var ErrPlainHTTP = errors.New("plain HTTP refused")

// ErrSilent is returned when a registry stops sending for longer than the
// Remote's timeout.
var ErrSilent = errors.New("the registry stopped answering")

// guard is the one place wisp's transport policy is enforced, on every
// request go-containerregistry makes (token requests to an auth realm
// and redirects to blob storage included):
//
//   - plain HTTP only to loopback hosts and to insecure registries, and
//     never with an Authorization header to a host that is not loopback;
//   - unverified TLS only to insecure registries;
//   - a response body that is not a blob is bounded by limits.Manifest
//     (ggcr reads manifests up to 100 MiB, tokens and errors unbounded);
//     blobs are bounded by their descriptors and checked by digest; a
//     HEAD's Content-Length is the size of what it asks about, not a
//     body, and is not bounded here;
//   - a body that stays silent for the timeout fails with ErrSilent.
type guard struct {
	secure, insecure http.RoundTripper
	remote           *Remote
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Host
	insecure := g.remote.isInsecure(host)
	if req.URL.Scheme == "http" && !IsLoopback(host) {
		if !insecure {
			return nil, fmt.Errorf("%w to %s: registries not on this machine need TLS (pass --insecure-registry %s to allow HTTP to it)", ErrPlainHTTP, host, host)
		}
		if req.Header.Get("Authorization") != "" {
			return nil, fmt.Errorf("%w to %s: wisp does not send credentials over plain HTTP to another machine; give the registry TLS", ErrPlainHTTP, host)
		}
	}
	next := g.secure
	if insecure {
		next = g.insecure
	}
	resp, err := next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if req.Method != http.MethodHead && !isBlob(req) {
		if err := limits.Check("the registry's answer to "+req.Method+" "+req.URL.Path, resp.ContentLength, limits.Manifest); err != nil {
			resp.Body.Close()
			return nil, err
		}
		resp.Body = readCloser{limits.Reader(resp.Body, "the registry's answer to "+req.Method+" "+req.URL.Path, limits.Manifest), resp.Body}
	}
	resp.Body = newIdleBody(resp.Body, g.remote.idle)
	return resp, nil
}

// isBlob reports whether req fetches a blob, or follows a redirect of
// such a fetch to where the blob is stored.
func isBlob(req *http.Request) bool {
	for r := req; r != nil; {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") && !strings.Contains(r.URL.Path, "/blobs/uploads/") {
			return true
		}
		if r.Response == nil {
			break
		}
		r = r.Response.Request
	}
	return false
}

type readCloser struct {
	io.Reader
	io.Closer
}

// idleBody fails a read that waits longer than timeout for data, by
// closing the body under it.
type idleBody struct {
	rc      io.ReadCloser
	timeout time.Duration
	mu      sync.Mutex
	timer   *time.Timer
	fired   bool
}

func newIdleBody(rc io.ReadCloser, timeout time.Duration) io.ReadCloser {
	if timeout <= 0 {
		return rc
	}
	b := &idleBody{rc: rc, timeout: timeout}
	b.timer = time.AfterFunc(timeout, b.fire)
	return b
}

func (b *idleBody) fire() {
	b.mu.Lock()
	b.fired = true
	b.mu.Unlock()
	b.rc.Close()
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.timeout)
	n, err := b.rc.Read(p)
	b.mu.Lock()
	fired := b.fired
	b.mu.Unlock()
	if fired && err != nil && err != io.EOF {
		return n, fmt.Errorf("%w for %s", ErrSilent, b.timeout)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.rc.Close()
}
