package discord

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sparkbot/edge"
)

// newGuardedEndpoint is newEndpoint with a replay set of room entries.
func newGuardedEndpoint(t *testing.T, room int) *endpoint {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) {
		c.PublicKey = hex.EncodeToString(pub)
		c.Replay = edge.NewReplaySet(c.Clock, room)
	})
	mux := http.NewServeMux()
	for pattern, h := range e.a.Routes() {
		mux.Handle(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &endpoint{env: e, url: srv.URL + InteractionsPath, priv: priv}
}

func (ep *endpoint) routed() int {
	ep.h.mu.Lock()
	defer ep.h.mu.Unlock()
	return len(ep.h.reqs)
}

// TestHTTPEndpointActsOnAReplayOnce: the same signed interaction sent
// twice inside its window is answered once; the copy gets 409.
func TestHTTPEndpointActsOnAReplayOnce(t *testing.T) {
	ep := newGuardedEndpoint(t, 100)
	ep.seed()
	before := ep.routed()
	body, _ := json.Marshal(interaction("1180000000000000993", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	at := ep.clock.Now()
	if status, got := ep.post(t, body, ep.priv, at); status != http.StatusOK {
		t.Fatalf("first: %d %s", status, got)
	}
	if status, got := ep.post(t, body, ep.priv, at); status != http.StatusConflict {
		t.Errorf("replay: %d %s, want 409", status, got)
	}
	if n := ep.routed() - before; n != 1 {
		t.Errorf("the router ran %d requests, want 1", n)
	}
}

// TestHTTPEndpointRefusesWhenTheReplaySetIsFull: a set that cannot record
// a request refuses it (503) rather than forget one it holds.
func TestHTTPEndpointRefusesWhenTheReplaySetIsFull(t *testing.T) {
	ep := newGuardedEndpoint(t, 1)
	ep.seed()
	at := ep.clock.Now()
	first, _ := json.Marshal(interaction("1180000000000000994", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	second, _ := json.Marshal(interaction("1180000000000000995", 2, member(hostID, plainPerms), command([]string{"spaces", "status"})))
	if status, _ := ep.post(t, first, ep.priv, at); status != http.StatusOK {
		t.Fatalf("first: %d", status)
	}
	if status, _ := ep.post(t, second, ep.priv, at); status != http.StatusServiceUnavailable {
		t.Errorf("with the set full: %d, want 503", status)
	}
	if status, _ := ep.post(t, first, ep.priv, at); status != http.StatusConflict {
		t.Errorf("the first again: %d, want 409 (still remembered)", status)
	}
}

// TestHTTPEndpointMalformedSignedInputIs400: whatever a holder of the key
// signs, the endpoint answers 400 without detail, never 500, and nothing
// reaches the router.
func TestHTTPEndpointMalformedSignedInputIs400(t *testing.T) {
	ep := newGuardedEndpoint(t, 100)
	valid := func(change func(map[string]any)) []byte {
		in := interaction("1180000000000000996", 2, member(hostID, plainPerms), command([]string{"spaces", "status"}))
		change(in)
		b, _ := json.Marshal(in)
		return b
	}
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"id not a snowflake", valid(func(in map[string]any) { in["id"] = "abc" })},
		{"id too long", valid(func(in map[string]any) { in["id"] = strings.Repeat("1", 21) })},
		{"no id", valid(func(in map[string]any) { delete(in, "id") })},
		{"id a number", valid(func(in map[string]any) { in["id"] = 1180000000000000996 })},
		{"empty token", valid(func(in map[string]any) { in["token"] = "" })},
		{"token with a slash", valid(func(in map[string]any) { in["token"] = "../../webhooks/x" })},
		{"token too long", valid(func(in map[string]any) { in["token"] = strings.Repeat("a", maxTokenLen+1) })},
		{"type 0", valid(func(in map[string]any) { in["type"] = 0 })},
		{"type 99", valid(func(in map[string]any) { in["type"] = 99 })},
		{"type a string", valid(func(in map[string]any) { in["type"] = "2" })},
		{"data not an object", valid(func(in map[string]any) { in["data"] = "x" })},
		{"member not an object", valid(func(in map[string]any) { in["member"] = 7 })},
		{"not JSON", []byte(`{"type":2,`)},
		{"a JSON array", []byte(`[1,2,3]`)},
		{"empty", []byte{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, got := ep.post(t, tc.body, ep.priv, ep.clock.Now())
			if status != http.StatusBadRequest {
				t.Errorf("status %d (%s), want 400", status, got)
			}
			if want := "Bad Request\n"; string(got) != want {
				t.Errorf("body %q, want only %q", got, want)
			}
		})
	}
	if n := ep.routed(); n != 0 {
		t.Errorf("%d malformed requests reached the router", n)
	}
}

// TestHTTPEndpointOversizedBodyIs413.
func TestHTTPEndpointOversizedBodyIs413(t *testing.T) {
	ep := newGuardedEndpoint(t, 100)
	body := bytes.Repeat([]byte(" "), maxBody+1)
	if status, _ := ep.post(t, body, ep.priv, ep.clock.Now()); status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
}

// FuzzParseInteraction: no body makes parseInteraction panic, and whatever
// it accepts can be answered (a snowflake id and a token that fits a URL).
func FuzzParseInteraction(f *testing.F) {
	for _, seed := range []string{
		`{"type":1,"id":"1","token":"t"}`,
		`{"type":2,"id":"1180000000000000996","token":"token-x","data":{"name":"spaces"}}`,
		`{"type":3,"id":"1","token":"a","data":{"custom_id":"x"}}`,
		`{"type":99}`, `[]`, `{"type":2,"data":"x"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := parseInteraction(body)
		if err != nil || in.Type == 1 {
			return
		}
		if !isSnowflake(in.ID) || !validToken(in.Token) {
			t.Errorf("accepted id %q token %q", in.ID, in.Token)
		}
	})
}

// TestReadyAfterConnectAndRegistration: the adapter is ready once the
// gateway is up and the commands are registered.
func TestReadyAfterConnectAndRegistration(t *testing.T) {
	e := newEnv(t)
	if err := e.a.Ready(); err == nil {
		t.Fatal("ready before Run")
	}
	e.run()
	if err := e.a.Ready(); err != nil {
		t.Errorf("after Run connected and registered: %v", err)
	}
}
