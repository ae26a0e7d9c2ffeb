package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/internal/appliance"
	"github.com/wispboot/wisp/internal/settings"
)

func newBuild(g *globals) *cobra.Command {
	f := &buildFlags{}
	var asJSON bool
	c := &cobra.Command{
		Use:   "build --target BOARD --binary FILE|IMAGE [--ip CIDR --gateway IP] [--out DIR] [--push REF]",
		Short: "Build an appliance: store its image, write its boot files, push it",
		Long: `Build validates the binary (static ELF for the board's architecture),
stacks the base's kernel, the board's modules, the init, the binary and its
config as OCI layers into an appliance image, stores it in the local store,
pushes it with --push, and flattens it into DIR: kernel and initrd.img for
QEMU boards.

--binary may be an image reference: the board's platform is picked from an
index, the entrypoint (Entrypoint[0], else Cmd[0]; relative to WorkingDir;
bare names looked up on the image's PATH) is taken out of the flattened
image, and the image's other arguments, Env and numeric User become the
defaults (--arg, --env, --user override them).`,
		Example: `  wisp build --target qemu-amd64 --binary ./svc --ip 10.0.2.15/24 --gateway 10.0.2.2 --out out/
  wisp build --target qemu-amd64 --binary ghcr.io/org/svc:1.4 --push ghcr.io/org/svc-appliance:1.4`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.file != "" {
				if err := applyWispFile(c.Flags(), f.file); err != nil {
					return err
				}
			}
			in, err := f.inputs()
			if err != nil {
				return err
			}
			src, err := g.sources()
			if err != nil {
				return err
			}
			start := time.Now()
			res, err := appliance.Build(c.Context(), src, in, f.set, f.out,
				appliance.WithWarnings(c.ErrOrStderr()), appliance.WithVersion(version))
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), res)
			}
			printResult(c.OutOrStdout(), res, time.Since(start))
			return nil
		},
	}
	f.register(c.Flags())
	settings.Flags(c.Flags(), &f.out)
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return c
}

func printResult(w io.Writer, r *appliance.Result, took time.Duration) {
	fmt.Fprintf(w, "appliance %s@%s (%s)\n", r.Tag, r.Digest, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  base     %s\n", r.Base)
	fmt.Fprintf(w, "  binary   %s\n", r.Binary)
	if r.Init != "" {
		fmt.Fprintf(w, "  init     %s\n", r.Init)
	}
	fmt.Fprintf(w, "  modules  %d\n", len(r.Modules))
	if r.Pushed != "" {
		fmt.Fprintf(w, "  pushed   %s\n", r.Pushed)
	}
	if a := r.Artifacts; a != nil {
		for _, f := range a.Files {
			fmt.Fprintf(w, "  %-8s %s (%s, sha256:%s)\n", strings.TrimSuffix(f.Name, filepath.Ext(f.Name)), f.Path, size(f.Size), f.SHA256[:12])
		}
		if a.Stats.Compressed == a.Stats.Bytes {
			fmt.Fprintf(w, "  initramfs %d entries, %s, not compressed\n", a.Stats.Entries, size(a.Stats.Bytes))
		} else {
			fmt.Fprintf(w, "  initramfs %d entries, %s unpacked, %s compressed\n", a.Stats.Entries, size(a.Stats.Bytes), size(a.Stats.Compressed))
		}
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
