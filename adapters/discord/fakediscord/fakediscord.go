// Package fakediscord is a fake Discord for tests: the REST API and the
// gateway, on 127.0.0.1, speaking the documented wire format closely
// enough for discordgo. It records every REST call, answers the calls
// sparkbot makes, fails the ones a test asks it to, and dispatches gateway
// events a test hands it.
package fakediscord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Prefix is the path prefix of the REST API discordgo calls ("/api/v9").
var Prefix = "/api/v" + discordgo.APIVersion

// awaitTimeout bounds every wait, so a broken test fails instead of hanging.
const awaitTimeout = 10 * time.Second

// Call is one REST request the fake received.
type Call struct {
	Method string
	Path   string // without the query
	Header http.Header
	Body   []byte // as sent
	// JSON is the JSON body, or a multipart request's payload_json.
	JSON json.RawMessage
	// Files are the names of a multipart request's files, and Data their
	// contents in the same order.
	Files []string
	Data  [][]byte
}

// Decode unmarshals the call's JSON into v.
func (c Call) Decode(v any) error { return json.Unmarshal(c.JSON, v) }

// Reply is a canned response for one request.
type Reply struct {
	Status int
	Body   string
	Header http.Header
}

// Identify is what a client sent to open a gateway session.
type Identify struct {
	Op   int `json:"op"`
	Data struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	} `json:"d"`
}

// Server is a running fake Discord.
type Server struct {
	AppID string // the application, also the bot user's id
	srv   *httptest.Server

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced whenever something is recorded
	calls      []Call
	failures   map[string][]Reply // "METHOD /path" → replies to give first
	roles      map[string][]*discordgo.Role
	dmChannels map[string]string           // user → DM channel
	events     map[string][]map[string]any // guild → scheduled events
	nextID     int64
	identifies []Identify
	resumes    int
	conns      []*websocket.Conn
	conn       *gatewayConn // the current session
	seq        int64
	rejected   []Rejection    // requests refused for breaking a limit
	followUps  map[string]int // follow-ups so far, by interaction token
}

type gatewayConn struct {
	ws *websocket.Conn
	mu sync.Mutex // serialises writes
}

func (c *gatewayConn) write(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteJSON(v)
}

// New starts a fake Discord that stops when the test ends.
func New(t testing.TB) *Server {
	s := &Server{
		AppID: "1180000000000000001", changed: make(chan struct{}),
		failures: map[string][]Reply{}, roles: map[string][]*discordgo.Role{},
		dmChannels: map[string]string{}, events: map[string][]map[string]any{}, nextID: 1190000000000000000,
		followUps: map[string]int{},
	}
	mux := http.NewServeMux()
	p := Prefix
	mux.HandleFunc("GET "+p+"/gateway", s.gateway)
	mux.HandleFunc("GET "+p+"/gateway/bot", s.gateway)
	mux.HandleFunc("PUT "+p+"/applications/{app}/commands", s.commands)
	mux.HandleFunc("PUT "+p+"/applications/{app}/guilds/{guild}/commands", s.commands)
	mux.HandleFunc("POST "+p+"/users/@me/channels", s.userChannel)
	mux.HandleFunc("POST "+p+"/channels/{channel}/messages", s.message)
	mux.HandleFunc("GET "+p+"/guilds/{guild}/roles", s.guildRoles)
	mux.HandleFunc("POST "+p+"/interactions/{id}/{token}/callback", s.callback)
	mux.HandleFunc("PATCH "+p+"/webhooks/{app}/{token}/messages/@original", s.edit)
	mux.HandleFunc("POST "+p+"/webhooks/{app}/{token}", s.message)
	mux.HandleFunc("GET "+p+"/guilds/{guild}/scheduled-events", s.listEvents)
	mux.HandleFunc("POST "+p+"/guilds/{guild}/scheduled-events", s.saveEvent)
	mux.HandleFunc("PATCH "+p+"/guilds/{guild}/scheduled-events/{id}", s.saveEvent)
	mux.HandleFunc("DELETE "+p+"/guilds/{guild}/scheduled-events/{id}", s.deleteEvent)
	mux.HandleFunc("GET /ws/", s.websocket)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0})
	})
	s.srv = httptest.NewServer(s.record(mux))
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.srv.Close()
}

// Client returns an HTTP client that sends discord.com requests to the
// fake and refuses every other host, so a test never leaves the machine.
func (s *Server) Client() *http.Client {
	base, _ := url.Parse(s.srv.URL)
	return &http.Client{Timeout: awaitTimeout, Transport: rewrite{host: base.Host, rt: s.srv.Client().Transport}}
}

// URL is the fake's base URL, for requests a test makes itself.
func (s *Server) URL() string { return s.srv.URL }

type rewrite struct {
	host string
	rt   http.RoundTripper
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" && req.URL.Host != r.host {
		return nil, fmt.Errorf("fakediscord: refusing a request to %s", req.URL.Host)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = "http", r.host, ""
	return r.rt.RoundTrip(out)
}

// Fail makes the next request to method and path (like
// "/api/v9/channels/1/messages") get reply instead of the normal answer.
// Several calls queue several replies.
func (s *Server) Fail(method, path string, reply Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := method + " " + path
	s.failures[key] = append(s.failures[key], reply)
}

// SetRoles sets a guild's roles.
func (s *Server) SetRoles(guildID string, roles ...*discordgo.Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[guildID] = roles
}

// Calls returns every REST call so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Count returns how many calls so far match.
func (s *Server) Count(match func(Call) bool) int {
	n := 0
	for _, c := range s.Calls() {
		if match(c) {
			n++
		}
	}
	return n
}

// Await returns the first call that matches, waiting for it if needed.
func (s *Server) Await(t testing.TB, what string, match func(Call) bool) Call {
	t.Helper()
	var found Call
	s.await(t, what, func() bool {
		for _, c := range s.calls {
			if match(c) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

// AwaitCount waits until n calls match.
func (s *Server) AwaitCount(t testing.TB, what string, n int, match func(Call) bool) {
	t.Helper()
	seen := 0 // calls already counted; the history only grows
	count := 0
	s.await(t, what, func() bool {
		for _, c := range s.calls[seen:] {
			if match(c) {
				count++
			}
		}
		seen = len(s.calls)
		return count >= n
	})
}

// To matches calls by method and a path suffix.
func To(method, pathSuffix string) func(Call) bool {
	return func(c Call) bool { return c.Method == method && strings.HasSuffix(c.Path, pathSuffix) }
}

// await waits until cond, called with s.mu held, is true.
func (s *Server) await(t testing.TB, what string, cond func() bool) {
	t.Helper()
	timeout := time.NewTimer(awaitTimeout)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			t.Fatalf("fakediscord: gave up waiting for %s", what)
		}
	}
}

// notify wakes waiters; call with s.mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) id() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// record keeps every REST call and gives queued failures first.
func (s *Server) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ws/") {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		c := Call{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
		c.JSON, c.Files, c.Data = parseBody(r.Header.Get("Content-Type"), body)
		r.Body = io.NopCloser(bytes.NewReader(c.JSON)) // a multipart request's handler reads its payload_json
		r = r.WithContext(context.WithValue(r.Context(), callKey{}, c))
		s.mu.Lock()
		s.calls = append(s.calls, c)
		key := r.Method + " " + r.URL.Path
		var fail *Reply
		if q := s.failures[key]; len(q) > 0 {
			fail, s.failures[key] = &q[0], q[1:]
		}
		s.notify()
		s.mu.Unlock()
		if fail != nil {
			for k, v := range fail.Header {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(fail.Status)
			io.WriteString(w, fail.Body)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func parseBody(contentType string, body []byte) (json.RawMessage, []string, [][]byte) {
	mt, params, _ := mime.ParseMediaType(contentType)
	if mt != "multipart/form-data" {
		return json.RawMessage(body), nil, nil
	}
	var payload json.RawMessage
	var names []string
	var data [][]byte
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			payload = b
			continue
		}
		names = append(names, p.FileName())
		data = append(data, b)
	}
	return payload, names, data
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	base, _ := url.Parse(s.srv.URL)
	writeJSON(w, http.StatusOK, map[string]any{"url": "ws://" + base.Host + "/ws", "shards": 1})
}

func (s *Server) commands(w http.ResponseWriter, r *http.Request) {
	var cmds []map[string]any
	if err := json.NewDecoder(r.Body).Decode(&cmds); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	s.mu.Lock()
	for _, c := range cmds {
		c["id"], c["application_id"], c["version"] = s.id(), r.PathValue("app"), "1"
		if g := r.PathValue("guild"); g != "" {
			c["guild_id"] = g
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, cmds)
}

func (s *Server) userChannel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.RecipientID == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	s.mu.Lock()
	id, ok := s.dmChannels[body.RecipientID]
	if !ok {
		id = s.id()
		s.dmChannels[body.RecipientID] = id
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"id": id, "type": 1, "recipients": []map[string]any{{"id": body.RecipientID, "username": "user"}},
	})
}

// DMChannel returns the DM channel the fake opened for a user, if any.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannels[userID]
}

// callKey is the request context key of the Call being served.
type callKey struct{}

func callOf(r *http.Request) Call { c, _ := r.Context().Value(callKey{}).(Call); return c }

// callback answers an interaction's first response: a message (types 4
// and 7) is held to Discord's limits; a deferral or a PONG has none.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(c.JSON, &cb); err != nil {
		s.refuse(w, c, 50035, "Invalid Form Body", "callback is not JSON")
		return
	}
	if (cb.Type == 4 || cb.Type == 7) && !s.check(w, c, cb.Data, cb.Type == 4) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// edit answers an edit of an interaction's original response.
func (s *Server) edit(w http.ResponseWriter, r *http.Request) {
	if c := callOf(r); !s.check(w, c, c.JSON, false) {
		return
	}
	s.reply(w, r)
}

// message answers a new message: in a channel, or an interaction follow-up.
// Follow-ups carry Discord's rate-limit headers: five per interaction, then
// two seconds to reset (the fake counts, it does not refuse).
func (s *Server) message(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	if !s.check(w, c, c.JSON, true) {
		return
	}
	if token := r.PathValue("token"); token != "" {
		s.mu.Lock()
		s.followUps[token]++
		n := s.followUps[token]
		s.mu.Unlock()
		w.Header().Set("X-RateLimit-Limit", "5")
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(4-(n-1)%5))
		w.Header().Set("X-RateLimit-Reset-After", "2.000")
	}
	s.reply(w, r)
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id := s.id()
	s.mu.Unlock()
	channel := r.PathValue("channel")
	if channel == "" {
		channel = "1"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": id, "channel_id": channel, "type": 0,
		"author": map[string]any{"id": s.AppID, "username": "sparkbot", "bot": true},
	})
}

func (s *Server) guildRoles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	roles := s.roles[r.PathValue("guild")]
	s.mu.Unlock()
	if roles == nil {
		roles = []*discordgo.Role{}
	}
	writeJSON(w, http.StatusOK, roles)
}

// --- scheduled events

// Events returns a guild's scheduled events as the fake holds them.
func (s *Server) Events(guildID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.events[guildID]...)
}

// AddEvent adds a scheduled event someone else made.
func (s *Server) AddEvent(guildID string, ev map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev["id"] == nil {
		ev["id"] = s.id()
	}
	s.events[guildID] = append(s.events[guildID], ev)
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	evs := s.Events(r.PathValue("guild"))
	if evs == nil {
		evs = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, evs)
}

func (s *Server) saveEvent(w http.ResponseWriter, r *http.Request) {
	var ev map[string]any
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	guild, id := r.PathValue("guild"), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	evs := s.events[guild]
	if id == "" {
		ev["id"], ev["guild_id"], ev["creator_id"], ev["status"] = s.id(), guild, s.AppID, 1
		s.events[guild] = append(evs, ev)
		writeJSON(w, http.StatusOK, ev)
		return
	}
	for _, old := range evs {
		if old["id"] == id {
			for k, v := range ev {
				old[k] = v
			}
			writeJSON(w, http.StatusOK, old)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown Guild Scheduled Event", "code": 10070})
}

func (s *Server) deleteEvent(w http.ResponseWriter, r *http.Request) {
	guild, id := r.PathValue("guild"), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	evs := s.events[guild]
	for i, ev := range evs {
		if ev["id"] == id {
			s.events[guild] = append(evs[:i:i], evs[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown Guild Scheduled Event", "code": 10070})
}

// --- gateway

var upgrader = websocket.Upgrader{}

// websocket runs one gateway session: HELLO, then IDENTIFY → READY or
// RESUME → RESUMED, then heartbeat ACKs until the connection ends.
func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.conns = append(s.conns, ws)
	s.mu.Unlock()
	defer ws.Close()
	c := &gatewayConn{ws: ws}
	if c.write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) != nil {
		return
	}
	if !s.handshake(c) {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			s.mu.Lock()
			if s.conn == c {
				s.conn = nil
			}
			s.mu.Unlock()
			return
		}
		var op struct {
			Op int `json:"op"`
		}
		if json.Unmarshal(msg, &op) == nil && op.Op == 1 {
			c.write(map[string]any{"op": 11})
		}
	}
}

func (s *Server) handshake(c *gatewayConn) bool {
	_, msg, err := c.ws.ReadMessage()
	if err != nil {
		return false
	}
	var hello Identify
	if err := json.Unmarshal(msg, &hello); err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch hello.Op {
	case 2:
		s.identifies = append(s.identifies, hello)
		s.seq++
		err = c.write(map[string]any{"op": 0, "t": "READY", "s": s.seq, "d": map[string]any{
			"v": 9, "session_id": "fake-session", "resume_gateway_url": "ws://" + c.ws.LocalAddr().String() + "/ws",
			"user":        map[string]any{"id": s.AppID, "username": "sparkbot", "bot": true},
			"application": map[string]any{"id": s.AppID, "flags": 0},
			"guilds":      []any{},
		}})
	case 6:
		s.resumes++
		err = c.write(map[string]any{"op": 0, "t": "RESUMED", "s": s.seq, "d": map[string]any{}})
	default:
		return false
	}
	if err != nil {
		return false
	}
	s.conn = c
	s.notify()
	return true
}

// AwaitSession waits until a gateway session is open and returns the
// IDENTIFY payloads and the number of RESUMEs so far.
func (s *Server) AwaitSession(t testing.TB) ([]Identify, int) {
	t.Helper()
	s.await(t, "a gateway session", func() bool { return s.conn != nil })
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.identifies...), s.resumes
}

// AwaitIdentifies waits until n gateway sessions have been identified (a
// RESUME is not one) and the latest of them is open.
func (s *Server) AwaitIdentifies(t testing.TB, n int) {
	t.Helper()
	s.await(t, fmt.Sprintf("%d identified gateway sessions", n), func() bool { return len(s.identifies) >= n && s.conn != nil })
}

// AwaitResume waits until the client has resumed n times.
func (s *Server) AwaitResume(t testing.TB, n int) {
	t.Helper()
	s.await(t, "a resumed gateway session", func() bool { return s.resumes >= n && s.conn != nil })
}

// Dispatch sends a gateway event (op 0) on the open session.
func (s *Server) Dispatch(t testing.TB, event string, data any) {
	t.Helper()
	s.await(t, "a gateway session to dispatch on", func() bool { return s.conn != nil })
	s.mu.Lock()
	c := s.conn
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	if err := c.write(map[string]any{"op": 0, "t": event, "s": seq, "d": data}); err != nil {
		t.Fatalf("fakediscord: dispatching %s: %v", event, err)
	}
}

// Drop closes the open gateway session without a close frame, as a
// network failure would.
func (s *Server) Drop(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	c := s.conn
	s.conn = nil
	s.mu.Unlock()
	if c == nil {
		t.Fatal("fakediscord: no gateway session to drop")
	}
	c.ws.UnderlyingConn().Close()
}
