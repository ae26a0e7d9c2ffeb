package oci

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/wispboot/wisp/limits"
)

// PullPolicy says when Pull may use the network.
type PullPolicy string

// Pull policies, as --pull spells them.
const (
	PullMissing PullPolicy = "missing" // use the store's copy if it has one
	PullAlways  PullPolicy = "always"  // resolve the reference again; fetch only new blobs
	PullNever   PullPolicy = "never"   // the store only
)

// ParsePullPolicy checks a --pull value.
func ParsePullPolicy(s string) (PullPolicy, error) {
	switch p := PullPolicy(s); p {
	case PullMissing, PullAlways, PullNever:
		return p, nil
	}
	return "", fmt.Errorf("pull policy %q is not one of missing, always, never", s)
}

// ErrPlatform is returned when an image has nothing for the wanted platform.
var ErrPlatform = errors.New("platform not in the image")

// Pulled is an image that came from a registry, held in the store.
type Pulled struct {
	Image   v1.Image
	Ref     name.Reference // as the user wrote it, parsed
	Digest  v1.Hash        // of the platform image's manifest
	Fetched bool           // whether the registry was asked
}

// Source is the repository@digest of the image used, for labels.
func (p *Pulled) Source() string { return p.Ref.Context().Name() + "@" + p.Digest.String() }

// Pull returns the image ref names for platform, from the store when the
// policy allows, else from the registry into the store (every blob
// verified; blobs the store has are not fetched again). The store names
// it by the reference.
func (s *Store) Pull(ctx context.Context, r *Remote, ref string, platform v1.Platform, policy PullPolicy) (*Pulled, error) {
	pref, err := r.ParseRef(ref)
	if err != nil {
		return nil, err
	}
	tag := pref.Name()
	if policy != PullAlways {
		if img, err := s.Image(tag); err == nil && s.checkPlatform(img, platform, tag) == nil {
			d, err := img.Digest()
			return &Pulled{Image: img, Ref: pref, Digest: d}, err
		}
		if policy == PullNever {
			return nil, fmt.Errorf("%s for %s is not in the local store and --pull is never", tag, platformString(platform))
		}
	}
	img, err := r.image(ctx, pref, platform)
	if err != nil {
		return nil, err
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, explain("pulling", tag, err)
	}
	if err := checkManifest(m); err != nil {
		return nil, explain("pulling", tag, err)
	}
	if err := s.checkPlatform(img, platform, tag); err != nil {
		return nil, err
	}
	if err := s.fetch(ctx, img, r.updates("pulling "+tag)); err != nil {
		return nil, explain("pulling", tag, err)
	}
	desc, err := s.WriteImage(img, tag)
	if err != nil {
		return nil, explain("pulling", tag, err)
	}
	stored, err := s.Image(desc.Digest.String())
	if err != nil {
		return nil, err
	}
	return &Pulled{Image: stored, Ref: pref, Digest: desc.Digest, Fetched: true}, nil
}

// checkManifest refuses an image whose manifest asks for more than wisp
// fetches: a config or layers over their limits, too many layers, or
// blobs of kinds wisp does not read. It runs before any blob is fetched,
// and on every image read from the store.
func checkManifest(m *v1.Manifest) error {
	if err := limits.Check("its config blob", m.Config.Size, limits.Config); err != nil {
		return err
	}
	if err := limits.Count("its layer count", len(m.Layers), limits.Layers, "layers"); err != nil {
		return err
	}
	switch m.Config.MediaType {
	case types.OCIConfigJSON, types.DockerConfigJSON:
	default:
		return fmt.Errorf("its config is a %q, not an image config", limits.Text(string(m.Config.MediaType), 100))
	}
	total := limits.Budget{What: "its layers together", Limit: limits.Image}
	for i, l := range m.Layers {
		if !l.MediaType.IsLayer() || l.MediaType == types.DockerForeignLayer || l.MediaType == types.OCIRestrictedLayer || l.MediaType == types.OCIUncompressedRestrictedLayer {
			return fmt.Errorf("its layer %d is a %q, not a tar layer wisp can read", i, limits.Text(string(l.MediaType), 100))
		}
		if l.Size < 0 {
			return fmt.Errorf("its layer %d has a negative size", i)
		}
		if err := limits.Check(fmt.Sprintf("its layer %d (%s)", i, l.Digest), l.Size, limits.Layer); err != nil {
			return err
		}
		if err := total.Spend(l.Size); err != nil {
			return err
		}
	}
	return nil
}

// fetchAttempts is how often a blob is fetched before its error stands:
// a connection reset mid-blob, a truncated or damaged body may be the
// network's, not the registry's. Between attempts wisp waits
// fetchBackoff, then three times that.
var (
	fetchAttempts = 3
	fetchBackoff  = time.Second
)

// fetch stores the blobs of img the store lacks, reporting bytes on
// updates (closed at the end) if it is not nil. Each is read no further
// than its descriptor's size and verified before it is kept.
func (s *Store) fetch(ctx context.Context, img v1.Image, updates chan<- v1.Update) error {
	if updates != nil {
		defer close(updates)
	}
	ls, err := img.Layers()
	if err != nil {
		return err
	}
	var missing []v1.Layer
	var total, done int64
	for _, l := range ls {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		if !s.HasBlob(d) {
			n, _ := l.Size()
			total += n
			missing = append(missing, l)
		}
	}
	for _, l := range missing {
		d, _ := l.Digest()
		size, _ := l.Size()
		start := done
		err := retry(ctx, func() error {
			done = start
			rc, err := l.Compressed()
			if err != nil {
				return err
			}
			defer rc.Close()
			var src io.Reader = limits.Reader(rc, "blob "+d.String(), size)
			if updates != nil {
				src = &progressReader{r: src, f: func(n int64) {
					done += n
					updates <- v1.Update{Total: total, Complete: done}
				}}
			}
			return s.WriteBlob(d, src)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// retry runs f up to fetchAttempts times while it fails in a way that
// another attempt may mend.
func retry(ctx context.Context, f func() error) error {
	wait := fetchBackoff
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || attempt == fetchAttempts || !transient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 3
	}
}

// transient reports whether err may go away on its own: not a refusal
// (4xx), a limit, a policy or a cancellation.
func transient(err error) bool {
	var terr *transport.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, limits.ErrTooLarge), errors.Is(err, ErrPlainHTTP):
		return false
	case errors.As(err, &terr):
		return terr.StatusCode >= 500 || terr.StatusCode == http.StatusRequestTimeout || terr.StatusCode == http.StatusTooManyRequests
	}
	return true
}

type progressReader struct {
	r io.Reader
	f func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.f(int64(n))
	}
	return n, err
}

// image resolves ref to the image for platform: the matching manifest of
// an index, or a single manifest whose config is for the platform.
func (r *Remote) image(ctx context.Context, ref name.Reference, platform v1.Platform) (v1.Image, error) {
	desc, err := remote.Get(ref, r.options(ctx, nil)...)
	if err != nil {
		return nil, explain("pulling", ref.Name(), err)
	}
	if desc.MediaType.IsIndex() {
		if isAny(platform) {
			return nil, fmt.Errorf("pulling %s: it is an index of images for several platforms, not a single image", ref.Name())
		}
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, explain("pulling", ref.Name(), err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, explain("pulling", ref.Name(), err)
		}
		if err := limits.Count("its index", len(im.Manifests), limits.IndexManifests, "images"); err != nil {
			return nil, explain("pulling", ref.Name(), err)
		}
		var have []string
		for _, m := range im.Manifests {
			if m.Platform != nil && matches(platform, *m.Platform) {
				img, err := idx.Image(m.Digest)
				return img, explain("pulling", ref.Name(), err)
			}
			if m.Platform != nil {
				have = append(have, platformString(*m.Platform))
			}
		}
		return nil, fmt.Errorf("pulling %s: %w: it has %v, the board needs %s", ref.Name(), ErrPlatform, have, platformString(platform))
	}
	img, err := desc.Image()
	return img, explain("pulling", ref.Name(), err)
}

// AnyPlatform asks Pull for a single-manifest image whatever its platform.
var AnyPlatform = v1.Platform{}

func isAny(p v1.Platform) bool { return p.OS == "" && p.Architecture == "" }

// checkPlatform insists that a single-manifest image is for want, reading
// its config from the store when the store has it.
func (s *Store) checkPlatform(img v1.Image, want v1.Platform, ref string) error {
	if isAny(want) {
		return nil
	}
	m, err := img.Manifest()
	if err != nil {
		return explain("pulling", ref, err)
	}
	raw, err := s.readBlob(m.Config.Digest, limits.Config)
	if err != nil {
		raw, err = img.RawConfigFile()
	}
	if err != nil {
		return explain("pulling", ref, err)
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("pulling %s: reading its config: %w", ref, err)
	}
	got := v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
	if !matches(want, got) {
		return fmt.Errorf("pulling %s: %w: it is for %s, the board needs %s", ref, ErrPlatform, platformString(got), platformString(want))
	}
	return nil
}

// matches reports whether an image for got runs on want. arm64's only
// variant is v8, so an empty variant equals it; a want without variant
// accepts any.
func matches(want, got v1.Platform) bool {
	norm := func(p v1.Platform) string {
		if p.Architecture == "arm64" && p.Variant == "" {
			return "v8"
		}
		return p.Variant
	}
	if isAny(want) {
		return true
	}
	return want.OS == got.OS && want.Architecture == got.Architecture &&
		(want.Variant == "" || norm(want) == norm(got))
}

func platformString(p v1.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}
