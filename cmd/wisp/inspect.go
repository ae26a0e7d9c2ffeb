package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wispboot/wisp/internal/appliance"
)

func newInspect(g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "inspect IMAGE",
		Short: "Show a wisp base or appliance: board, base, layers, entrypoint, user, network",
		Long: `Inspect shows what a wisp image is made of. IMAGE is a store tag or digest,
or a registry reference (pulled into the store by the --pull policy).`,
		Example: "  wisp inspect helloworld:qemu-amd64\n  wisp inspect localhost:5000/svc-appliance:1.4 --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			src, err := g.sources()
			if err != nil {
				return err
			}
			img, used, err := appliance.Image(c.Context(), src, args[0])
			if err != nil {
				return err
			}
			d, err := appliance.Describe(c.Context(), img, used)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), d)
			}
			w := c.OutOrStdout()
			row := func(k, v string) {
				if v != "" {
					fmt.Fprintf(w, "%-12s %s\n", k, v)
				}
			}
			row("ref", d.Ref)
			row("kind", d.Kind)
			row("board", d.Board)
			row("platform", d.Platform)
			row("kernel", d.KernelVersion)
			row("cmdline", d.Cmdline)
			row("base", d.Base)
			row("binary", d.Binary)
			row("init", d.Init)
			row("wisp", d.WispVersion)
			if len(d.Entrypoint) > 0 {
				row("entrypoint", strings.Join(d.Entrypoint, " "))
				row("args", quoteAll(d.Args))
				row("env", strings.Join(d.Env, " "))
				row("user", fmt.Sprintf("%d:%d", d.User.UID, d.User.GID))
				row("hostname", d.Hostname)
				if n := d.Network; n != nil {
					how := strings.Join(n.Addresses, ",")
					if n.DHCP {
						how = strings.TrimSuffix("dhcp "+how, " ")
					}
					row("network", fmt.Sprintf("%s %s gateways %s dns %s search %s", n.Interface, how, strings.Join(n.Gateways, ","), strings.Join(n.DNS, ","), strings.Join(n.Search, ",")))
				}
				row("caps", strings.Join(d.Capabilities, " "))
				for _, sc := range d.Sysctls {
					opt := ""
					if sc.Optional {
						opt = " (if the kernel has it)"
					}
					row("sysctl", sc.Key+"="+sc.Value+opt)
				}
				row("tmp size", d.TmpSize)
				if d.TmpExec {
					row("tmp exec", "files on /tmp, /run and /dev may be executed")
				}
				if c := d.Clock; c != nil {
					row("clock", fmt.Sprintf("not before %s; ntp %s", time.Unix(c.Floor, 0).UTC().Format(time.RFC3339), strings.Join(c.NTP, ",")))
				}
				row("modules", fmt.Sprint(len(d.Modules)))
			}
			fmt.Fprintln(w, "layers:")
			for _, l := range d.Layers {
				fmt.Fprintf(w, "  %-9s %10s  %s\n", l.Role, size(l.Size), l.Digest)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return c
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " ")
}
