package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wispboot/wisp/internal/settings"
)

// buildFlags are the flags build and run share, bound to the settings
// they set; wisp.json (-f) can set every one of them.
type buildFlags struct {
	file   string
	target settings.Target
	in     settings.Inputs
	set    settings.Settings
	out    settings.Outputs
}

// register adds the flags of build and run but the outputs, which differ.
func (f *buildFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.file, "file", "f", "", "read the flags from this wisp.json (flags given on the command line win; its paths are relative to it and stay inside its directory; it names built-in boards only)")
	settings.Flags(fs, &f.target)
	settings.Flags(fs, &f.in)
	settings.Flags(fs, &f.set)
}

// buildOnly refuses, for wisp run APPLIANCE, the flags that say how to
// build: the appliance boots as it was built, and they would be ignored.
// --target (a custom board's profile) and --out stay.
func buildOnly(c *cobra.Command) error {
	var given []string
	c.Flags().Visit(func(f *pflag.Flag) {
		if f.Name == "target" || f.Name == "out" || !isBuildFlag(f.Name) {
			return
		}
		given = append(given, "--"+f.Name)
	})
	if len(given) == 0 {
		return nil
	}
	return fmt.Errorf("%s: wisp run APPLIANCE boots the appliance as it was built, and these flags say how to build one; leave them out, or build anew with wisp run --target BOARD --binary FILE|IMAGE", strings.Join(given, ", "))
}

// isBuildFlag reports whether name is one of the flags register adds, or
// an output.
func isBuildFlag(name string) bool {
	fs := pflag.NewFlagSet("", pflag.ContinueOnError)
	(&buildFlags{}).register(fs)
	settings.Flags(fs, &settings.Outputs{})
	return fs.Lookup(name) != nil
}

// inputs resolves --target and checks what a build needs; errors name
// the flag.
func (f *buildFlags) inputs() (settings.Inputs, error) {
	p, err := board(f.target.Target)
	if err != nil {
		return settings.Inputs{}, err
	}
	if f.in.Binary == "" {
		return settings.Inputs{}, fmt.Errorf("--binary is required")
	}
	in := f.in
	in.Board = p
	return in, nil
}
