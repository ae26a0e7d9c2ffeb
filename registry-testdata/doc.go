// Package registrytestdata holds small, checked-in OCI image layouts for
// tests (a fake qemu-amd64 board base and three app images, see README.md)
// and the code that generates them. Tests open them with
// fixture.Layout; TestCheckedInLayoutsAreCurrent keeps them byte-identical
// to what Generate writes.
package registrytestdata

//go:generate go run ./gen .
