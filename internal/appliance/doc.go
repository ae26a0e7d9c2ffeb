// Package appliance runs the stages of wisp: it builds an appliance
// (board profile → base → layers → image, stored, pushed, and written
// out as artifacts), loads one by reference, describes one, and imports
// a board base from kernel packages.
//
// It holds no format of its own: the stages do the work (appbinary finds
// the binary, compose stacks the image, artifacts writes the kernel,
// initrd or disk image, publish pushes), and the parts below them read
// and write the formats. What it adds is the order, the concurrency of a
// build (build.go) and the caches of derived layers (cache.go).
package appliance
