package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/internal/appliance"
	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/oci"
)

// globals are the flags every command shares.
type globals struct {
	cache            string
	insecure         bool
	insecureRegistry []string
	registryTimeout  time.Duration
	fetch            settings.Fetch
	progress         *progress
	opened           []*oci.Store // closed when the command ends
	warnedInsecure   bool
}

func newRoot() (*cobra.Command, *globals) {
	g := &globals{}
	root := &cobra.Command{
		Use:   "wisp",
		Short: "Turn one static binary into a bootable single-process appliance",
		Long: `wisp takes one static binary and a board name and produces a bootable
appliance in which that binary is the only process: a kernel and an initrd
holding a small init, the binary and its config. Kernel, modules, init,
binary and config are OCI layers; bases and appliances are OCI images, kept
in a local store (an OCI image layout) and pushed to or pulled from any
OCI registry.

References: a name whose first component is a registry host (with a dot or
a port, or localhost), like ghcr.io/org/svc:1.4 or localhost:5000/base:6.1,
is a registry reference; anything else is a local store tag or a file.
Registries on this machine may use plain HTTP; others need TLS unless
named with --insecure-registry, and credentials are never sent to them
over plain HTTP. Credentials come from the Docker config (DOCKER_CONFIG,
~/.docker/config.json) and its credential helpers.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.cache, "cache", oci.DefaultDir(), "local store directory (env WISP_CACHE)")
	pf.StringArrayVar(&g.insecureRegistry, "insecure-registry", nil, "allow plain HTTP and unverified TLS to this registry, as HOST or HOST:PORT (repeatable); credentials still never go over plain HTTP")
	pf.BoolVar(&g.insecure, "insecure", false, "allow plain HTTP and unverified TLS to every registry (prefer --insecure-registry)")
	pf.DurationVar(&g.registryTimeout, "registry-timeout", oci.DefaultTimeout, "give up on a registry that sends nothing for this long")
	settings.Flags(pf, &g.fetch)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see wisp %s --help)", err, c.Name())
	})
	root.AddCommand(newTargets(), newBase(g), newBuild(g), newRun(g), newExport(g), newFlash(g), newInspect(g), newInit(g), newValidate(g))
	return root, g
}

func (g *globals) store() (*oci.Store, error) {
	s, err := oci.OpenStore(g.cache)
	if err == nil {
		g.opened = append(g.opened, s)
	}
	return s, err
}

// close releases what the command opened.
func (g *globals) close() {
	for _, s := range g.opened {
		s.Close()
	}
	g.opened = nil
}

// sources opens the store and sets up registry access.
func (g *globals) sources() (oci.Sources, error) {
	s, err := g.store()
	if err != nil {
		return oci.Sources{}, err
	}
	policy, err := oci.ParsePullPolicy(g.fetch.Pull)
	if err != nil {
		return oci.Sources{}, fmt.Errorf("--pull: %w", err)
	}
	for _, h := range g.insecureRegistry {
		if h == "" || strings.ContainsAny(h, "/ ") {
			return oci.Sources{}, fmt.Errorf("--insecure-registry %q: want a registry as HOST or HOST:PORT, like 10.0.0.5:5000", h)
		}
	}
	if g.insecure && !g.warnedInsecure {
		fmt.Fprintln(g.progress.w, "warning: --insecure allows plain HTTP and unverified TLS to every registry this command reaches; name the one that needs it with --insecure-registry HOST")
		g.warnedInsecure = true
	}
	r := oci.NewRemote(oci.WithInsecure(g.insecure), oci.WithInsecureRegistry(g.insecureRegistry...), oci.WithTimeout(g.registryTimeout),
		oci.WithUserAgent("wisp/"+version), oci.WithProgress(g.progress.channel))
	return oci.Sources{Store: s, Remote: r, Pull: policy}, nil
}

// targetHelp is the help of every --target flag.
var targetHelp = settings.Fields(&settings.Target{})[0].Help

// loadAppliance loads an appliance by store tag, digest or registry
// reference; target, if not "", names its board instead of its label
// (a profile file, for a custom board).
func loadAppliance(c *cobra.Command, src oci.Sources, ref, target string) (*appliance.Loaded, error) {
	var p *boards.Profile
	if target != "" {
		var err error
		if p, err = board(target); err != nil {
			return nil, err
		}
	}
	return appliance.Load(c.Context(), src, ref, p)
}

// board looks up --target: a built-in board, or a profile file the
// user names here (a name ending in .json), the only way a profile file
// is ever read.
func board(name string) (*boards.Profile, error) {
	if name == "" {
		return nil, fmt.Errorf("--target is required (one of %v, or a profile .json file)", boards.Names())
	}
	lookup := boards.Lookup
	if strings.HasSuffix(name, ".json") {
		lookup = boards.Load
	}
	p, err := lookup(name)
	if err != nil {
		return nil, fmt.Errorf("--target: %w", err)
	}
	return p, nil
}
