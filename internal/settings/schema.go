package settings

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// schemaHeader opens docs/wisp.schema.json; the properties follow, one
// per setting of All.
const schemaHeader = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://github.com/wispboot/wisp/docs/wisp.schema.json",
  "title": "wisp.json",
  "description": "The flags of wisp build and wisp run, as a file (wisp build -f wisp.json). Flags given on the command line win over the file; a repeatable flag given on the command line replaces the file's list. Paths are relative to the file and must stay inside its directory (no absolute paths, no .., no symbolic links out). Registry security, QEMU arguments and the store are set on the command line only. Generated from internal/settings.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
`

// property is one key of the schema, its fields in the order written.
type property struct {
	Type                 string    `json:"type,omitempty"`
	Const                any       `json:"const,omitempty"`
	Enum                 []string  `json:"enum,omitempty"`
	Items                *property `json:"items,omitempty"`
	AdditionalProperties *property `json:"additionalProperties,omitempty"`
	OneOf                []any     `json:"oneOf,omitempty"`
	Pattern              string    `json:"pattern,omitempty"`
	MinLength            int       `json:"minLength,omitempty"`
	Description          string    `json:"description,omitempty"`
}

// inFile says how wisp.json gives a value of each file kind.
var inFile = map[string]string{
	"path":      "In wisp.json, a path inside its directory.",
	"pathOrRef": "In wisp.json, a path inside its directory or an image reference.",
	"board":     "In wisp.json, a built-in board only: a profile file is read only when named on the command line.",
	"caBundle":  "In wisp.json, true for the host's bundle or a file inside its directory.",
	"map":       "In wisp.json, an object of names and values.",
}

// Schema is the JSON Schema of wisp.json (docs/wisp.schema.json), made
// from the declarations of All.
func Schema() []byte {
	var b bytes.Buffer
	b.WriteString(schemaHeader)
	var lines []string
	for _, v := range All() {
		for _, f := range Fields(v) {
			var line bytes.Buffer
			enc := json.NewEncoder(&line)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(f.property()); err != nil {
				panic(err) // a property is strings and slices of them
			}
			key, _ := json.Marshal(f.Key)
			lines = append(lines, "    "+string(key)+": "+strings.TrimSpace(line.String()))
		}
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n  }\n}\n")
	return b.Bytes()
}

func (f Field) property() property {
	value := property{Type: "string", Pattern: f.Pattern}
	if r, ok := rules[f.Check]; ok && r.pattern != "" {
		value.Pattern = r.pattern
	}
	if len(f.Enum) > 0 {
		value = property{Enum: f.Enum}
	}
	if f.File == "path" || f.File == "pathOrRef" || f.File == "board" {
		value.MinLength = 1
	}
	p := value
	switch {
	case f.File == "caBundle":
		p = property{OneOf: []any{property{Const: true}, property{Type: "string", MinLength: 1}}}
	case f.File == "map":
		p = property{Type: "object", AdditionalProperties: &property{Type: "string"}}
	case f.Type.Kind() == reflect.Bool:
		p = property{Type: "boolean"}
	case f.Type.Kind() == reflect.Slice:
		p = property{Type: "array", Items: &value}
	}
	p.Description = sentence(f.Help)
	if note := inFile[f.File]; note != "" {
		p.Description += " " + note
	}
	return p
}

// sentence makes a flag's help a sentence.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:] + "."
}
