// Package build is wisp's only orchestrator: board profile → base (from the
// local store) → layers (modules selection, init, app, config) → appliance
// image (stored and tagged) → artifacts (kernel and initrd for QEMU boards).
// It also turns kernel packages into board bases.
//
// An appliance carries the kernel layer of its base and, instead of the
// base's whole module tree, a modules layer holding only the board's
// modules and their dependencies. That layer is derived once per (base
// modules layer, module list) and remembered in the store, so warm builds
// never read the module tree again. The image is the same whether the
// selection came from the cache or not.
package build
