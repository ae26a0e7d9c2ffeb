package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/build"
)

func newBuild(g *globals) *cobra.Command {
	f := &buildFlags{}
	c := &cobra.Command{
		Use:   "build --target BOARD --binary PATH [--ip CIDR --gateway IP] --out DIR",
		Short: "Build an appliance: store its image and write its boot files",
		Long: `Build validates the binary (static ELF for the board's architecture),
stacks the base's kernel, the board's modules, the init, the binary and its
config as OCI layers into an appliance image, stores it in the local store,
and flattens it into DIR: kernel and initrd.img for QEMU boards.`,
		Example: "  wisp build --target qemu-amd64 --binary ./svc --ip 10.0.2.15/24 --gateway 10.0.2.2 --out out/",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			req, err := f.request()
			if err != nil {
				return err
			}
			s, err := g.store()
			if err != nil {
				return err
			}
			start := time.Now()
			res, err := build.Build(c.Context(), s, req)
			if err != nil {
				return err
			}
			printResult(c.OutOrStdout(), res, time.Since(start))
			return nil
		},
	}
	f.register(c.Flags())
	c.Flags().StringVar(&f.out, "out", "", "directory for the boot files (kernel, initrd.img); without it only the image is stored")
	return c
}

func printResult(w io.Writer, r *build.Result, took time.Duration) {
	fmt.Fprintf(w, "appliance %s@%s (%s)\n", r.Tag, r.Digest, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  base     %s\n", r.Base)
	fmt.Fprintf(w, "  modules  %d\n", len(r.Modules))
	if a := r.Artifacts; a != nil {
		fmt.Fprintf(w, "  kernel   %s\n", a.Kernel)
		fmt.Fprintf(w, "  initrd   %s (%s, %d entries, %s uncompressed)\n", a.Initrd, size(a.Stats.Compressed), a.Stats.Entries, size(a.Stats.Bytes))
	}
}
