package appliance

import (
	"io"
)

// Option configures Build.
type Option func(*options)

type options struct {
	warn    io.Writer
	version string
	init    []byte
}

// WithWarnings sends warnings, one line each, to w. The default is to
// drop them.
func WithWarnings(w io.Writer) Option { return func(o *options) { o.warn = w } }

// WithVersion records v as the wisp version in the appliance's
// dev.wisp.version label. The default is "".
func WithVersion(v string) Option { return func(o *options) { o.version = v } }

// WithInit uses bin as the init instead of the one embedded in wisp, for
// tests. The default is the embedded init of the board's architecture.
func WithInit(bin []byte) Option { return func(o *options) { o.init = bin } }
