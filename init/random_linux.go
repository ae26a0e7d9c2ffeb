package main

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// random64 is a number for transaction ids and nonces. They need not be
// secret, so it does not wait for the kernel's random pool to be ready
// (GRND_INSECURE, Linux 5.6; the boot time before that).
func random64() uint64 {
	var b [8]byte
	if n, err := unix.Getrandom(b[:], unix.GRND_INSECURE); err != nil || n != len(b) {
		return uint64(sinceBoot()) * 0x9e3779b97f4a7c15
	}
	return binary.NativeEndian.Uint64(b[:])
}

func random32() uint32 { return uint32(random64()) }
