package main

import (
	"fmt"
	"strings"
)

// md is a Markdown text being written.
type md struct{ strings.Builder }

// p writes a paragraph.
func (m *md) p(format string, args ...any) {
	fmt.Fprintf(m, format, args...)
	m.WriteString("\n\n")
}

// table writes a table; header cells starting with "-:" are right-aligned.
func (m *md) table(header []string, rows [][]string) {
	var h, sep []string
	for _, c := range header {
		if s, ok := strings.CutPrefix(c, "-:"); ok {
			h, sep = append(h, s), append(sep, "--:")
		} else {
			h, sep = append(h, c), append(sep, "---")
		}
	}
	m.row(h)
	m.row(sep)
	for _, r := range rows {
		m.row(r)
	}
	m.WriteString("\n")
}

// row writes one table row; a | inside a cell is escaped.
func (m *md) row(cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	m.WriteString("| " + strings.Join(esc, " | ") + " |\n")
}

// failed records a failure in the text: the error in a code block.
func (m *md) failed(what string, err error) {
	msg := strings.ReplaceAll(err.Error(), "```", "'''")
	m.p("**%s failed:**\n\n```\n%s\n```", what, msg)
}

// code is s in backticks.
func code(s string) string { return "`" + s + "`" }
