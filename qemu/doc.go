// Package qemu boots a kernel and initrd in QEMU for a board: the machine
// and devices from the board profile, the console on stdout, user-mode
// networking with port forwards bound to 127.0.0.1 only.
//
// Acceleration: "tcg" (software), "kvm", or "auto", which picks KVM only
// when /dev/kvm is usable and wisp is not itself running in a virtual
// machine — nested KVM often opens fine and then never boots a kernel.
package qemu
