package oci

import (
	"context"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Push uploads img to ref and returns "REF@sha256:…". Blobs the registry
// already has (by digest) are not sent again; layers named by m are
// mounted from m.From when it is in the same registry.
func (r *Remote) Push(ctx context.Context, ref string, img v1.Image, m Mount) (string, error) {
	img = withMounts(img, m, r)
	return r.push(ctx, ref, img, func(pref name.Reference, opts []remote.Option) error {
		return remote.Write(pref, img, opts...)
	})
}

// PushIndex uploads a multi-platform index and its images to ref and
// returns "REF@sha256:…".
func (r *Remote) PushIndex(ctx context.Context, ref string, idx v1.ImageIndex) (string, error) {
	return r.push(ctx, ref, idx, func(pref name.Reference, opts []remote.Option) error {
		return remote.WriteIndex(pref, idx, opts...)
	})
}

func (r *Remote) push(ctx context.Context, ref string, what interface{ Digest() (v1.Hash, error) }, write func(name.Reference, []remote.Option) error) (string, error) {
	pref, err := r.ParseRef(ref)
	if err != nil {
		return "", err
	}
	d, err := what.Digest()
	if err != nil {
		return "", err
	}
	if err := write(pref, r.options(ctx, r.updates("pushing "+pref.Name()))); err != nil {
		return "", explain("pushing", pref.Name(), err)
	}
	return pref.Name() + "@" + d.String(), nil
}
