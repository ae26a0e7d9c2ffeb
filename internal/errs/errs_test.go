package errs

import (
	"errors"
	"io/fs"
	"testing"
)

func TestWrap(t *testing.T) {
	base := &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrNotExist}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"wrap", Wrap("reading config", base), "reading config: open /x: file does not exist"},
		{"twice", Wrap("boot", Wrap("reading config", base)), "boot: reading config: open /x: file does not exist"},
		{"message", WithMessage(base.Error()+"; going on", base), "open /x: file does not exist; going on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(tt.err, fs.ErrNotExist) {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = false, want true", tt.err)
			}
			var pe *fs.PathError
			if !errors.As(tt.err, &pe) || pe != base {
				t.Errorf("errors.As(%v, *fs.PathError) = %v, want the wrapped error", tt.err, pe)
			}
		})
	}
}
