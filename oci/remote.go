package oci

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Remote talks to OCI registries through go-containerregistry, with
// wisp's transport policy: plain HTTP only to loopback registries unless
// insecure, credentials from the Docker config and credential helpers,
// retries with backoff on 408/429/5xx and connection resets, and timeouts
// on every connection.
type Remote struct {
	insecure  bool
	keychain  authn.Keychain
	transport http.RoundTripper
	progress  func(what string) chan<- v1.Update
	userAgent string
}

// RemoteOption configures a Remote.
type RemoteOption func(*Remote)

// WithInsecure allows plain HTTP and unverified TLS to any registry. The
// default is false: TLS is required except for loopback registries.
func WithInsecure(b bool) RemoteOption { return func(r *Remote) { r.insecure = b } }

// WithKeychain sets where credentials come from. The default is
// authn.DefaultKeychain (DOCKER_CONFIG, ~/.docker/config.json, helpers).
func WithKeychain(k authn.Keychain) RemoteOption { return func(r *Remote) { r.keychain = k } }

// WithTransport sets the base HTTP transport (tests). The default is an
// http.Transport with connection, TLS and response-header timeouts.
func WithTransport(t http.RoundTripper) RemoteOption { return func(r *Remote) { r.transport = t } }

// WithUserAgent sets the User-Agent. The default is ggcr's.
func WithUserAgent(ua string) RemoteOption { return func(r *Remote) { r.userAgent = ua } }

// Retry policy (ggcr's mechanism, wisp's numbers): 1 s, 3 s, 9 s.
var retryBackoff = remote.Backoff{Duration: time.Second, Factor: 3, Jitter: 0.1, Steps: 4}

var retryStatus = []int{
	http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// NewRemote returns a Remote.
func NewRemote(opts ...RemoteOption) *Remote {
	r := &Remote{keychain: authn.DefaultKeychain}
	for _, o := range opts {
		o(r)
	}
	if r.transport == nil {
		r.transport = defaultTransport(r.insecure)
	}
	r.transport = &schemeGuard{next: r.transport, insecure: r.insecure}
	return r
}

func defaultTransport(insecure bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	if insecure {
		t.TLSClientConfig.InsecureSkipVerify = true
	}
	return t
}

// WithProgress asks f for a channel for each pull or push ("pulling REF");
// the channel is closed when that transfer ends. The default reports
// nothing.
func WithProgress(f func(what string) chan<- v1.Update) RemoteOption {
	return func(r *Remote) { r.progress = f }
}

func (r *Remote) updates(what string) chan<- v1.Update {
	if r.progress == nil {
		return nil
	}
	return r.progress(what)
}

func (r *Remote) options(ctx context.Context, updates chan<- v1.Update) []remote.Option {
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(r.keychain),
		remote.WithTransport(r.transport),
		remote.WithRetryBackoff(retryBackoff),
		remote.WithRetryStatusCodes(retryStatus...),
	}
	if r.userAgent != "" {
		opts = append(opts, remote.WithUserAgent(r.userAgent))
	}
	if updates != nil {
		opts = append(opts, remote.WithProgress(updates))
	}
	return opts
}

// ParseRef parses an image reference. Registries other than loopback ones
// are reached over TLS unless the Remote is insecure.
func (r *Remote) ParseRef(s string) (name.Reference, error) {
	var opts []name.Option
	if r.insecure {
		opts = append(opts, name.Insecure)
	}
	ref, err := name.ParseReference(s, opts...)
	if err != nil {
		return nil, fmt.Errorf("%q is not an image reference: %w", s, err)
	}
	return ref, nil
}

// IsLoopback reports whether a registry host (with optional port) is
// this machine.
func IsLoopback(host string) bool {
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	h = strings.Trim(h, "[]")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// ErrPlainHTTP is returned for a plain HTTP request to a registry that is
// not on this machine, without WithInsecure.
var ErrPlainHTTP = errors.New("plain HTTP refused")

// schemeGuard refuses plain HTTP to non-loopback hosts: ggcr also falls
// back to HTTP for RFC 1918 and .local registries, wisp does not.
type schemeGuard struct {
	next     http.RoundTripper
	insecure bool
}

func (g *schemeGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !g.insecure && !IsLoopback(req.URL.Host) {
		return nil, fmt.Errorf("%w to %s: registries not on this machine need TLS (pass --insecure to allow HTTP)", ErrPlainHTTP, req.URL.Host)
	}
	return g.next.RoundTrip(req)
}
