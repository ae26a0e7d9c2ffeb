// Package errs wraps errors without fmt, so that the init, which must stay
// small, and the config package it imports do not link fmt and the
// reflection it brings. Wrap is fmt.Errorf("%s: %w", op, err); the other
// forms are built with string concatenation and strconv at the call site.
package errs
