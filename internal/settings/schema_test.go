package settings

import (
	"os"
	"testing"

	"github.com/wispboot/wisp/internal/testenv"
)

const schemaFile = "../../docs/wisp.schema.json"

// TestSchemaIsGenerated keeps docs/wisp.schema.json what the declarations
// say: WISP_UPDATE_DOCS=1 rewrites it.
func TestSchemaIsGenerated(t *testing.T) {
	want := Schema()
	if os.Getenv("WISP_UPDATE_DOCS") == "1" {
		testenv.WriteFile(t, schemaFile, want, 0o644)
		return
	}
	if got := testenv.ReadFile(t, schemaFile); string(got) != string(want) {
		t.Errorf("%s differs from the declarations in internal/settings: run WISP_UPDATE_DOCS=1 go test ./internal/settings", schemaFile)
	}
}
