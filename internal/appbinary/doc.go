// Package appbinary finds the user's binary: a file on this machine, or
// the binary an app image runs. In an image, the binary is argv[0] of its
// command (Entrypoint, else Cmd), looked up in the image's PATH, through
// symlinks and whiteouts, confined to the image root, and extracted to a
// temporary file; the image's arguments, Env and User become the
// appliance's defaults.
package appbinary
