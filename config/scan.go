package config

import "unicode/utf8"

// decoder is a cursor over a JSON text held in memory: config.json is a
// few hundred bytes, so Decode reads it whole and never refills a buffer.
type decoder struct {
	b   []byte // the whole input
	i   int    // offset of the next byte to read
	buf []byte // scratch space for unescaping strings
}

// space skips JSON whitespace (RFC 8259: space, tab, LF, CR).
func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte after whitespace, or 0 at the end.
func (d *decoder) peek() byte {
	if d.space(); d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// skip consumes c if it is the next byte after whitespace.
func (d *decoder) skip(c byte) bool {
	if d.peek() == c && d.i < len(d.b) {
		d.i++
		return true
	}
	return false
}

// literal consumes the word w (true, false or null) if it comes next
// after whitespace.
func (d *decoder) literal(w string) bool {
	d.space()
	return d.next(w)
}

// null consumes a null if it comes next.
func (d *decoder) null() bool { return d.literal("null") }

// next consumes w if the input continues with it.
func (d *decoder) next(w string) bool {
	if len(d.b)-d.i >= len(w) && string(d.b[d.i:d.i+len(w)]) == w {
		d.i += len(w)
		return true
	}
	return false
}

// str reads the string at d.i, which starts with '"'. Like encoding/json,
// it turns invalid UTF-8 and unpaired surrogates into U+FFFD.
func (d *decoder) str() (string, error) {
	d.i++
	buf := d.buf[:0]
	for d.i < len(d.b) {
		switch c := d.b[d.i]; {
		case c == '"':
			d.i++
			d.buf = buf
			return string(buf), nil
		case c == '\\':
			r, err := d.escape()
			if err != nil {
				return "", err
			}
			buf = utf8.AppendRune(buf, r)
		case c < ' ':
			return "", d.fail("control character " + char(c) + " in a string")
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			d.i++
		default:
			r, n := utf8.DecodeRune(d.b[d.i:])
			buf = utf8.AppendRune(buf, r)
			d.i += n
		}
	}
	return "", d.unexpected("'\"'")
}

// escape reads the escape sequence at d.i, a surrogate pair as one rune.
func (d *decoder) escape() (rune, error) {
	if d.i++; d.i >= len(d.b) {
		return 0, d.unexpected("an escape")
	}
	c := d.b[d.i]
	d.i++
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := d.hex4()
		if !ok {
			return 0, d.fail(`\u is not followed by four hex digits`)
		}
		if r < 0xd800 || r >= 0xe000 {
			return r, nil
		}
		// A high surrogate takes a \u low surrogate after it; anything
		// else leaves it unpaired and the next escape on its own.
		if at := d.i; r < 0xdc00 && d.next(`\u`) {
			if lo, ok := d.hex4(); ok && lo >= 0xdc00 && lo < 0xe000 {
				return 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00), nil
			}
			d.i = at
		}
		return utf8.RuneError, nil
	}
	d.i--
	return 0, d.unexpected("an escape (one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)")
}

// hex4 reads four hex digits.
func (d *decoder) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}
