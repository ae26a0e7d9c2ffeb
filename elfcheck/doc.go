// Package elfcheck decides whether a binary can be the only process of an
// appliance: a static ELF executable for the board's architecture whose
// loadable segments are aligned to the board's page size.
//
// Static means no program interpreter and no needed shared libraries;
// static-PIE binaries are accepted. Only 64-bit little-endian Linux
// architectures that wisp supports are known (amd64, arm64, riscv64).
package elfcheck
