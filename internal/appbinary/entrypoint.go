package appbinary

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/limits"
)

// ErrNoEntrypoint is returned for an image whose config names no binary
// to run (no Entrypoint and no Cmd), or only a shell command.
var ErrNoEntrypoint = errors.New("the image names no binary to run")

// defaultPATH is the PATH container runtimes use when the image sets none
// (runc, containerd: oci.DefaultPathEnv).
const defaultPATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// InImage is the user's binary found in an app image, extracted to a
// file, with the defaults the image config gives the appliance.
type InImage struct {
	Name       string   // argv[0] as the image names the binary (before symlinks), base name only
	Path       string   // absolute path of the binary in the image, after following symlinks
	File       string   // the extracted binary, a temporary file in the tmpDir given (caller removes it)
	Args       []string // arguments after argv[0]: the rest of Entrypoint, then Cmd (none with a binaryPath)
	Env        []string // the image config's Env
	User       string   // the image config's User, verbatim ("" if unset)
	WorkingDir string   // the image config's WorkingDir, verbatim ("" if unset)
}

// FromImage finds the binary of img and extracts it to a file under
// tmpDir. The binary is argv[0] of the image's command: Entrypoint[0], or
// Cmd[0] when there is no Entrypoint. A name with a slash is taken from
// WorkingDir (default /), a bare name is looked up in the PATH of the
// image's Env, like a container runtime does: the first directory holding
// an executable regular file of that name wins.
//
// binaryPath, if not "", names the binary instead (for an image whose
// entrypoint is a wrapper script) and, like docker run --entrypoint,
// replaces the image's whole command: Args is then empty, since the
// image's arguments were written for the program they no longer reach.
//
// Paths are resolved in the flattened image (whiteouts applied) like the
// kernel resolves them in a chroot at the image root: symlinks are
// followed and never lead out of the image, which is read as a stream,
// twice (headers, then the one file), and never unpacked. Errors wrap
// ErrNoEntrypoint when the image names no binary and ErrNotInImage when
// the binary is missing or whited out, and name the image by digest.
//
// The binary may be at most max bytes (and never more than limits.Binary).
func FromImage(ctx context.Context, img v1.Image, binaryPath, tmpDir string, max int64) (*InImage, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading image config: %w", err)
	}
	c := cf.Config
	argv0, args, err := command(c, binaryPath)
	if err != nil {
		return nil, err
	}
	fsys, err := readImageFS(ctx, img)
	if err != nil {
		return nil, err
	}
	name, content, err := fsys.find(argv0, c.WorkingDir, c.Env)
	if err != nil {
		return nil, fmt.Errorf("finding the binary %s in image %s: %w", argv0, imageID(img), err)
	}
	file, err := extractFile(ctx, img, content, tmpDir, min(max, limits.Binary))
	if err != nil {
		return nil, fmt.Errorf("extracting /%s from image %s: %w", name, imageID(img), err)
	}
	return &InImage{
		Name: path.Base(argv0), Path: "/" + name, File: file, Args: args,
		Env: slices.Clone(c.Env), User: c.User, WorkingDir: c.WorkingDir,
	}, nil
}

// command splits the image's command into the binary and its arguments.
func command(c v1.Config, binaryPath string) (string, []string, error) {
	if binaryPath != "" {
		return binaryPath, nil, nil
	}
	ep := c.Entrypoint
	if len(ep) == 1 && ep[0] == "" {
		ep = nil // ENTRYPOINT [""] resets the entrypoint
	}
	argv := slices.Concat(ep, c.Cmd)
	switch {
	case len(argv) == 0 || argv[0] == "":
		return "", nil, fmt.Errorf("%w: its config sets neither Entrypoint nor Cmd; pass --binary-path", ErrNoEntrypoint)
	case len(argv) > 1 && argv[1] == "-c" && slices.Contains(shells, path.Base(argv[0])):
		return "", nil, fmt.Errorf("%w: its command is a shell command (%q) and an appliance has no shell; pass --binary-path",
			ErrNoEntrypoint, strings.Join(argv, " "))
	}
	if len(argv) == 1 {
		return argv[0], nil, nil
	}
	return argv[0], argv[1:], nil
}

// shells are the names whose "-c" commands (Dockerfile's shell form) wisp
// cannot run.
var shells = []string{"sh", "bash", "ash", "dash"}

func imageID(img v1.Image) string {
	d, err := img.Digest()
	if err != nil {
		return "(digest unknown)"
	}
	return d.String()
}
