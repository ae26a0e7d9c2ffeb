package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/boards"
)

func newTargets() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "targets",
		Short: "List the boards wisp can build for",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ps, err := boards.All()
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(ps)
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TARGET\tPLATFORM\tPAGE\tBOOT\tDESCRIPTION")
			for _, p := range ps {
				var boot []string
				if p.Disk != nil {
					boot = append(boot, "disk image")
				}
				if p.QEMU != nil {
					boot = append(boot, p.QEMU.Binary)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", p.Name, p.Platform, p.PageSize, strings.Join(boot, ", "), p.Description)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the profiles as JSON")
	return c
}
