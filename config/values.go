package config

import "strconv"

// The decoders of single values. Like encoding/json, null leaves a string,
// number, boolean or struct as it is and sets a slice or pointer to nil.

func (d *decoder) string(p *string) (err error) {
	switch {
	case d.null():
	case d.peek() == '"':
		*p, err = d.str()
	default:
		err = d.mismatch("a string")
	}
	return err
}

func (d *decoder) bool(p *bool) error {
	switch {
	case d.null():
	case d.literal("true"):
		*p = true
	case d.literal("false"):
		*p = false
	default:
		return d.mismatch("true or false")
	}
	return nil
}

func (d *decoder) int(p *int) error {
	return d.signed(strconv.IntSize, func(n int64) { *p = int(n) })
}

func (d *decoder) int64(p *int64) error {
	return d.signed(64, func(n int64) { *p = n })
}

func (d *decoder) uint32(p *uint32) error {
	return d.unsigned(32, func(n uint64) { *p = uint32(n) })
}

// signed decodes an integer that fits in bits bits and passes it to set.
func (d *decoder) signed(bits int, set func(int64)) error {
	if d.null() {
		return nil
	}
	at := d.i
	s, err := d.number("an integer")
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return d.badNumber(at, s, "an integer", err)
	}
	set(n)
	return nil
}

// unsigned decodes a non-negative integer that fits in bits bits.
func (d *decoder) unsigned(bits int, set func(uint64)) error {
	if d.null() {
		return nil
	}
	at := d.i
	s, err := d.number("a non-negative integer")
	if err != nil {
		return err
	}
	n, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return d.badNumber(at, s, "a non-negative integer", err)
	}
	set(n)
	return nil
}

// number reads a JSON number, -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?,
// and returns its text; what names the Go type for a value of another type.
func (d *decoder) number(what string) (string, error) {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return "", d.mismatch(what)
	}
	at := d.i
	d.next("-")
	if !d.next("0") && d.digits() == 0 {
		return "", d.unexpected("a digit")
	}
	if d.next(".") && d.digits() == 0 {
		return "", d.unexpected("a digit")
	}
	if d.next("e") || d.next("E") {
		_ = d.next("+") || d.next("-")
		if d.digits() == 0 {
			return "", d.unexpected("a digit")
		}
	}
	return string(d.b[at:d.i]), nil
}

// digits skips decimal digits and says how many there were.
func (d *decoder) digits() int {
	at := d.i
	for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
		d.i++
	}
	return d.i - at
}
