// Package layers builds the layers of wisp images: deterministic v1.Layer
// constructors for files, the init, the user's binary and the config; the
// import of a board base from a Debian kernel package; the selection of
// the modules a board needs, with their dependency closure; and finding
// the user's binary in an app image (BinaryFromImage), by its entrypoint
// and the image's PATH, through symlinks and whiteouts, confined to the
// image root.
//
// Everything read from outside is bounded by package limits before it is
// held or written (kernel images, modules, a package's content, app image
// trees, config.json), and CheckExtra is the one policy for extra layers:
// they may add files, not replace what wisp makes (see policy.go and
// docs/security.md).
//
// Every layer is a gzip-compressed tar with entries sorted by path, owned
// by 0:0, dated SOURCE_DATE_EPOCH (default 0), so the same inputs always
// give the same digest. Layers carry their role in the dev.wisp.role
// annotation (see roles.go). Hard links are not produced.
package layers
