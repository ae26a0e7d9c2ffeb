package main

import (
	"os"

	"github.com/wispboot/wisp/config"
	"github.com/wispboot/wisp/internal/errs"
)

// readConfig is the config step: it decodes and validates config.Path.
func readConfig(b *boot) (string, error) {
	f, err := os.Open(config.Path)
	if err != nil {
		return "", errs.Wrap("opening config", err)
	}
	defer f.Close()
	c, err := config.Decode(f)
	if err != nil {
		return "", errs.Wrap("reading "+config.Path, err)
	}
	b.cfg = c
	return config.Path, nil
}
