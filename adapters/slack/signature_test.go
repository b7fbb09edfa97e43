package slack_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"sparkbot/adapters/slack"
)

// Slack's own example, from "Verifying requests from Slack"
// (api.slack.com/authentication/verifying-requests-from-slack): a signature
// we computed ourselves could agree with a wrong base string; this one cannot.
const (
	vectorSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	vectorTimestamp = "1531420618"
	vectorBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	vectorSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func vectorHeader() http.Header {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", vectorTimestamp)
	h.Set("X-Slack-Signature", vectorSignature)
	return h
}

func vectorTime(offset time.Duration) time.Time {
	ts, _ := strconv.ParseInt(vectorTimestamp, 10, 64)
	return time.Unix(ts, 0).Add(offset)
}

func TestSignatureMatchesSlacksDocumentedExample(t *testing.T) {
	if got := slack.Signature(vectorSecret, vectorTimestamp, []byte(vectorBody)); got != vectorSignature {
		t.Errorf("Signature = %s, want %s", got, vectorSignature)
	}
	if err := slack.Verify(vectorSecret, vectorHeader(), []byte(vectorBody), vectorTime(30*time.Second)); err != nil {
		t.Errorf("Verify(documented example) = %v, want nil", err)
	}
}

// Freshness is tested on the same signed example with the clock moved, so
// the signature and the window are checked apart.
func TestVerifyFreshnessWindow(t *testing.T) {
	for _, tc := range []struct {
		name   string
		offset time.Duration // now, after the request's timestamp
		want   error
	}{
		{"at once", 0, nil},
		{"5 minutes later", 5 * time.Minute, nil},
		{"a replay 5 minutes 1 second later", 5*time.Minute + time.Second, slack.ErrStale},
		{"a replay a day later", 24 * time.Hour, slack.ErrStale},
		{"5 minutes early", -5 * time.Minute, nil},
		{"from over 5 minutes ahead", -5*time.Minute - time.Second, slack.ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slack.Verify(vectorSecret, vectorHeader(), []byte(vectorBody), vectorTime(tc.offset))
			if !errors.Is(got, tc.want) {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(h http.Header, body []byte) []byte
		want   error
	}{
		{"changed body", func(h http.Header, b []byte) []byte { return append(b, "&text=log"...) }, slack.ErrBadSignature},
		{"changed timestamp", func(h http.Header, b []byte) []byte {
			h.Set("X-Slack-Request-Timestamp", "1531420619")
			return b
		}, slack.ErrBadSignature},
		{"other secret's signature", func(h http.Header, b []byte) []byte {
			h.Set("X-Slack-Signature", slack.Signature("not-the-secret", vectorTimestamp, b))
			return b
		}, slack.ErrBadSignature},
		{"missing signature", func(h http.Header, b []byte) []byte { h.Del("X-Slack-Signature"); return b }, slack.ErrUnsigned},
		{"missing timestamp", func(h http.Header, b []byte) []byte { h.Del("X-Slack-Request-Timestamp"); return b }, slack.ErrUnsigned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := vectorHeader()
			body := tc.change(h, []byte(vectorBody))
			if got := slack.Verify(vectorSecret, h, body, vectorTime(0)); !errors.Is(got, tc.want) {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}

// Every unverified request to either endpoint gets 401, and nothing of it
// reaches the router.
func TestUnverifiedRequestsAreRefused(t *testing.T) {
	for _, path := range []string{"/slack/commands", "/slack/interactivity"} {
		for _, tc := range []struct {
			name   string
			tamper func(h *harness, r *http.Request)
		}{
			{"changed body", func(h *harness, r *http.Request) {
				body := h.command(alice, "spaces status").Encode() + "&text=cohort+create"
				r.Body, r.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
			}},
			{"changed timestamp", func(h *harness, r *http.Request) {
				r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(h.clock.Now().Unix()+1, 10))
			}},
			{"missing signature header", func(h *harness, r *http.Request) { r.Header.Del("X-Slack-Signature") }},
			{"missing timestamp header", func(h *harness, r *http.Request) { r.Header.Del("X-Slack-Request-Timestamp") }},
			{"replay older than 5 minutes", func(h *harness, r *http.Request) { h.clock.Advance(5*time.Minute + time.Second) }},
		} {
			t.Run(path+"/"+tc.name, func(t *testing.T) {
				h := newHarness(t)
				req := h.signed(path, h.command(alice, "spaces status").Encode())
				tc.tamper(h, req)
				if status, body := h.do(req); status != http.StatusUnauthorized {
					t.Errorf("status %d (%q), want 401", status, body)
				}
				h.seen.none(t)
				if n := len(h.fake.Hooks); n != 0 {
					t.Errorf("%d replies posted to response_url, want none", n)
				}
			})
		}
	}
}

// A body larger than any Slack sends is refused before it is verified or
// routed, even when it is signed.
func TestOversizedRequestsAreRefused(t *testing.T) {
	h := newHarness(t)
	body := h.command(alice, "spaces status").Encode() + "&pad=" + strings.Repeat("x", 1<<20)
	if status, _ := h.do(h.signed("/slack/commands", body)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
	h.seen.none(t)
}
