package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/internal/appliance"
	"github.com/wispboot/wisp/internal/publish"
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
	var target, push string
	var asJSON bool
	var pk appliance.Packages
	c := &cobra.Command{
		Use:   "import --target BOARD --kernel-deb FILE.deb|--kernel-apk FILE.apk [--firmware-deb FILE.deb|--firmware-dir DIR]",
		Short: "Import kernel (and firmware) packages as a board base in the local store",
		Long: `Import streams a kernel package — Debian's linux-image-* or Alpine's linux-*
(.apk) — checks the kernel image's header against the board (architecture,
page size), takes the kernel, the board's device trees and the module tree,
derives modules.dep from the modules' .modinfo (compressed modules are
stored decompressed), adds the board's boot firmware (Debian's
raspi-firmware, or a directory), and stores a board base with firmware,
kernel and modules layers, tagged base-BOARD:KERNEL-VERSION and
base-BOARD:latest.`,
		Example: `  wisp base import --target qemu-amd64 --kernel-deb linux-image-6.1.0-28-amd64_*.deb
  wisp base import --target pi4 --kernel-deb linux-image-6.1.0-28-arm64_*.deb --firmware-deb raspi-firmware_*.deb
  wisp base import --target pi5 --kernel-apk linux-rpi-6.6.51-r0.apk --firmware-dir firmware/boot`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			p, err := board(target)
			if err != nil {
				return err
			}
			src, err := g.sources()
			if err != nil {
				return err
			}
			for flag, file := range map[string]string{"--kernel-deb": pk.KernelDeb, "--kernel-apk": pk.KernelAPK, "--firmware-deb": pk.FirmwareDeb} {
				if _, err := os.Stat(file); file != "" && err != nil {
					return fmt.Errorf("%s: %w", flag, err)
				}
			}
			fmt.Fprintf(c.ErrOrStderr(), "importing %s%s for %s…\n", pk.KernelDeb, pk.KernelAPK, p.Name)
			start := time.Now()
			im, err := appliance.Import(c.Context(), src.Store, p, pk)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.ErrOrStderr(), "imported kernel %s with %d modules in %s\n", im.KernelVersion, im.ModuleCount, time.Since(start).Round(time.Millisecond))
			if push != "" {
				if im.Pushed, err = publish.PushStored(c.Context(), src, im.Digest.String(), push, layers.KindBase); err != nil {
					return err
				}
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), im)
			}
			fmt.Fprintf(c.OutOrStdout(), "%s@%s\n", im.Tags[0], im.Digest)
			if im.Pushed != "" {
				fmt.Fprintf(c.OutOrStdout(), "%s\n", im.Pushed)
			}
			return nil
		},
	}
	c.Flags().StringVar(&target, "target", "", targetHelp)
	c.Flags().StringVar(&pk.KernelDeb, "kernel-deb", "", "Debian kernel package (linux-image-*.deb)")
	c.Flags().StringVar(&pk.KernelAPK, "kernel-apk", "", "Alpine kernel package (linux-rpi, linux-virt, … .apk)")
	c.Flags().StringVar(&pk.FirmwareDeb, "firmware-deb", "", "Debian raspi-firmware package, for Raspberry Pi boards")
	c.Flags().StringVar(&pk.FirmwareDir, "firmware-dir", "", "directory of boot firmware files (bootcode.bin, start*.elf, fixup*.dat, overlays/…)")
	c.Flags().StringVar(&push, "push", "", "also push the base to this registry reference")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
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
				local = appliance.BaseTag(p.Name, "latest")
			}
			src, err := g.sources()
			if err != nil {
				return err
			}
			pushed, err := publish.PushStored(c.Context(), src, local, ref, layers.KindBase)
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
