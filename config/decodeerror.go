package config

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// A decodeError says where in config.json decoding stopped, and why.
type decodeError struct {
	path string // the field at fault, like network.addresses[1]; "" at the top
	off  int    // offset of the byte at fault
	msg  string
}

func (e *decodeError) Error() string {
	s := e.msg + " at offset " + strconv.Itoa(e.off)
	if e.path != "" {
		s = e.path + ": " + s
	}
	return s
}

// errUnknown is what a struct's field function returns for a name it does
// not have; object turns it into an error naming the field.
var errUnknown = errors.New("unknown field")

// within prefixes the path of err, a *decodeError, with a field name or an
// [index].
func within(name string, err error) error {
	if e, ok := err.(*decodeError); ok {
		switch {
		case e.path == "":
			e.path = name
		case e.path[0] == '[':
			e.path = name + e.path
		default:
			e.path = name + "." + e.path
		}
	}
	return err
}

func (d *decoder) fail(msg string) error { return d.failAt(d.i, msg) }

func (d *decoder) failAt(off int, msg string) error {
	return &decodeError{off: off, msg: msg}
}

// unexpected reports the byte at d.i, or the end of the input, where want
// should have been.
func (d *decoder) unexpected(want string) error {
	if d.i >= len(d.b) {
		return d.fail("unexpected end of input, want " + want)
	}
	return d.fail("unexpected " + char(d.b[d.i]) + ", want " + want)
}

// mismatch reports the value at d.i as not being what the field's type
// takes, or as no JSON value at all.
func (d *decoder) mismatch(want string) error {
	var got string
	switch c := d.peek(); {
	case c == '"':
		got = "a string"
	case c == '{':
		got = "an object"
	case c == '[':
		got = "an array"
	case c == '-' || '0' <= c && c <= '9':
		got = "a number"
	case c == 't' || c == 'f':
		if at := d.i; d.literal("true") || d.literal("false") {
			d.i = at
			got = "a boolean"
			break
		}
		fallthrough
	default:
		return d.unexpected(want)
	}
	return d.fail("got " + got + ", want " + want)
}

// badNumber reports the number s at off as not being what the field's type
// takes: a fraction, an exponent, a sign or too many digits.
func (d *decoder) badNumber(off int, s, want string, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return d.failAt(off, "number "+s+" is out of range")
	}
	return d.failAt(off, "got number "+s+", want "+want)
}

// char quotes c for an error message.
func char(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return "byte 0x" + strconv.FormatUint(uint64(c), 16)
}
