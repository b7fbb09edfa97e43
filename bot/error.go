package bot

import (
	"errors"
	"fmt"
)

// ErrorKind classifies an Error so the router and adapters can react to it
// without parsing its text.
type ErrorKind int

const (
	KindInternal  ErrorKind = iota // a bug or an outage; the user sees a generic line
	KindInvalid                    // the input was malformed
	KindNotFound                   // the thing named does not exist
	KindForbidden                  // the user may not do this
	KindConflict                   // the thing exists already, or the state forbids it
)

func (k ErrorKind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not found"
	case KindForbidden:
		return "forbidden"
	case KindConflict:
		return "conflict"
	}
	return "internal"
}

// Error is the one error type whose Message is shown to the person who typed
// the command. Message is written for them: what was wrong and how to fix it.
type Error struct {
	Kind    ErrorKind
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of the given kind with a formatted user message.
func Errorf(kind ErrorKind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalidf is shorthand for Errorf(KindInvalid, ...).
func Invalidf(format string, args ...any) error { return Errorf(KindInvalid, format, args...) }

// NotFoundf is shorthand for Errorf(KindNotFound, ...).
func NotFoundf(format string, args ...any) error { return Errorf(KindNotFound, format, args...) }

// Forbiddenf is shorthand for Errorf(KindForbidden, ...).
func Forbiddenf(format string, args ...any) error { return Errorf(KindForbidden, format, args...) }

// Conflictf is shorthand for Errorf(KindConflict, ...).
func Conflictf(format string, args ...any) error { return Errorf(KindConflict, format, args...) }

// KindOf reports the kind of err: the Kind of the first *Error in its chain,
// or KindInternal when there is none.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// UserMessage is the text a user may see for err: its own message for an
// *Error, a generic line for anything else (which must be logged instead).
func UserMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong; staff have been told."
}
