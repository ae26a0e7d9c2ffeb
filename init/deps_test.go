package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/testenv"
)

// TestInitDeps keeps the packages out of the init that made it too big:
// encoding/json and fmt cost it about 300 KB (docs/design.md, "Init binary
// size"); net, regexp and the other reflection- or table-heavy packages
// would cost as much again. initbin's TestInitSize checks the result.
func TestInitDeps(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		testenv.Missing(t, "the go command: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, bad := range []string{"fmt", "encoding/json", "regexp", "net", "net/http", "text/template", "html/template", "encoding/xml", "encoding/gob", "os/user", "log"} {
		if slices.Contains(deps, bad) {
			t.Errorf("the init imports %s (through some dependency); it makes the init binary larger than its 2 MB budget", bad)
		}
	}
}
