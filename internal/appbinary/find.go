package appbinary

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/oci"
)

// Images finds an image by reference for a platform and returns it with
// the reference to record for it (oci.Sources does).
type Images interface {
	Image(ctx context.Context, ref string, p v1.Platform, policy oci.PullPolicy) (v1.Image, string, error)
}

var _ Images = oci.Sources{}

// Finder finds binaries for one platform.
type Finder struct {
	Images   Images
	Platform v1.Platform
	// Pull is the user's pull policy. An image reference is resolved
	// again on every build unless it is PullNever (its blobs are cached
	// by digest): a tag of the app moves far more often than a base.
	Pull    oci.PullPolicy
	TempDir string // where a binary taken out of an image is written
	MaxSize int64  // of a binary taken out of an image
}

// Binary is the user's binary, on this machine, with what its source
// says about how to run it.
type Binary struct {
	File  string   // path on this machine
	Name  string   // base name, installed as /app/<name>
	Image *InImage // what the image says; nil for a file
	// source is the dev.wisp.binary label: the image reference, or
	// file:NAME@DIGEST. A file's digest is computed on the other core
	// while the build goes on; Source waits for it.
	source func() (string, error)
	remove bool // File is ours to delete
}

// Source is the binary's source as the dev.wisp.binary label records it:
// repository@digest for an image, file:NAME@sha256:… for a file.
func (b *Binary) Source() (string, error) { return b.source() }

// Close removes a binary taken out of an image.
func (b *Binary) Close() {
	if b != nil && b.remove {
		os.Remove(b.File)
	}
}

// Find finds the binary ref names: a local file, or, for a registry
// reference, the entrypoint (or binaryPath) of the image for the
// Finder's platform.
func (f Finder) Find(ctx context.Context, ref, binaryPath string) (*Binary, error) {
	if _, err := os.Stat(ref); err == nil || !oci.IsRegistryRef(ref) {
		if err != nil {
			return nil, fmt.Errorf("binary: %w", err)
		}
		if binaryPath != "" {
			return nil, errors.New("--binary-path needs --binary to be an image reference")
		}
		name := filepath.Base(ref)
		source := sync.OnceValues(func() (string, error) {
			sum, err := fileDigest(ref)
			if err != nil {
				return "", fmt.Errorf("binary: %w", err)
			}
			return "file:" + name + "@" + sum, nil
		})
		go source()
		return &Binary{File: ref, Name: name, source: source}, nil
	}
	policy := oci.PullAlways
	if f.Pull == oci.PullNever {
		policy = oci.PullNever
	}
	img, used, err := f.Images.Image(ctx, ref, f.Platform, policy)
	if err != nil {
		return nil, err
	}
	ib, err := FromImage(ctx, img, binaryPath, f.TempDir, f.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("binary %s: %w", ref, err)
	}
	// argv[0] keeps the name the image calls the binary by, which matters
	// to multi-call binaries reached through a symlink.
	return &Binary{File: ib.File, Name: ib.Name, source: func() (string, error) { return used, nil }, Image: ib, remove: true}, nil
}

func fileDigest(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
