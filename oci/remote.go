package oci

import (
	"context"
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
// wisp's transport policy (guard.go): plain HTTP only to loopback
// registries and to those named insecure, credentials never over plain
// HTTP to another machine, bounded responses, a timeout on silent
// connections; credentials from the Docker config and credential helpers;
// retries with backoff on 408/429/5xx and connection resets.
type Remote struct {
	insecure    map[string]bool // registries (host or host:port) allowed HTTP and unverified TLS
	insecureAll bool
	keychain    authn.Keychain
	transport   http.RoundTripper
	idle        time.Duration
	progress    func(what string) chan<- v1.Update
	userAgent   string
}

// RemoteOption configures a Remote.
type RemoteOption func(*Remote)

// WithInsecureRegistry allows plain HTTP and unverified TLS to the named
// registries (host or host:port, as in a reference). Credentials are
// still never sent to them over plain HTTP unless they are on this
// machine. The default is none: TLS is required but for loopback.
func WithInsecureRegistry(hosts ...string) RemoteOption {
	return func(r *Remote) {
		if r.insecure == nil {
			r.insecure = map[string]bool{}
		}
		for _, h := range hosts {
			r.insecure[h] = true
		}
	}
}

// WithInsecure allows plain HTTP and unverified TLS to every registry.
// The default is false.
func WithInsecure(b bool) RemoteOption { return func(r *Remote) { r.insecureAll = b } }

// WithKeychain sets where credentials come from. The default is
// authn.DefaultKeychain (DOCKER_CONFIG, ~/.docker/config.json, helpers).
func WithKeychain(k authn.Keychain) RemoteOption { return func(r *Remote) { r.keychain = k } }

// WithTransport sets the base HTTP transport (tests). The default is an
// http.Transport with connection, TLS and response-header timeouts.
func WithTransport(t http.RoundTripper) RemoteOption { return func(r *Remote) { r.transport = t } }

// WithUserAgent sets the User-Agent. The default is ggcr's.
func WithUserAgent(ua string) RemoteOption { return func(r *Remote) { r.userAgent = ua } }

// WithTimeout sets how long a connection may stay silent (no response
// header, no body byte) before the request fails. The default is 60 s.
func WithTimeout(d time.Duration) RemoteOption { return func(r *Remote) { r.idle = d } }

// DefaultTimeout is WithTimeout's default.
const DefaultTimeout = 60 * time.Second

// Retry policy (ggcr's mechanism, wisp's numbers): 1 s, 3 s, 9 s.
var retryBackoff = remote.Backoff{Duration: time.Second, Factor: 3, Jitter: 0.1, Steps: 4}

var retryStatus = []int{
	http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// NewRemote returns a Remote.
func NewRemote(opts ...RemoteOption) *Remote {
	r := &Remote{keychain: authn.DefaultKeychain, idle: DefaultTimeout}
	for _, o := range opts {
		o(r)
	}
	secure, insecure := r.transport, r.transport
	if r.transport == nil {
		secure, insecure = defaultTransport(false, r.idle), defaultTransport(true, r.idle)
	}
	r.transport = &guard{secure: secure, insecure: insecure, remote: r}
	return r
}

func defaultTransport(skipVerify bool, idle time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ResponseHeaderTimeout = idle
	if skipVerify {
		t.TLSClientConfig.InsecureSkipVerify = true
	}
	return t
}

// isInsecure reports whether a registry host may be reached over plain
// HTTP and with unverified TLS.
func (r *Remote) isInsecure(host string) bool {
	return r.insecureAll || r.insecure[host] || r.insecure[strings.ToLower(host)]
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
// are reached over TLS unless they are insecure.
func (r *Remote) ParseRef(s string) (name.Reference, error) {
	ref, err := name.ParseReference(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an image reference: %w", s, err)
	}
	if r.isInsecure(ref.Context().RegistryStr()) {
		if ref, err = name.ParseReference(s, name.Insecure); err != nil {
			return nil, fmt.Errorf("%q is not an image reference: %w", s, err)
		}
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
