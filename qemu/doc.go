// Package qemu boots a kernel and initrd in QEMU for a board: the machine
// and devices from the board profile, the console on stdout, user-mode
// networking with port forwards bound to 127.0.0.1 only.
//
// Acceleration: "tcg" (software), "kvm", or "auto", which picks KVM only
// when /dev/kvm is usable and wisp is not itself running in a virtual
// machine — nested KVM often opens fine and then never boots a kernel.
//
// Under TCG a board may add kernel parameters that pay off only in
// emulation (profile field qemu.tcgCmdline; qemu-amd64: mitigations=off,
// as the emulated CPU does not speculate), before the appliance's command
// line, so that its own parameters win.
package qemu
