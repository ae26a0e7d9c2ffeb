package oci

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/limits"
)

// TestPullRefusesBeforeFetching: an image whose manifest asks for too
// much is refused before any of its blobs is fetched.
func TestPullRefusesBeforeFetching(t *testing.T) {
	host, c := registrytest.InProcess(t, nil)
	small := randomImage(t, 64, 1)
	many := randomImage(t, 16, limits.Layers+1)
	bigConfig, err := mutate.Config(small, v1.Config{Env: []string{"X=" + strings.Repeat("x", limits.Config)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		img  v1.Image
		want string
	}{
		{"config over the limit", bigConfig, "its config blob is 4.0 MiB, over wisp's limit (at most 4 MiB)"},
		{"too many layers", many, "its layer count is 129 layers, over wisp's limit (at most 128 layers)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			repo := strings.ReplaceAll(tt.name, " ", "-")
			ref := put(t, host, repo+":1", tt.img)
			before := len(c.Requests("/blobs/"))
			s := newStore(t)
			_, err := s.Pull(context.Background(), NewRemote(), ref, AnyPlatform, PullAlways)
			if !errors.Is(err, limits.ErrTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrTooLarge and %q", err, tt.want)
			}
			for _, r := range c.Requests("/blobs/")[before:] {
				if strings.HasPrefix(r, "GET") {
					t.Errorf("fetched %s before refusing", r)
				}
			}
		})
	}
}

// TestGuardBoundsAnswers: a manifest, a token or an error page larger
// than limits.Manifest is refused as it arrives.
func TestGuardBoundsAnswers(t *testing.T) {
	huge := strings.Repeat(" ", limits.Manifest+1)
	host, _ := registrytest.InProcess(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.Contains(r.URL.Path, "/chunked/manifests/"):
				w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
				w.(http.Flusher).Flush() // no Content-Length: the body is counted as it comes
				fmt.Fprint(w, huge)
			case strings.Contains(r.URL.Path, "/manifests/"):
				w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
				fmt.Fprint(w, huge)
			default:
				h.ServeHTTP(w, r)
			}
		})
	})
	for _, repo := range []string{"sized", "chunked"} {
		_, err := newStore(t).Pull(context.Background(), NewRemote(), host+"/"+repo+":1", AnyPlatform, PullAlways)
		if !errors.Is(err, limits.ErrTooLarge) || !strings.Contains(err.Error(), "the registry's answer") {
			t.Errorf("%s: err = %v, want ErrTooLarge for the registry's answer", repo, err)
		}
	}
}

// recorder is a transport that records what it was asked and answers 200.
type recorder struct{ reqs []*http.Request }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.reqs = append(r.reqs, req)
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: req}, nil
}

// TestGuardPlainHTTP: plain HTTP goes to loopback and to the registries
// named insecure; credentials never go over it to another machine.
func TestGuardPlainHTTP(t *testing.T) {
	for _, tt := range []struct {
		name, url string
		auth      bool
		opts      []RemoteOption
		want      error
	}{
		{"loopback", "http://127.0.0.1:5000/v2/", true, nil, nil},
		{"another machine", "http://10.1.2.3:5000/v2/", false, nil, ErrPlainHTTP},
		{"an insecure registry", "http://10.1.2.3:5000/v2/", false, []RemoteOption{WithInsecureRegistry("10.1.2.3:5000")}, nil},
		{"another port of it", "http://10.1.2.3:5001/v2/", false, []RemoteOption{WithInsecureRegistry("10.1.2.3:5000")}, ErrPlainHTTP},
		{"credentials to an insecure registry", "http://10.1.2.3:5000/v2/", true, []RemoteOption{WithInsecureRegistry("10.1.2.3:5000")}, ErrPlainHTTP},
		{"credentials with --insecure", "http://10.1.2.3:5000/v2/", true, []RemoteOption{WithInsecure(true)}, ErrPlainHTTP},
		{"credentials over TLS", "https://10.1.2.3:5000/v2/", true, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			r := NewRemote(append(tt.opts, WithTransport(rec))...)
			req, err := http.NewRequest(http.MethodGet, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.auth {
				req.Header.Set("Authorization", "Basic dTpw")
			}
			_, err = r.transport.RoundTrip(req)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if sent := len(rec.reqs) > 0; sent != (tt.want == nil) {
				t.Errorf("request sent: %v, want %v", sent, tt.want == nil)
			}
		})
	}
}

// TestCredentialsNotSentOverHTTP: a registry named insecure that asks for
// credentials does not get them over plain HTTP from another machine's
// address (here: a host name that is not loopback, served locally).
func TestCredentialsNotSentOverHTTP(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			got.Store(a)
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	// registry.test resolves to the test server through the transport.
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, strings.TrimPrefix(srv.URL, "http://"))
	}
	r := NewRemote(WithInsecureRegistry("registry.test:5000"), WithTransport(base),
		WithKeychain(staticKeychain{authn.FromConfig(authn.AuthConfig{Username: "u", Password: "secret"})}))
	_, err := newStore(t).Pull(context.Background(), r, "registry.test:5000/x:1", AnyPlatform, PullAlways)
	if err == nil || got.Load() != nil {
		t.Fatalf("err = %v; credentials sent: %v", err, got.Load())
	}
	if !errors.Is(err, ErrPlainHTTP) && !errors.Is(err, ErrUnauthorized) {
		t.Errorf("err = %v, want a refusal", err)
	}
}

// TestSilentRegistry: a registry that stops sending mid-blob fails the
// pull after the timeout, with nothing stored.
func TestSilentRegistry(t *testing.T) {
	img := randomImage(t, 64<<10, 1)
	stall := make(chan struct{})
	defer close(stall)
	host, _ := registrytest.InProcess(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") && !strings.Contains(r.URL.Path, "/uploads/") {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				if len(rec.Body.Bytes()) > 1000 { // the layer, not the config
					w.Header().Set("Content-Length", fmt.Sprint(rec.Body.Len()))
					w.WriteHeader(200)
					w.Write(rec.Body.Bytes()[:100])
					w.(http.Flusher).Flush()
					<-stall
					return
				}
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	ref := put(t, host, "x:1", img)
	defer func(n int) { fetchAttempts = n }(fetchAttempts)
	fetchAttempts = 1
	s := newStore(t)
	_, err := s.Pull(context.Background(), NewRemote(WithTimeout(300*time.Millisecond)), ref, AnyPlatform, PullAlways)
	if !errors.Is(err, ErrSilent) {
		t.Fatalf("err = %v, want ErrSilent", err)
	}
	checkStoreVerified(t, s)
}

// TestErrorTextIsClean: what a registry says in an error reaches the
// user without control characters and cut short.
func TestErrorTextIsClean(t *testing.T) {
	host, _ := registrytest.InProcess(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/manifests/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"errors":[{"code":"DENIED","message":"\u001b[2J\u001b[31mYOUR DISK IS BROKEN\r\n%s"}]}`, strings.Repeat("spam ", 1000))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	_, err := newStore(t).Pull(context.Background(), NewRemote(), host+"/x:1", AnyPlatform, PullAlways)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\x1b\r\n") || len(msg) > limits.ErrorText+10 || !strings.Contains(msg, "YOUR DISK") {
		t.Errorf("error %q (%d bytes), want it printable, at most %d bytes, with the registry's words", msg, len(msg), limits.ErrorText)
	}
}

// TestRetriesDamagedBlobs: a blob cut short or damaged once is fetched
// again; the pull succeeds and the store holds only verified blobs.
func TestRetriesDamagedBlobs(t *testing.T) {
	defer func(d time.Duration) { fetchBackoff = d }(fetchBackoff)
	fetchBackoff = 10 * time.Millisecond
	for _, fault := range []string{"truncate", "flip"} {
		t.Run(fault, func(t *testing.T) {
			var faults atomic.Int32
			host, _ := registrytest.InProcess(t, func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					b := rec.Body.Bytes()
					blob := r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") && len(b) > 1000
					if blob && faults.Add(1) == 1 {
						switch fault {
						case "truncate":
							b = b[:len(b)/2]
						case "flip":
							b[len(b)/2] ^= 1
						}
					}
					for k, v := range rec.Header() {
						w.Header()[k] = v
					}
					if fault == "truncate" {
						w.Header().Del("Content-Length")
					}
					w.WriteHeader(rec.Code)
					w.Write(b)
				})
			})
			img := randomImage(t, 64<<10, 1)
			ref := put(t, host, "x:1", img)
			s := newStore(t)
			if _, err := s.Pull(context.Background(), NewRemote(), ref, AnyPlatform, PullAlways); err != nil {
				t.Fatalf("pull: %v", err)
			}
			if faults.Load() < 2 {
				t.Errorf("the blob was fetched %d times, want a second attempt", faults.Load())
			}
			checkStoreVerified(t, s)
		})
	}
}

// checkStoreVerified fails if any blob in the store does not hash to its
// name, or if tmp/ holds anything.
func checkStoreVerified(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Verify(); err != nil {
		t.Error(err)
	}
	if ents := readDir(t, s.TempDir()); len(ents) != 0 {
		t.Errorf("tmp/ holds %v", ents)
	}
}

// staticKeychain gives every registry the same credentials.
type staticKeychain struct{ a authn.Authenticator }

func (k staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) { return k.a, nil }

// TestRepushLargeBlobs: pushing an image whose blobs the registry has
// already asks about them with HEAD, whose Content-Length is the blob's
// size (12 MiB here), not a body to bound.
func TestRepushLargeBlobs(t *testing.T) {
	host, _ := registrytest.InProcess(t, nil)
	first := randomImage(t, 12<<20, 1)
	extra, err := random.Layer(64, types.OCILayer)
	if err != nil {
		t.Fatal(err)
	}
	second, err := mutate.AppendLayers(first, extra) // shares the big layer
	if err != nil {
		t.Fatal(err)
	}
	r := NewRemote()
	for i, img := range []v1.Image{first, second} {
		if _, err := r.Push(context.Background(), host+"/big:1", img, Mount{}); err != nil {
			t.Fatalf("push %d: %v", i+1, err)
		}
	}
}
