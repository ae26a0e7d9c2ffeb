package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/internal/artifacts"
)

func newExport(g *globals) *cobra.Command {
	var out, target string
	var asJSON bool
	c := &cobra.Command{
		Use:   "export APPLIANCE --out DIR",
		Short: "Write the boot files of a built appliance (store tag, digest or registry reference)",
		Long: `Export flattens an appliance image, from the local store or pulled from a
registry, into DIR: kernel and initrd.img for QEMU boards. Nothing is
rebuilt; the files are those of the image's layers.`,
		Example: "  wisp export localhost:5000/svc-appliance:1.4 --out out/",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			src, err := g.sources()
			if err != nil {
				return err
			}
			app, err := loadAppliance(c, src, args[0], target)
			if err != nil {
				return err
			}
			a, err := artifacts.Export(c.Context(), app.Image, app.Board, out, src.Store)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), map[string]any{"ref": app.Ref, "board": app.Board.Name, "artifacts": a})
			}
			fmt.Fprintf(c.OutOrStdout(), "%s (%s)\n", app.Ref, app.Board.Name)
			for _, f := range a.Files {
				fmt.Fprintf(c.OutOrStdout(), "  %-10s %s  %s  sha256:%s\n", f.Name, f.Path, size(f.Size), f.SHA256)
			}
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "directory for the boot files")
	c.Flags().StringVar(&target, "target", "", targetHelp+" to use instead of the one the image names")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return c
}
