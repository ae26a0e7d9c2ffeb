// Package initbin holds the init binaries embedded in wisp, one per
// architecture, cross-compiled from ../init by `make` into bin/.
//
// A plain `go build ./...` on a fresh clone compiles (bin/ holds a
// placeholder) but embeds no init: For then returns ErrNotEmbedded, which
// tells the user to run make.
package initbin

import (
	"embed"
	"errors"
	"fmt"
)

//go:embed bin
var files embed.FS

// ErrNotEmbedded is returned when this wisp was built without the init
// binaries.
var ErrNotEmbedded = errors.New("init binary not embedded")

// For returns the init binary for a Go architecture.
func For(goarch string) ([]byte, error) {
	b, err := files.ReadFile("bin/init-" + goarch)
	if err != nil {
		return nil, fmt.Errorf("%w for %s: this wisp was built with plain `go build`; build it with `make` (it cross-compiles the init first)", ErrNotEmbedded, goarch)
	}
	return b, nil
}
