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
// (docs/architecture.md): parts (formats and transports) and stages (the
// steps of a build) never import their own kind; the orchestrator runs
// the stages; only the CLI talks to the user.
var kinds = map[string]string{
	"boards": "vocabulary", "config": "vocabulary", "limits": "vocabulary", "internal/settings": "vocabulary",
	"oci": "part", "layers": "part", "initrd": "part", "image": "part", "qemu": "part", "flash": "part",
	"internal/kernelpkg": "stage", "internal/appbinary": "stage", "internal/compose": "stage",
	"internal/artifacts": "stage", "internal/publish": "stage",
	"internal/appliance": "orchestrator",
	"cmd/wisp":           "cli",
	"init":               "program",
	"elfcheck":           "leaf", "internal/initbin": "leaf",
	"internal/cleanup": "leaf", "internal/ctxio": "leaf", "internal/epoch": "leaf", "internal/errs": "leaf", "internal/spill": "leaf",
	"internal/fixture": "test", "internal/registrytest": "test", "internal/testenv": "test", "internal/archtest": "test",
	"bench": "tool", "registry-testdata": "tool", "registry-testdata/gen": "tool",
}

// may says which kinds a kind may import. Parts and stages are absent
// from their own lists: a part never imports a part, nor a stage a
// stage; what one needs of another it names as a small interface.
var may = map[string][]string{
	"leaf":         {"leaf"},
	"vocabulary":   {"leaf", "vocabulary"},
	"part":         {"leaf", "vocabulary"},
	"stage":        {"leaf", "vocabulary", "part"},
	"orchestrator": {"leaf", "vocabulary", "part", "stage"},
	"cli":          {"leaf", "vocabulary", "part", "stage", "orchestrator"},
	"program":      {"leaf", "vocabulary"},
	"test":         {"leaf", "vocabulary", "part", "test"},
	"tool":         {"leaf", "vocabulary", "part", "stage", "orchestrator", "test", "tool"},
}

func kind(pkg string) string { return kinds[pkg] }

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
	g := graph(t)
	for pkg := range kinds {
		if _, ok := g[pkg]; !ok {
			t.Errorf("kinds names %s, which go list does not find", pkg)
		}
	}
	for pkg, imps := range g {
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
