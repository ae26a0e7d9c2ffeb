package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/elfcheck"
)

func newValidate() *cobra.Command {
	var target, binary string
	c := &cobra.Command{
		Use:   "validate --target BOARD --binary PATH",
		Short: "Check that a binary can run on a board: static ELF, architecture, page alignment",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			p, err := board(target)
			if err != nil {
				return err
			}
			if binary == "" {
				return fmt.Errorf("--binary is required")
			}
			if err := elfcheck.CheckFile(binary, elfcheck.Want{Arch: p.Platform.Architecture, PageSize: uint64(p.PageSize)}); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%s: static %s ELF, segments aligned to %d bytes: ok for %s\n", binary, p.Platform.Architecture, p.PageSize, p.Name)
			return nil
		},
	}
	c.Flags().StringVar(&target, "target", "", "board name (see wisp targets)")
	c.Flags().StringVar(&binary, "binary", "", "path of the binary")
	return c
}
