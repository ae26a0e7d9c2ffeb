package config

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// object decodes a JSON object, or null, which leaves the struct as it is.
// For each member it calls field with the member's name folded (see fold)
// and d at the value; field decodes the value, or returns errUnknown.
func (d *decoder) object(field func(name string) error) error {
	if d.null() {
		return nil
	}
	if !d.skip('{') {
		return d.mismatch("an object")
	}
	if d.skip('}') {
		return nil
	}
	for {
		if d.peek() != '"' {
			return d.unexpected("a field name")
		}
		at := d.i
		key, err := d.str()
		if err != nil {
			return err
		}
		if !d.skip(':') {
			return d.unexpected("':'")
		}
		switch err := field(fold(key)); {
		case err == errUnknown:
			return d.failAt(at, "unknown field "+strconv.Quote(key))
		case err != nil:
			return within(key, err)
		}
		if !d.skip(',') {
			break
		}
	}
	if !d.skip('}') {
		return d.unexpected("',' or '}'")
	}
	return nil
}

// list decodes a JSON array into *p, each element with elem. As with
// encoding/json, null is a nil slice and [] an empty one; a name given
// twice decodes into the elements the first one left.
func list[T any](d *decoder, p *[]T, elem func(*T) error) error {
	if d.null() {
		*p = nil
		return nil
	}
	if !d.skip('[') {
		return d.mismatch("an array")
	}
	s := (*p)[:0]
	for !d.skip(']') {
		if len(s) > 0 && !d.skip(',') {
			return d.unexpected("',' or ']'")
		}
		if len(s) < cap(s) {
			s = s[:len(s)+1]
		} else {
			s = append(s, *new(T))
		}
		if err := elem(&s[len(s)-1]); err != nil {
			return within("["+strconv.Itoa(len(s)-1)+"]", err)
		}
	}
	if len(s) == 0 {
		s = []T{}
	}
	*p = s
	return nil
}

// fold returns the name as encoding/json compares it to a struct tag, but
// in lower case: "Version", "VERSION" and "version" all name version, and
// so do names with the Kelvin sign K for k or the long s ſ for s, which
// fold to K and S in Unicode.
func fold(name string) string {
	lower := true
	for i := 0; i < len(name); i++ {
		lower = lower && name[i] < utf8.RuneSelf && !('A' <= name[i] && name[i] <= 'Z')
	}
	if lower {
		return name
	}
	b := make([]byte, 0, len(name))
	for _, r := range name {
		if r >= utf8.RuneSelf {
			r = foldRune(r)
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// foldRune returns the smallest rune of r's Unicode case-folding orbit,
// as encoding/json's foldRune does.
func foldRune(r rune) rune {
	for {
		f := unicode.SimpleFold(r)
		if f <= r {
			return f
		}
		r = f
	}
}
