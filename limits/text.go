package limits

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s as it may be shown on a terminal: control characters
// (escape sequences, carriage returns, newlines), bidirectional overrides
// and invalid UTF-8 replaced by '?', tabs by spaces, and the whole cut to
// about max bytes with "…". Registry error messages and everything else a
// command prints from outside input pass through it.
func Text(s string, max int) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if b.Len() >= max {
			return strings.TrimRightFunc(b.String(), unicode.IsSpace) + "…"
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteByte('?')
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029':
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
