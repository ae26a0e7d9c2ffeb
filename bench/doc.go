// Command bench measures wisp and writes BENCHMARKS.md: `make bench` runs
//
//	go run ./bench -out BENCHMARKS.md -runs 3
//
// It drives the wisp CLI (bin/wisp, rebuilt by make) as a black box
// against real Debian kernel packages, and measures the peers it can build
// here the same way: u-root's mkuimage, gokrazy's gok (where the module
// proxy refuses gok, the go commands of its build phase on gokrazy's own
// modules: a lower bound of its time), and the raw floor of doing
// the same work with cpio, gzip, pigz, mkfs.vfat and mcopy. Boots run under
// QEMU's TCG.
//
// Every measurement is repeated -runs times (TCG boots at least 7 times,
// being the noisiest and cheap) and reported as the median
// with min–max and the peak RSS (ru_maxrss of the measured process, which
// for a shell pipeline or a process that waits for its children is the
// largest of them). Every step has a timeout; a section that fails is
// reported in the output with its error and the others still run.
//
// Scratch data lives in a temporary directory that is removed at the end
// (-keep keeps it); what is worth keeping between runs (the scratch
// modules of u-root, with its mkuimage binary, and of gokrazy) lives in
// ${XDG_CACHE_HOME:-~/.cache}/wisp-bench. Kernel packages come from
// scripts/kernel-deb and scripts/firmware-deb, which cache them in
// ~/.cache/wisp-downloads. Nothing is written into the repository except
// the -out file.
//
// Limits: timings on a shared or loaded machine are noisy, so the load
// average is recorded next to them; -only runs a subset for development
// and then writes only those sections.
package main
