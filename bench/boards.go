package main

// board is what the harness needs to know about a wisp board: the
// architecture of its binaries and kernel package, whether its base takes
// the Raspberry Pi firmware, and the static network it is built with
// (QEMU user networking's for the QEMU boards; the README's for pi4).
type board struct {
	name      string
	goarch    string // GOARCH of the app, and the Debian architecture of the kernel package
	firmware  bool   // base import takes scripts/firmware-deb
	ip, gw    string
	bootLimit string // how long a TCG boot may take, as a Go duration
}

var boards = map[string]board{
	"qemu-amd64":   {name: "qemu-amd64", goarch: "amd64", ip: "10.0.2.15/24", gw: "10.0.2.2", bootLimit: "60s"},
	"qemu-arm64":   {name: "qemu-arm64", goarch: "arm64", ip: "10.0.2.15/24", gw: "10.0.2.2", bootLimit: "120s"},
	"qemu-riscv64": {name: "qemu-riscv64", goarch: "riscv64", ip: "10.0.2.15/24", gw: "10.0.2.2", bootLimit: "180s"},
	"pi4":          {name: "pi4", goarch: "arm64", firmware: true, ip: "192.168.1.50/24", gw: "192.168.1.1"},
}

// buildArgs are the flags of a `wisp build` (or `wisp run`) of app on b.
func (b board) buildArgs(store, app string) []string {
	return []string{"--cache", store, "build", "--target", b.name, "--binary", app, "--ip", b.ip, "--gateway", b.gw}
}
