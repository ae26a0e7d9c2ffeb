package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/flash"
	"github.com/wispboot/wisp/internal/artifacts"
	"github.com/wispboot/wisp/internal/cleanup"
	"github.com/wispboot/wisp/limits"
)

func newFlash(g *globals) *cobra.Command {
	var yes, force bool
	c := &cobra.Command{
		Use:   "flash IMAGE|APPLIANCE DEVICE",
		Short: "Write a disk image (a file, or an appliance by reference) to an SD card",
		Long: `Flash writes a disk image to DEVICE (a whole disk like /dev/sdb or
/dev/mmcblk0, or an existing regular file) and verifies it by reading it
back. IMAGE is a .img file from wisp build, or an appliance for a disk
board by store tag, digest or registry reference (its image is written
first).

Flash refuses mounted disks, partitions, read-only cards, devices smaller
than the image and, without --force, disks that are not removable (not on
USB or an SD slot). It asks before writing unless --yes.`,
		Example: "  wisp flash out/pi4.img /dev/sdb\n  wisp flash ghcr.io/org/svc-pi4:1.4 /dev/mmcblk0 --yes",
		Args:    cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			image, target := args[0], args[1]
			if _, err := os.Stat(image); err != nil {
				dir, err := os.MkdirTemp("", "wisp-flash-*")
				if err != nil {
					return err
				}
				defer cleanup.Add(dir)()
				defer os.RemoveAll(dir)
				if image, err = exportImage(c, g, image, dir); err != nil {
					return err
				}
			}
			fi, err := os.Stat(image)
			if err != nil {
				return fmt.Errorf("image: %w", err)
			}
			// The device is opened before the question, and what is
			// written goes through that descriptor: a link or a card
			// that changes meanwhile is refused, never written.
			d, err := flash.Open(target, fi.Size(), flash.WithForce(force), flash.WithProgress(flashProgress(c)))
			if err != nil {
				return err
			}
			defer d.Close()
			if !yes {
				fmt.Fprintf(c.ErrOrStderr(), "Write %s (%s) to %s? This erases it. [y/N] ", image, size(fi.Size()), d.Describe())
				answer, _ := bufio.NewReader(c.InOrStdin()).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					return fmt.Errorf("not written: the answer was %q, not yes", limits.Text(strings.TrimSpace(answer), 40))
				}
			}
			if err := d.Write(c.Context(), image); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "wrote and verified %s on %s\n", image, d.Path)
			return nil
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask before writing")
	c.Flags().BoolVar(&force, "force", false, "write to a disk that is not removable (never to a mounted one)")
	return c
}

// exportImage writes an appliance's disk image into dir and returns its path.
func exportImage(c *cobra.Command, g *globals, ref, dir string) (string, error) {
	src, err := g.sources()
	if err != nil {
		return "", err
	}
	app, err := loadAppliance(c, src, ref, "")
	if err != nil {
		return "", fmt.Errorf("%s is neither an image file nor an appliance: %w", ref, err)
	}
	if app.Board.Disk == nil {
		return "", fmt.Errorf("%s is for %s, which boots in QEMU, not from a disk", ref, app.Board.Name)
	}
	a, err := artifacts.Export(c.Context(), app.Image, app.Board, dir, src.Store)
	if err != nil {
		return "", err
	}
	return a.Image, nil
}

// flashProgress draws one bar per phase on a terminal, a line per phase
// elsewhere.
func flashProgress(c *cobra.Command) func(phase string, done, total int64) {
	w := c.ErrOrStderr()
	last := ""
	return func(phase string, done, total int64) {
		if isTerminal(w) {
			fmt.Fprintf(w, "\r%-7s %3d%% %s / %s ", phase, 100*done/max(total, 1), size(done), size(total))
			if done == total {
				fmt.Fprintln(w)
			}
			return
		}
		if phase != last {
			fmt.Fprintf(w, "%s…\n", phase)
			last = phase
		}
	}
}
