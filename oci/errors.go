package oci

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/wispboot/wisp/limits"
)

// Registry errors callers may branch on; explain wraps the raw ones.
var (
	ErrUnauthorized = errors.New("unauthorized")
	ErrDenied       = errors.New("access denied")
	ErrNoSuchImage  = errors.New("no such image")
	ErrUnreachable  = errors.New("registry unreachable")
)

// explain turns a registry error into one line naming what was being done
// to which reference and what the user can do. What the registry said is
// kept only as printable text of bounded length.
func explain(op, ref string, err error) error {
	if err == nil {
		return nil
	}
	var terr *transport.Error
	var nerr net.Error
	switch {
	case errors.Is(err, ErrPlainHTTP), errors.Is(err, ErrCorrupt), errors.Is(err, ErrPlatform),
		errors.Is(err, limits.ErrTooLarge), errors.Is(err, ErrSilent):
		return remoteError{fmt.Sprintf("%s %s: %s", op, ref, err), err}
	case errors.As(err, &terr) && terr.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s %s: %w (HTTP 401): the registry wants credentials; add them to your Docker config (docker login, or DOCKER_CONFIG)", op, ref, ErrUnauthorized)
	case errors.As(err, &terr) && terr.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%s %s: %w (HTTP 403): the credentials in your Docker config may not do this", op, ref, ErrDenied)
	case errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%s %s: %w (HTTP 404): check the repository and tag", op, ref, ErrNoSuchImage)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%s %s: %w: connection refused (is the registry running, and is the port right?)", op, ref, ErrUnreachable)
	case isDNS(err):
		return fmt.Errorf("%s %s: %w: the registry's host name does not resolve", op, ref, ErrUnreachable)
	case errors.As(err, &nerr) && nerr.Timeout():
		return fmt.Errorf("%s %s: %w: timed out", op, ref, ErrUnreachable)
	case isVerifyError(err):
		return remoteError{fmt.Sprintf("%s %s: %s: a blob does not match its digest (%s)", op, ref, ErrCorrupt, err), errors.Join(ErrCorrupt, err)}
	}
	return remoteError{fmt.Sprintf("%s %s: %s", op, ref, err), err}
}

// remoteError is an error whose text comes partly from a registry: it is
// shown stripped of control characters and cut short.
type remoteError struct {
	msg string
	err error
}

func (e remoteError) Error() string { return limits.Text(e.msg, limits.ErrorText) }
func (e remoteError) Unwrap() error { return e.err }

func isDNS(err error) bool {
	var d *net.DNSError
	return errors.As(err, &d)
}

// isVerifyError recognises go-containerregistry's digest verification
// failure. Its type lives in an internal package, so the message is the
// only handle on it.
func isVerifyError(err error) bool {
	return strings.Contains(err.Error(), "error verifying sha256 checksum") ||
		strings.Contains(err.Error(), "error verifying size")
}
