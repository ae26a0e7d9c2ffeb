package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/wispboot/wisp/internal/testenv"
)

const module = "github.com/wispboot/wisp/"

// kinds puts every package of the module in one layer of the design
// (docs/architecture.md). A package may import its own kind's leaves and
// the kinds allowed below; a stage never imports another stage.
var kinds = map[string]string{
	"boards": "vocabulary", "config": "vocabulary", "limits": "vocabulary",
	"oci": "stage", "layers": "stage", "initrd": "stage", "image": "stage", "qemu": "stage", "flash": "stage",
	"elfcheck": "leaf", "initbin": "leaf",
	"build":    "orchestrator",
	"cmd/wisp": "cli",
	"init":     "program",
	"bench":    "tool", "registry-testdata": "tool", "registry-testdata/gen": "tool",
}

// may says which kinds a kind may import.
var may = map[string][]string{
	"leaf":         {"leaf"},
	"vocabulary":   {"leaf", "vocabulary"},
	"stage":        {"leaf", "vocabulary"},
	"orchestrator": {"leaf", "vocabulary", "stage"},
	"cli":          {"leaf", "vocabulary", "stage", "orchestrator"},
	"program":      {"leaf", "vocabulary"},
	"tool":         {"leaf", "vocabulary", "stage", "orchestrator", "tool"},
}

func kind(pkg string) string {
	if strings.HasPrefix(pkg, "internal/") {
		return "leaf"
	}
	return kinds[pkg]
}

// graph is what go list says each package of the module imports of it
// (not counting tests).
func graph(t *testing.T) map[string][]string {
	goTool := testenv.Tool(t, "go", "golang")
	out, err := exec.Command(goTool, "list", "-json", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	g := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module)
		g[name] = nil
		for _, imp := range p.Imports {
			if own, ok := strings.CutPrefix(imp, module); ok {
				g[name] = append(g[name], own)
			}
		}
	}
	return g
}

// TestStagesDoNotImportStages enforces the layers of the design.
func TestStagesDoNotImportStages(t *testing.T) {
	for pkg, imps := range graph(t) {
		k := kind(pkg)
		if k == "" {
			t.Errorf("package %s has no kind: add it to kinds and to docs/architecture.md", pkg)
			continue
		}
		for _, imp := range imps {
			if !slices.Contains(may[k], kind(imp)) {
				t.Errorf("%s (a %s) imports %s (a %s): a %s may import only %v", pkg, k, imp, kind(imp), k, may[k])
			}
		}
	}
}

// TestArchitectureDocListsTheGraph keeps docs/architecture.md's table of
// imports what go list finds: WISP_UPDATE_DOCS=1 rewrites it.
func TestArchitectureDocListsTheGraph(t *testing.T) {
	const file, begin, end = "../../docs/architecture.md", "<!-- imports:begin -->", "<!-- imports:end -->"
	doc := string(testenv.ReadFile(t, file))
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %s … %s section", file, begin, end)
	}
	g := graph(t)
	var names []string
	for p := range g {
		names = append(names, p)
	}
	slices.Sort(names)
	var table strings.Builder
	table.WriteString("\n| package | kind | imports (of this module) |\n| --- | --- | --- |\n")
	for _, p := range names {
		imps := slices.Clone(g[p])
		slices.Sort(imps)
		fmt.Fprintf(&table, "| `%s` | %s | %s |\n", p, kind(p), strings.Join(imps, ", "))
	}
	want := doc[:i+len(begin)] + table.String() + doc[j:]
	if want == doc {
		return
	}
	if os.Getenv("WISP_UPDATE_DOCS") == "1" {
		testenv.WriteFile(t, file, []byte(want), 0o644)
		return
	}
	t.Errorf("%s's table of imports differs from go list's: run WISP_UPDATE_DOCS=1 go test ./internal/archtest", file)
}
