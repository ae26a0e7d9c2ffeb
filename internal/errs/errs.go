package errs

// Wrap returns an error that reads "op: " and err's message and that
// unwraps to err, as fmt.Errorf("%s: %w", op, err) would.
func Wrap(op string, err error) error {
	return &wrapped{msg: op + ": " + err.Error(), err: err}
}

// WithMessage returns an error that reads msg and unwraps to err, for the
// messages that do not take Wrap's form; msg usually holds err's message.
func WithMessage(msg string, err error) error {
	return &wrapped{msg: msg, err: err}
}

type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }

func (e *wrapped) Unwrap() error { return e.err }
