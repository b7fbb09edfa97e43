package bot

import (
	"errors"
	"fmt"
	"time"
)

// DeliveryError is how a Notifier tells the outbox what a failed delivery
// means: try again later (after RetryAfter, when the platform said so), or
// never (Permanent: DMs closed, user gone, bot not in the channel).
type DeliveryError struct {
	Permanent  bool
	RetryAfter time.Duration // the platform's own back-off hint, if any
	// Reason is for staff: what failed and how to fix it
	// ("the bot is not in #news: invite it").
	Reason string
	Err    error
}

func (e *DeliveryError) Error() string {
	kind := "retryable"
	if e.Permanent {
		kind = "permanent"
	}
	if e.Err == nil {
		return fmt.Sprintf("%s delivery failure: %s", kind, e.Reason)
	}
	return fmt.Sprintf("%s delivery failure: %s: %v", kind, e.Reason, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// PermanentFailure returns a DeliveryError that must not be retried.
func PermanentFailure(reason string, err error) error {
	return &DeliveryError{Permanent: true, Reason: reason, Err: err}
}

// RetryLater returns a DeliveryError to retry no sooner than after.
func RetryLater(after time.Duration, reason string, err error) error {
	return &DeliveryError{RetryAfter: after, Reason: reason, Err: err}
}

// AsDeliveryError returns err's DeliveryError, if it has one. An error
// without one is treated as retryable with the outbox's own back-off.
func AsDeliveryError(err error) (*DeliveryError, bool) {
	var de *DeliveryError
	ok := errors.As(err, &de)
	return de, ok
}
