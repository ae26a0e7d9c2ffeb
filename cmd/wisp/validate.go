package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/internal/appliance"
	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/oci"
)

func newValidate(g *globals) *cobra.Command {
	var target settings.Target
	var in settings.Inputs
	c := &cobra.Command{
		Use:   "validate --target BOARD --binary FILE|IMAGE",
		Short: "Check that a binary can run on a board: static ELF, architecture, page alignment",
		Long: `Validate checks the binary wisp build would put in an appliance, without
building one: a file, or the entrypoint (or --binary-path) of an image for
the board's platform, found as wisp build finds it.`,
		Example: "  wisp validate --target pi5 --binary ./svc\n  wisp validate --target qemu-amd64 --binary ghcr.io/org/svc:1.4",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			p, err := board(target.Target)
			if err != nil {
				return err
			}
			if in.Binary == "" {
				return fmt.Errorf("--binary is required")
			}
			in.Board = p
			file := in.Binary
			if _, err := os.Stat(in.Binary); err != nil && oci.IsRegistryRef(in.Binary) {
				src, err := g.sources()
				if err != nil {
					return err
				}
				f, done, err := appliance.FindBinary(c.Context(), src, in)
				if err != nil {
					return err
				}
				defer done()
				file = f
			}
			if err := elfcheck.CheckFile(file, elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%s: static %s ELF, segments aligned to %d bytes: ok for %s\n", in.Binary, p.Platform.Architecture, p.PageSize, p.Name)
			return nil
		},
	}
	settings.Flags(c.Flags(), &target)
	settings.Flags(c.Flags(), &in, "binary", "binary-path")
	return c
}
