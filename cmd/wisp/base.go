package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/build"
	"github.com/wispboot/wisp/layers"
)

func newBase(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "base",
		Short: "Make and list board bases (kernel and modules as OCI layers)",
	}
	c.AddCommand(newBaseImport(g), newBasePush(g), newBaseList(g))
	return c
}

func newBaseImport(g *globals) *cobra.Command {
	var target, deb, push string
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
			src, err := g.sources()
			if err != nil {
				return err
			}
			fi, err := os.Stat(deb)
			if err != nil {
				return fmt.Errorf("--kernel-deb: %w", err)
			}
			fmt.Fprintf(c.ErrOrStderr(), "importing %s (%s) for %s…\n", deb, size(fi.Size()), p.Name)
			start := time.Now()
			im, err := build.ImportDebFile(c.Context(), src.Store, p, deb)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.ErrOrStderr(), "imported kernel %s with %d modules in %s\n", im.KernelVersion, im.ModuleCount, time.Since(start).Round(time.Millisecond))
			fmt.Fprintf(c.OutOrStdout(), "%s@%s\n", im.Tags[0], im.Digest)
			if push == "" {
				return nil
			}
			pushed, err := build.PushStored(c.Context(), src, im.Digest.String(), push, layers.KindBase)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%s\n", pushed)
			return nil
		},
	}
	c.Flags().StringVar(&target, "target", "", "board name (see wisp targets)")
	c.Flags().StringVar(&deb, "kernel-deb", "", "Debian kernel package (linux-image-*.deb)")
	c.Flags().StringVar(&push, "push", "", "also push the base to this registry reference")
	return c
}

func newBasePush(g *globals) *cobra.Command {
	var target string
	var asJSON bool
	c := &cobra.Command{
		Use:   "push [LOCAL-TAG] REF",
		Short: "Push a base from the local store to a registry",
		Long: `Push uploads a base from the local store (LOCAL-TAG, a tag or digest; by
default base-BOARD:latest for --target) to the registry reference REF.
Blobs the registry already has are not sent again.`,
		Example: "  wisp base push base-qemu-amd64:latest ghcr.io/org/wisp/base-qemu-amd64:6.1\n  wisp base push --target qemu-amd64 localhost:5000/base-qemu-amd64:6.1",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			local, ref := "", args[len(args)-1]
			if len(args) == 2 {
				local = args[0]
			} else {
				p, err := board(target)
				if err != nil {
					return fmt.Errorf("%w (or name the local base: wisp base push LOCAL-TAG REF)", err)
				}
				local = build.BaseTag(p.Name, "latest")
			}
			src, err := g.sources()
			if err != nil {
				return err
			}
			pushed, err := build.PushStored(c.Context(), src, local, ref, layers.KindBase)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), map[string]string{"local": local, "pushed": pushed})
			}
			fmt.Fprintln(c.OutOrStdout(), pushed)
			return nil
		},
	}
	c.Flags().StringVar(&target, "target", "", "board whose latest imported base to push, when LOCAL-TAG is not given")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
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
