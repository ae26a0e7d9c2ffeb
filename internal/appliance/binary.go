package build

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

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// binary is the user's binary, on disk, with what its source says about
// how to run it.
type binary struct {
	file string // path on this machine
	name string // base name, installed as /app/<name>
	// source is the dev.wisp.binary label: the image reference, or
	// file:NAME@DIGEST. A file's digest is computed on the other core
	// while the build goes on; source waits for it.
	source func() (string, error)
	image  *layers.ImageBinary
	remove bool // file is ours to delete
}

func (b *binary) close() {
	if b != nil && b.remove {
		os.Remove(b.file)
	}
}

// binary finds the user's binary: a local file, or, for a registry
// reference, the entrypoint (or binaryPath) of the image for the board's
// platform. Image references are resolved again on every build unless the
// pull policy is never; their blobs are cached by digest.
func (src Sources) binary(ctx context.Context, req Request) (*binary, error) {
	if _, err := os.Stat(req.Binary); err == nil || !oci.IsRegistryRef(req.Binary) {
		if err != nil {
			return nil, fmt.Errorf("binary: %w", err)
		}
		if req.BinaryPath != "" {
			return nil, errors.New("--binary-path needs --binary to be an image reference")
		}
		name := filepath.Base(req.Binary)
		source := sync.OnceValues(func() (string, error) {
			sum, err := fileDigest(req.Binary)
			if err != nil {
				return "", fmt.Errorf("binary: %w", err)
			}
			return "file:" + name + "@" + sum, nil
		})
		go source()
		return &binary{file: req.Binary, name: name, source: source}, nil
	}
	policy := oci.PullAlways
	if src.Pull == oci.PullNever {
		policy = oci.PullNever
	}
	img, used, err := src.image(ctx, req.Binary, Platform(req.Board), policy)
	if err != nil {
		return nil, err
	}
	ib, err := layers.BinaryFromImage(ctx, img, req.BinaryPath, src.Store.TempDir(), initramfsBudget(req.Board).Limit)
	if err != nil {
		return nil, fmt.Errorf("binary %s: %w", req.Binary, err)
	}
	// argv[0] keeps the name the image calls the binary by, which matters
	// to multi-call binaries reached through a symlink.
	return &binary{file: ib.File, name: ib.Name, source: func() (string, error) { return used, nil }, image: ib, remove: true}, nil
}

// FindBinary finds the binary a build for p would use: ref is a file, or
// an image reference whose entrypoint (or binaryPath) is extracted into
// the store's tmp/. It returns the binary's path, and done, which removes
// an extracted copy.
func FindBinary(ctx context.Context, src Sources, p *boards.Profile, ref, binaryPath string) (path string, done func(), err error) {
	bin, err := src.binary(ctx, Request{Board: p, Binary: ref, BinaryPath: binaryPath})
	if err != nil {
		return "", nil, err
	}
	return bin.file, bin.close, nil
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
