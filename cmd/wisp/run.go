package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/boards"
	"github.com/wispboot/wisp/internal/appliance"
	"github.com/wispboot/wisp/internal/artifacts"
	"github.com/wispboot/wisp/internal/cleanup"
	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/qemu"
)

// QEMU user networking's fixed addresses, the defaults of wisp run.
const (
	userNetIP      = "10.0.2.15/24"
	userNetGateway = "10.0.2.2"
	userNetDNS     = "10.0.2.3"
)

func newRun(g *globals) *cobra.Command {
	f := &buildFlags{}
	var r settings.Run
	var qemuArgs []string
	c := &cobra.Command{
		Use:   "run [APPLIANCE] | run --target BOARD --binary FILE|IMAGE [--forward HOST:GUEST]",
		Short: "Boot an appliance in QEMU, built on the spot or by reference, console on stdout",
		Long: `Run boots an appliance in QEMU with its board's settings. Given an
APPLIANCE (a store tag or digest, or a registry reference of a pushed
appliance) it boots that image as built; otherwise it builds like wisp build
(into a temporary directory unless --out) and boots the result.

Forwards listen on 127.0.0.1 only. When building without --ip, the interface
gets QEMU user networking's address (10.0.2.15/24, gateway 10.0.2.2, DNS
10.0.2.3). Ctrl-C or --timeout stops QEMU and removes the temporary files.`,
		Example: `  wisp run --target qemu-amd64 --binary ./svc --forward 8080:8080 --accel tcg
  wisp run localhost:5000/svc-appliance:1.4 --forward 8080:8080`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				if err := buildOnly(c); err != nil {
					return err
				}
			}
			if f.file != "" {
				if err := applyWispFile(c.Flags(), f.file); err != nil {
					return err
				}
			}
			var fwd []qemu.Forward
			for _, s := range r.Forward {
				fw, err := qemu.ParseForward(s)
				if err != nil {
					return fmt.Errorf("--forward: %w", err)
				}
				fwd = append(fwd, fw)
			}
			if _, err := qemu.ChooseAccel(r.Accel); err != nil {
				return fmt.Errorf("--accel: %w", err)
			}
			src, err := g.sources()
			if err != nil {
				return err
			}
			out := f.out.Out
			if out == "" {
				dir, err := os.MkdirTemp("", "wisp-run-*")
				if err != nil {
					return err
				}
				defer cleanup.Add(dir)()
				defer os.RemoveAll(dir)
				out = dir
			}
			var name string
			var p *boards.Profile
			var a *artifacts.Output
			if len(args) == 1 {
				app, err := loadAppliance(c, src, args[0], f.target.Target)
				if err != nil {
					return err
				}
				if a, err = artifacts.Export(c.Context(), app.Image, app.Board, out, src.Store); err != nil {
					return err
				}
				name, p = app.Ref, app.Board
			} else {
				// QEMU user networking's addresses, for boards with a NIC there.
				set := f.set
				if p, err := board(f.target.Target); err == nil && len(set.IP) == 0 && !set.DHCP && p.QEMU != nil && p.QEMU.NIC != "" {
					set.IP, set.Gateway = []string{userNetIP}, []string{userNetGateway}
					if len(set.DNS) == 0 {
						set.DNS = []string{userNetDNS}
					}
				}
				in, err := f.inputs()
				if err != nil {
					return err
				}
				outs := f.out
				outs.Out = out
				res, err := appliance.Build(c.Context(), src, in, set, outs,
					appliance.WithWarnings(c.ErrOrStderr()), appliance.WithVersion(version))
				if err != nil {
					return err
				}
				name, p, a = res.Tag+"@"+res.Digest.String(), in.Board, res.Artifacts
			}
			if p.QEMU == nil {
				return fmt.Errorf("board %s cannot boot in QEMU: flash its image (%s) instead", p.Name, a.Image)
			}
			kernel, initrd, dtb, err := a.QEMUFiles(p, out)
			if err != nil {
				return err
			}
			ctx := c.Context()
			if r.Timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, r.Timeout)
				defer cancel()
			}
			chosen, _ := qemu.ChooseAccel(r.Accel)
			fmt.Fprintf(c.ErrOrStderr(), "booting %s on %s (%s)%s; Ctrl-C stops\n", name, p.Name, chosen, describeForwards(fwd))
			err = qemu.Run(ctx, qemu.Config{
				Board: p, Kernel: kernel, Initrd: initrd, DTB: dtb, Cmdline: a.Cmdline, Forwards: fwd, Accel: r.Accel, Extra: qemuArgs,
				Stdout: c.OutOrStdout(), Stderr: c.ErrOrStderr(),
			})
			switch {
			case errors.Is(err, qemu.ErrStopped):
				return fmt.Errorf("%w: QEMU exited (the init failed or the binary exited; see the console above)", err)
			case err != nil:
				return err
			case errors.Is(ctx.Err(), context.DeadlineExceeded) && c.Context().Err() == nil:
				fmt.Fprintf(c.ErrOrStderr(), "stopped after --timeout %s\n", r.Timeout)
			default:
				fmt.Fprintln(c.ErrOrStderr(), "stopped")
			}
			return nil
		},
	}
	f.register(c.Flags())
	settings.Flags(c.Flags(), &f.out, "tag", "out")
	c.Flags().Lookup("out").Usage = "keep the boot files in this directory (default a temporary one)"
	settings.Flags(c.Flags(), &r)
	c.Flags().StringArrayVar(&qemuArgs, "qemu-arg", nil, "extra argument for QEMU, appended last (repeatable), like --qemu-arg=-rtc --qemu-arg=base=1970-01-01")
	return c
}

func describeForwards(fs []qemu.Forward) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("127.0.0.1:%d → guest:%d", f.Host, f.Guest))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}
