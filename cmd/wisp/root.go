package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/oci"
)

// globals are the flags every command shares.
type globals struct {
	cache string
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "wisp",
		Short: "Turn one static binary into a bootable single-process appliance",
		Long: `wisp takes one static binary and a board name and produces a bootable
appliance in which that binary is the only process: a kernel and an initrd
holding a small init, the binary and its config. Kernel, modules, init,
binary and config are OCI layers; bases and appliances live in an OCI image
layout (the local store) and are tagged like images.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.cache, "cache", oci.DefaultDir(), "local store directory (env WISP_CACHE)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see wisp %s --help)", err, c.Name())
	})
	root.AddCommand(newTargets(), newBase(g), newBuild(g), newRun(g), newValidate())
	return root
}

func (g *globals) store() (*oci.Store, error) {
	return oci.OpenStore(g.cache)
}

// board looks up --target.
func board(name string) (*boards.Profile, error) {
	if name == "" {
		return nil, fmt.Errorf("--target is required (one of %v, or a profile .json file)", boards.Names())
	}
	p, err := boards.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("--target: %w", err)
	}
	return p, nil
}
