package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/build"
	"github.com/wispboot/wisp/elfcheck"
	"github.com/wispboot/wisp/oci"
)

func newValidate(g *globals) *cobra.Command {
	var target, binary, binaryPath string
	c := &cobra.Command{
		Use:   "validate --target BOARD --binary FILE|IMAGE",
		Short: "Check that a binary can run on a board: static ELF, architecture, page alignment",
		Long: `Validate checks the binary wisp build would put in an appliance, without
building one: a file, or the entrypoint (or --binary-path) of an image for
the board's platform, found as wisp build finds it.`,
		Example: "  wisp validate --target pi5 --binary ./svc\n  wisp validate --target qemu-amd64 --binary ghcr.io/org/svc:1.4",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			p, err := board(target)
			if err != nil {
				return err
			}
			if binary == "" {
				return fmt.Errorf("--binary is required")
			}
			file := binary
			if _, err := os.Stat(binary); err != nil && oci.IsRegistryRef(binary) {
				src, err := g.sources()
				if err != nil {
					return err
				}
				f, done, err := build.FindBinary(c.Context(), src, p, binary, binaryPath)
				if err != nil {
					return err
				}
				defer done()
				file = f
			}
			if err := elfcheck.CheckFile(file, elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%s: static %s ELF, segments aligned to %d bytes: ok for %s\n", binary, p.Platform.Architecture, p.PageSize, p.Name)
			return nil
		},
	}
	c.Flags().StringVar(&target, "target", "", targetHelp)
	c.Flags().StringVar(&binary, "binary", "", "the binary: a local file, or an image reference whose entrypoint is the binary")
	c.Flags().StringVar(&binaryPath, "binary-path", "", "path of the binary inside the --binary image, when its entrypoint is a wrapper")
	return c
}
