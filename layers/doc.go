// Package layers builds the layers of wisp images and names them:
// deterministic v1.Layer constructors for files, the init, the user's
// binary, the config and extra layers (Layer, FileWriter for layers too
// large to hold), and the vocabulary every wisp image is read with: the
// role annotation of each layer and the labels of the image config
// (roles.go).
//
// Everything read from outside is bounded by package limits before it is
// held or written (app layers, config.json), and CheckExtra is the one
// policy for extra layers: they may add files, not replace what wisp
// makes (see policy.go and docs/security.md).
//
// Every layer is a gzip-compressed tar with entries sorted by path, owned
// by 0:0, dated epoch.Time(), so the same inputs always give the same
// digest. Hard links are not produced.
package layers
