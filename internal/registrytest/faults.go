package registrytest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A Fault is what the fault proxy does to the answers for one repository.
// Blob faults hit GETs of blobs larger than 1 KiB (layers, not configs),
// the first Times of them (0: every one).
type Fault struct {
	Status   int           // answer this HTTP status instead (5xx), blob GETs only
	Reset    bool          // send half the blob, then reset the connection
	Truncate bool          // announce the whole blob, send half, close
	Flip     bool          // change one byte of the blob
	Stall    bool          // send 100 bytes of the blob, then nothing until the test ends
	Delay    time.Duration // wait before every answer of the repository
	Times    int
	// StallUploads makes every blob upload to the repository hang until
	// the test ends.
	StallUploads bool
	// Manifest replaces the repository's manifest answers with this body.
	Manifest []byte
	// ErrorBody answers every request of the repository with HTTP 400 and
	// this body (a registry error document).
	ErrorBody string
}

// onBlobs reports whether the fault changes blob answers.
func (f *Fault) onBlobs() bool { return f.Status != 0 || f.Reset || f.Truncate || f.Flip || f.Stall }

// Faults is the plan of a fault proxy: repository name → fault.
type Faults struct {
	mu    sync.Mutex
	plan  map[string]*Fault
	hits  map[string]int
	stall chan struct{}
}

// Set puts a fault on a repository ("flaky/app").
func (f *Faults) Set(repo string, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plan[repo] = &fault
	f.hits[repo] = 0
}

// Hits is how many answers of the repository were faulted.
func (f *Faults) Hits(repo string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[repo]
}

// FaultProxy serves a proxy to the registry at upstream (host:port, plain
// HTTP, like the CNCF registry the tests start) that answers as the plan
// says, and returns the proxy's host:port. Repositories without a fault
// pass through.
func FaultProxy(t testing.TB, upstream string) (string, *Faults) {
	t.Helper()
	f := &Faults{plan: map[string]*Fault{}, hits: map[string]int{}, stall: make(chan struct{})}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.serve(w, r, upstream) }))
	t.Cleanup(func() {
		close(f.stall)
		s.CloseClientConnections()
		s.Close()
	})
	return strings.TrimPrefix(s.URL, "http://"), f
}

// repo is the repository a /v2/<repo>/{manifests,blobs}/… path names.
func repo(path string) string {
	p := strings.TrimPrefix(path, "/v2/")
	for _, sep := range []string{"/manifests/", "/blobs/", "/tags/"} {
		if i := strings.Index(p, sep); i >= 0 {
			return p[:i]
		}
	}
	return ""
}

func (f *Faults) serve(w http.ResponseWriter, r *http.Request, upstream string) {
	name := repo(r.URL.Path)
	f.mu.Lock()
	fault := f.plan[name]
	f.mu.Unlock()
	if fault != nil && fault.Delay > 0 {
		time.Sleep(fault.Delay)
	}
	if fault != nil && fault.StallUploads && strings.Contains(r.URL.Path, "/blobs/uploads/") {
		<-f.stall
		return
	}
	if fault != nil && fault.ErrorBody != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, fault.ErrorBody)
		return
	}
	if fault != nil && fault.Manifest != nil && strings.Contains(r.URL.Path, "/manifests/") {
		w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
		w.Write(fault.Manifest)
		return
	}
	req, err := http.NewRequest(r.Method, "http://"+upstream+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	req.ContentLength = r.ContentLength
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	blob := r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/sha256:") && len(body) > 1024
	if fault == nil || !fault.onBlobs() || !blob || !f.take(name, fault) {
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
		return
	}
	switch {
	case fault.Status != 0:
		w.Header().Del("Content-Length")
		w.WriteHeader(fault.Status)
	case fault.Flip:
		body = bytes.Clone(body)
		body[len(body)/2] ^= 0xff
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
	case fault.Truncate, fault.Reset:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			if fault.Reset {
				if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
					tc.SetLinger(0) // RST, not FIN
				}
			}
			conn.Close()
		}
	case fault.Stall:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		w.Write(body[:100])
		w.(http.Flusher).Flush()
		<-f.stall
	}
}

// take counts a faulted answer and reports whether this one is.
func (f *Faults) take(name string, fault *Fault) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fault.Times > 0 && f.hits[name] >= fault.Times {
		return false
	}
	f.hits[name]++
	return true
}
