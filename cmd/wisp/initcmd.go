package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/internal/initbin"
)

func newInit(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "init",
		Short: "Publish the init embedded in wisp as a multi-platform image",
	}
	var asJSON bool
	push := &cobra.Command{
		Use:   "push REF",
		Short: "Push the embedded inits (amd64, arm64, riscv64) as one multi-platform image",
		Long: `Push publishes the init programs embedded in this wisp as an OCI image
index, one image per architecture, each holding a single init layer. Builds
can then use it with --init REF instead of the embedded init.`,
		Example: "  wisp init push localhost:5000/wisp/init:1\n  wisp build --target qemu-amd64 --binary ./svc --init localhost:5000/wisp/init:1",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			src, err := g.sources()
			if err != nil {
				return err
			}
			idx, err := compose.InitIndex(version, initbin.For)
			if err != nil {
				return err
			}
			d, err := src.Remote.PushIndex(c.Context(), args[0], idx)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), map[string]string{"pushed": d})
			}
			fmt.Fprintln(c.OutOrStdout(), d)
			return nil
		},
	}
	push.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	c.AddCommand(push)
	return c
}
