// Package kernelpkg turns kernel packages into the layers of a board
// base, and cuts from a base's module tree the modules a board needs.
//
// ImportDeb and ImportAPK read a Debian linux-image-*.deb or an Alpine
// linux-*.apk as a stream: the kernel image (checked against its header:
// architecture, page size; an x86 bzImage optionally reduced to the
// vmlinux inside), the device trees a board names, and the module tree
// (decompressed, with a modules.dep computed from each module's
// .modinfo, which the packages do not ship). FirmwareFromDeb and
// FirmwareFromDir make the firmware layer of a Raspberry Pi.
// SelectModules keeps the modules asked for and their dependency
// closure, in load order.
//
// Packages come from mirrors: every size is bounded by package limits
// before it is held or written, large layers are written to files in the
// directory given (layers.FileWriter), and nothing is left there on error.
package kernelpkg
