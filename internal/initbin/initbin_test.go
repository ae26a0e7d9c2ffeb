package initbin

import (
	"errors"
	"testing"

	"github.com/wispboot/wisp/internal/testenv"
)

// maxInit is the init's size budget per architecture (issue 6): the
// initramfs carries it on every boot.
const maxInit = 2_000_000

// TestInitSize checks the embedded inits against their budget; make
// builds them before the tests run.
func TestInitSize(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64", "riscv64"} {
		b, err := For(arch)
		if errors.Is(err, ErrNotEmbedded) {
			testenv.Missing(t, "%v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > maxInit {
			t.Errorf("the %s init is %d bytes, over its budget of %d", arch, len(b), maxInit)
		}
	}
}
