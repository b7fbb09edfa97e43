package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// maxSkew is how far a request's timestamp may be from now; older requests
// may be replays.
const maxSkew = 5 * time.Minute

// Errors Verify returns.
var (
	ErrUnsigned     = errors.New("slack: request lacks the X-Slack-Signature or X-Slack-Request-Timestamp header")
	ErrBadSignature = errors.New("slack: request signature does not match the signing secret")
	ErrStale        = errors.New("slack: request timestamp is more than 5 minutes from now; a replay?")
)

// Signature is Slack's v0 request signature: "v0=" and the hex HMAC-SHA256,
// keyed with the signing secret, of "v0:<timestamp>:<body>".
func Signature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks that a request with header h and body came from Slack:
// signed with secret, and timestamped within 5 minutes of now.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	sig, ts := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" {
		return ErrUnsigned
	}
	if !hmac.Equal([]byte(sig), []byte(Signature(secret, ts, body))) {
		return ErrBadSignature
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrBadSignature // signed, yet not a Unix time: not Slack's
	}
	if d := now.Sub(time.Unix(unix, 0)); d > maxSkew || d < -maxSkew {
		return ErrStale
	}
	return nil
}
