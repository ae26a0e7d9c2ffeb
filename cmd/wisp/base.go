package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/build"
)

func newBase(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "base",
		Short: "Make and list board bases (kernel and modules as OCI layers)",
	}
	c.AddCommand(newBaseImport(g), newBaseList(g))
	return c
}

func newBaseImport(g *globals) *cobra.Command {
	var target, deb string
	c := &cobra.Command{
		Use:   "import --target BOARD --kernel-deb FILE.deb",
		Short: "Import a Debian kernel package as a board base in the local store",
		Long: `Import streams a Debian kernel package (linux-image-*), takes the kernel
image and the module tree, derives modules.dep from the modules' .modinfo
and stores a board base with a kernel and a modules layer. It is tagged
base-BOARD:KERNEL-VERSION and base-BOARD:latest.`,
		Example: "  apt-get download linux-image-6.1.0-28-amd64\n  wisp base import --target qemu-amd64 --kernel-deb linux-image-6.1.0-28-amd64_*.deb",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			p, err := board(target)
			if err != nil {
				return err
			}
			if deb == "" {
				return fmt.Errorf("--kernel-deb is required")
			}
			s, err := g.store()
			if err != nil {
				return err
			}
			fi, err := os.Stat(deb)
			if err != nil {
				return fmt.Errorf("--kernel-deb: %w", err)
			}
			fmt.Fprintf(c.ErrOrStderr(), "importing %s (%s) for %s…\n", deb, size(fi.Size()), p.Name)
			start := time.Now()
			im, err := build.ImportDebFile(c.Context(), s, p, deb)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.ErrOrStderr(), "imported kernel %s with %d modules in %s\n", im.KernelVersion, im.ModuleCount, time.Since(start).Round(time.Millisecond))
			fmt.Fprintf(c.OutOrStdout(), "%s@%s\n", im.Tags[0], im.Digest)
			return nil
		},
	}
	c.Flags().StringVar(&target, "target", "", "board name (see wisp targets)")
	c.Flags().StringVar(&deb, "kernel-deb", "", "Debian kernel package (linux-image-*.deb)")
	return c
}

func newBaseList(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the bases and appliances in the local store",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			s, err := g.store()
			if err != nil {
				return err
			}
			tags, err := s.Tags()
			if err != nil {
				return err
			}
			for _, t := range tags {
				fmt.Fprintf(c.OutOrStdout(), "%s\t%s\n", t.Name, t.Descriptor.Digest)
			}
			return nil
		},
	}
}

// size formats a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
