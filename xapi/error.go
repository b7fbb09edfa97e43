package xapi

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors a caller can switch on with errors.Is. No error from this package
// ever carries the bearer token.
var (
	// ErrNotFound: X cannot find the user or Space (HTTP 404, or a
	// resource-not-found error in a 200 answer). An ended Space is often no
	// longer retrievable and answers this.
	ErrNotFound = errors.New("not found on X")
	// ErrUnauthorized: X refused the bearer token (HTTP 401).
	ErrUnauthorized = errors.New("X refused the bearer token")
	// ErrUnavailable: X could not be reached, or answered with a server
	// error (5xx). Worth trying again later.
	ErrUnavailable = errors.New("X is unavailable")
)

// RateLimitError says X's rate limit for an endpoint forbids a request until
// Reset (wall time). It comes from a 429 answer, or, without sending
// anything, when the endpoint's budget (or by/creator_ids' one request a
// second) would make the caller wait past its context's deadline.
type RateLimitError struct {
	Endpoint Endpoint
	Reset    time.Time
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("xapi: %s: rate limited by X until %s", e.Endpoint, e.Reset.UTC().Format(time.RFC3339))
}

// APIError is an answer X gave that is neither data nor one of the errors
// above: a 4xx other than 401, 404 and 429 (a request X calls invalid, or
// forbidden to this app), a 5xx (which also matches ErrUnavailable), or a
// 200 whose only content is an error that is not "not found".
type APIError struct {
	Endpoint Endpoint
	Status   int    // HTTP status
	Title    string // X's problem title, like "Invalid Request"
	Detail   string // X's problem detail
	Type     string // X's problem type URI
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "xapi: %s: X answered %d", e.Endpoint, e.Status)
	if e.Title != "" {
		b.WriteString(": " + e.Title)
	}
	if e.Detail != "" && e.Detail != e.Title {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Unwrap makes a server error match ErrUnavailable.
func (e *APIError) Unwrap() error {
	if e.Status >= 500 {
		return ErrUnavailable
	}
	return nil
}

// transportError is a request that got no answer. Its message is redacted;
// it unwraps to ErrUnavailable and to the cause, so errors.Is finds
// context.DeadlineExceeded and the like.
type transportError struct {
	msg   string
	cause error
}

func (e *transportError) Error() string   { return e.msg }
func (e *transportError) Unwrap() []error { return []error{ErrUnavailable, e.cause} }

// statusError wraps a sentinel with the endpoint it came from.
func statusError(e Endpoint, sentinel error) error {
	return fmt.Errorf("xapi: %s: %w", e, sentinel)
}

// maxProblemText bounds the title and detail kept from an error answer.
const maxProblemText = 300

// redacter removes the bearer token from text that came from elsewhere (an
// answer's body, a transport error naming a URL) before it goes into an
// error or a log line.
type redacter struct{ token string }

func (r redacter) clean(s string) string {
	if r.token != "" {
		s = strings.ReplaceAll(s, r.token, "[redacted]")
	}
	return bound(s, maxProblemText)
}
