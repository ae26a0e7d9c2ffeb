package main

import (
	"fmt"
	"os"

	"github.com/wispboot/wisp/config"
)

// readConfig is the config step: it decodes and validates config.Path.
func readConfig(b *boot) (string, error) {
	f, err := os.Open(config.Path)
	if err != nil {
		return "", fmt.Errorf("opening config: %w", err)
	}
	defer f.Close()
	c, err := config.Decode(f)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", config.Path, err)
	}
	b.cfg = c
	return config.Path, nil
}
