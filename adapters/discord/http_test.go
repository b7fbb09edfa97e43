package discord

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"sparkbot/adapters/discord/fakediscord"
)

// endpoint is the adapter's HTTP interactions endpoint on a test server,
// mounted as cmd/sparkbot mounts it, with the application's key pair.
type endpoint struct {
	*env
	url  string
	priv ed25519.PrivateKey
}

func newEndpoint(t *testing.T) *endpoint {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.PublicKey = hex.EncodeToString(pub) })
	mux := http.NewServeMux()
	for pattern, h := range e.a.Routes() {
		mux.Handle(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &endpoint{env: e, url: srv.URL + "/discord/interactions", priv: priv}
}

// post sends body signed with key at timestamp ts, as Discord does.
func (ep *endpoint) post(t *testing.T, body []byte, key ed25519.PrivateKey, ts time.Time) (int, []byte) {
	t.Helper()
	return ep.postTampered(t, body, body, key, ts)
}

// postTampered signs one body and sends another; a nil key sends no
// signature.
func (ep *endpoint) postTampered(t *testing.T, signed, sent []byte, key ed25519.PrivateKey, ts time.Time) (int, []byte) {
	t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req, _ := http.NewRequest("POST", ep.url, bytes.NewReader(sent))
	req.Header.Set("Content-Type", "application/json")
	if key != nil {
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(stamp), signed...))))
		req.Header.Set("X-Signature-Timestamp", stamp)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, got
}

func TestHTTPEndpointVerifiesSignatures(t *testing.T) {
	ep := newEndpoint(t)
	_, wrongKey, _ := ed25519.GenerateKey(rand.Reader)
	ping := []byte(`{"type":1,"id":"1180000000000000990","application_id":"1180000000000000001","token":"token-ping","version":1}`)
	now := ep.clock.Now()
	for _, tc := range []struct {
		name   string
		signed []byte // what was signed
		sent   []byte // what arrives
		key    ed25519.PrivateKey
		at     time.Time
		want   int
	}{
		{"valid signature", ping, ping, ep.priv, now, http.StatusOK},
		{"valid, a little clock skew", ping, ping, ep.priv, now.Add(-90 * time.Second), http.StatusOK},
		{"tampered body", ping, bytes.Replace(ping, []byte(`"type":1`), []byte(`"type":2`), 1), ep.priv, now, http.StatusUnauthorized},
		{"wrong key", ping, ping, wrongKey, now, http.StatusUnauthorized},
		{"stale timestamp", ping, ping, ep.priv, now.Add(-10 * time.Minute), http.StatusUnauthorized},
		{"timestamp from the future", ping, ping, ep.priv, now.Add(10 * time.Minute), http.StatusUnauthorized},
		{"unsigned", ping, ping, nil, now, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := ep.postTampered(t, tc.signed, tc.sent, tc.key, tc.at)
			if status != tc.want {
				t.Fatalf("status: got %d, want %d (%s)", status, tc.want, body)
			}
			if tc.want == http.StatusOK && strings.TrimSpace(string(body)) != `{"type":1}` {
				t.Errorf("PING answer: got %s, want PONG {\"type\":1}", body)
			}
		})
	}
	ep.h.mu.Lock()
	n := len(ep.h.reqs)
	ep.h.mu.Unlock()
	if n != 0 {
		t.Errorf("%d requests reached the router, want none", n)
	}
}

func TestHTTPEndpointRoutesCommands(t *testing.T) {
	ep := newEndpoint(t)
	ep.seed()
	t.Run("a command is answered in the response body", func(t *testing.T) {
		body, _ := json.Marshal(readTestdata(t, "interaction_spaces_log.json"))
		status, got := ep.post(t, body, ep.priv, ep.clock.Now())
		var cb callback
		if err := json.Unmarshal(got, &cb); err != nil || status != http.StatusOK {
			t.Fatalf("got %d %s", status, got)
		}
		if cb.Type != 4 || cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, "Logged Space 1eaKbrPAqbwKX") {
			t.Errorf("got type %d flags %d %q, want the ephemeral log reply", cb.Type, cb.Data.Flags, cb.Data.Content)
		}
		if ep.fake.Count(fakediscord.To("POST", "/callback")) != 0 {
			t.Error("the reply also went to the callback endpoint; over HTTP it is the response body")
		}
	})
	t.Run("a slow command is deferred in the body, then edited in", func(t *testing.T) {
		body, _ := json.Marshal(interaction("1180000000000000991", 2, member(hostID, plainPerms), command([]string{"spaces", "leaderboard"})))
		status, got := ep.post(t, body, ep.priv, ep.clock.Now())
		var cb callback
		if err := json.Unmarshal(got, &cb); err != nil || status != http.StatusOK || cb.Type != 5 {
			t.Fatalf("got %d %s, want a deferred response (type 5)", status, got)
		}
		ep.fake.Await(t, "the edit", fakediscord.To("PATCH", "/token-1180000000000000991/messages/@original"))
	})
	t.Run("a non-staff member is refused a /cohort command", func(t *testing.T) {
		body, _ := json.Marshal(interaction("1180000000000000992", 2, member(otherID, plainPerms), command([]string{"cohort", "applications"})))
		_, got := ep.post(t, body, ep.priv, ep.clock.Now())
		var cb callback
		json.Unmarshal(got, &cb)
		if cb.Data.Content != "/cohort applications is for program staff only." {
			t.Errorf("got %q", cb.Data.Content)
		}
	})
}

func TestHTTPEndpointIsOffWithoutAKey(t *testing.T) {
	e := newEnv(t)
	if r := e.a.Routes(); r != nil {
		t.Errorf("Routes: got %v without a public key, want none", r)
	}
	if _, err := New(Config{Token: "x", PublicKey: "not hex"}, e.h); err == nil {
		t.Error("New with a malformed public key: got no error")
	}
}

// TestHTTPEndpointServesWhetherOrNotRunRuns: every replica serves the
// interactions endpoint, while the gateway runs on one of them (Run, one
// term each time that replica takes the role): before this replica's
// first term, during one, between two, and in the next.
func TestHTTPEndpointServesWhetherOrNotRunRuns(t *testing.T) {
	ep := newEndpoint(t)
	ep.seed()
	id := 1180000000000000800
	check := func(when string) {
		t.Helper()
		id++
		body, _ := json.Marshal(interaction(strconv.Itoa(id), 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
		status, got := ep.post(t, body, ep.priv, ep.clock.Now())
		var cb callback
		if err := json.Unmarshal(got, &cb); err != nil || status != http.StatusOK || cb.Type != 4 {
			t.Errorf("%s: got %d %s, want 200 with a reply (type 4)", when, status, got)
		}
	}
	check("before any Run")
	_, stop := ep.startRun()
	<-ep.a.Registered()
	check("while Run holds the gateway")
	stop()
	check("after Run returned")
	ep.run()
	check("in a second Run")
}

// TestHTTPEndpointRefusesOnceDrained: when the process stops, Drain
// refuses new interactions (Discord retries elsewhere) after the
// listener has stopped taking them.
func TestHTTPEndpointRefusesOnceDrained(t *testing.T) {
	ep := newEndpoint(t)
	ep.seed()
	ep.a.Drain()
	body, _ := json.Marshal(interaction("1180000000000000900", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	if status, got := ep.post(t, body, ep.priv, ep.clock.Now()); status != http.StatusServiceUnavailable {
		t.Errorf("after Drain: got %d %s, want 503", status, got)
	}
}
