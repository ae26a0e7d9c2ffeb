package appliance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/internal/ctxio"
	"github.com/wispboot/wisp/internal/kernelpkg"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// BaseTag is the store tag of a board's base for a kernel version;
// version "latest" names the most recently imported one.
func BaseTag(board, version string) string { return "base-" + board + ":" + version }

// Imported describes a base stored by Import.
type Imported struct {
	Tags          []string `json:"tags"`
	Digest        v1.Hash  `json:"digest"`
	KernelVersion string   `json:"kernelVersion"`
	ModuleCount   int      `json:"moduleCount"`
	Pushed        string   `json:"pushed,omitempty"` // set by the caller that pushes it
}

// Packages are where a base comes from: one kernel package, and firmware
// for boards that need it.
type Packages struct {
	KernelDeb   string // Debian linux-image-*.deb
	KernelAPK   string // Alpine linux-*.apk
	FirmwareDeb string // Debian raspi-firmware .deb
	FirmwareDir string // a directory of boot firmware files
}

// Import makes a board base from kernel (and firmware) packages and stores
// it as BaseTag(board, version) and BaseTag(board, "latest").
func Import(ctx context.Context, s *oci.Store, p *boards.Profile, pk Packages) (*Imported, error) {
	if err := pk.check(p); err != nil {
		return nil, err
	}
	fw, err := importFirmware(ctx, p, pk, s.TempDir())
	if err != nil {
		return nil, err
	}
	if fw != nil {
		defer fw.Close()
	}
	b, err := importKernel(ctx, p, pk, s.TempDir())
	if err != nil {
		return nil, err
	}
	defer b.Close()
	if b.Architecture != p.Platform.Architecture {
		return nil, fmt.Errorf("the kernel package is for %s, board %s is %s", b.Architecture, p.Name, p.Platform.Architecture)
	}
	adds := []mutate.Addendum{b.Kernel, b.Modules}
	if fw != nil {
		adds = append([]mutate.Addendum{fw.Addendum}, adds...)
	}
	img, err := compose.ForBoard(p, map[string]string{
		layers.LabelKind:          layers.KindBase,
		layers.LabelBoard:         p.Name,
		layers.LabelKernelVersion: b.KernelVersion,
	}, v1.Config{}, adds...)
	if err != nil {
		return nil, err
	}
	tags := []string{BaseTag(p.Name, b.KernelVersion), BaseTag(p.Name, "latest")}
	desc, err := s.WriteImage(img, tags[0])
	if err != nil {
		return nil, fmt.Errorf("storing base: %w", err)
	}
	if err := s.Tag(tags[1], desc); err != nil {
		return nil, err
	}
	return &Imported{Tags: tags, Digest: desc.Digest, KernelVersion: b.KernelVersion, ModuleCount: b.ModuleCount}, nil
}

// check catches wrong combinations before anything is read.
func (pk Packages) check(p *boards.Profile) error {
	switch {
	case pk.KernelDeb != "" && pk.KernelAPK != "":
		return fmt.Errorf("give one kernel package: --kernel-deb or --kernel-apk")
	case pk.KernelDeb == "" && pk.KernelAPK == "":
		return fmt.Errorf("a kernel package is required: --kernel-deb FILE.deb (Debian linux-image-*) or --kernel-apk FILE.apk (Alpine linux-*)")
	case pk.FirmwareDeb != "" && pk.FirmwareDir != "":
		return fmt.Errorf("give one firmware source: --firmware-deb or --firmware-dir")
	case pk.FirmwareDeb == "" && pk.FirmwareDir == "" && p.Disk != nil && len(p.Disk.Firmware) > 0:
		return fmt.Errorf("board %s needs its boot firmware (%s): pass --firmware-deb (Debian's raspi-firmware) or --firmware-dir", p.Name, strings.Join(p.Disk.Firmware, ", "))
	}
	return nil
}

// importKernel reads the kernel package named in pk.
func importKernel(ctx context.Context, p *boards.Profile, pk Packages, tmp string) (*kernelpkg.Base, error) {
	k := kernelpkg.Kernel{File: p.Kernel.File, Format: p.Kernel.Format, Arch: p.Platform.Architecture, PageSize: p.PageSize, DTBs: p.DTBs}
	file, read := pk.KernelDeb, kernelpkg.ImportDeb
	if pk.KernelAPK != "" {
		file, read = pk.KernelAPK, kernelpkg.ImportAPK
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("kernel package: %w", err)
	}
	defer f.Close()
	b, err := read(ctx, ctxio.Reader(ctx, f), k, tmp)
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w", file, err)
	}
	return b, nil
}

// importFirmware reads the firmware the board needs; nil if it needs none
// and none was given.
func importFirmware(ctx context.Context, p *boards.Profile, pk Packages, tmp string) (*kernelpkg.Firmware, error) {
	var required []string
	if p.Disk != nil {
		required = p.Disk.Firmware
	}
	var fw *kernelpkg.Firmware
	var from string
	var err error
	switch {
	case pk.FirmwareDeb != "":
		from = pk.FirmwareDeb
		f, err := os.Open(pk.FirmwareDeb)
		if err != nil {
			return nil, fmt.Errorf("--firmware-deb: %w", err)
		}
		defer f.Close()
		fw, err = kernelpkg.FirmwareFromDeb(ctx, ctxio.Reader(ctx, f), tmp)
		if err != nil {
			return nil, fmt.Errorf("importing %s: %w", from, err)
		}
	case pk.FirmwareDir != "":
		from = pk.FirmwareDir
		if fw, err = kernelpkg.FirmwareFromDir(pk.FirmwareDir); err != nil {
			return nil, fmt.Errorf("--firmware-dir: %w", err)
		}
	default:
		return nil, nil
	}
	if missing := kernelpkg.MissingFirmware(fw.Files, required); len(missing) > 0 {
		fw.Close()
		return nil, fmt.Errorf("firmware %s has no %s, which board %s boots with", from, strings.Join(missing, ", "), p.Name)
	}
	return fw, nil
}

// baseImage finds the base: ref if given, else the store's latest import
// for the board, else the board's default base reference.
func baseImage(ctx context.Context, src oci.Sources, p *boards.Profile, ref string) (v1.Image, string, error) {
	if ref == "" {
		img, used, err := src.Image(ctx, BaseTag(p.Name, "latest"), p.ImagePlatform(), "")
		if !errors.Is(err, oci.ErrNotFound) {
			return img, used, err
		}
		hint := fmt.Sprintf("import one with `wisp base import --target %s --kernel-deb FILE.deb`, or pass --base REF", p.Name)
		if p.Base == "" || src.Remote == nil {
			return nil, "", fmt.Errorf("no base for %s in the local store %s: %s", p.Name, src.Store.Dir(), hint)
		}
		img, used, err = src.Image(ctx, p.Base, p.ImagePlatform(), "")
		if err != nil {
			return nil, "", fmt.Errorf("no base for %s in the local store, and the board's default base failed: %w; %s", p.Name, err, hint)
		}
		return img, used, nil
	}
	img, used, err := src.Image(ctx, ref, p.ImagePlatform(), "")
	if errors.Is(err, oci.ErrNotFound) {
		return nil, "", fmt.Errorf("base %s is not in the local store %s: import one with `wisp base import --target %s --kernel-deb FILE.deb`, or give a registry reference", ref, src.Store.Dir(), p.Name)
	}
	return img, used, err
}
