// Package fakeslack is a fake Slack for tests: the Web API methods sparkbot
// calls, response_url hooks, file uploads and a Socket Mode websocket, on
// 127.0.0.1, in Slack's documented wire format, so that the real slack-go
// client can be pointed at it (slack.OptionAPIURL(srv.APIURL())).
//
// Everything the fake accepts is also sent on a buffered channel (Posts,
// Hooks, Uploads), so a test waits for what it expects instead of sleeping.
package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// The fake workspace's credentials and names.
const (
	BotToken  = "xoxb-fake-bot-token"
	AppToken  = "xapp-fake-app-token"
	TeamID    = "T0FAKE"
	TeamName  = "Spark Fake"
	BotUserID = "U0BOT"
	BotName   = "sparkbot"
)

// Channel is a conversation the fake knows. The bot can post in it only
// when it is a Member and the channel is not Archived.
type Channel struct {
	ID, Name string
	Member   bool
	Archived bool
}

// Failure is what the next call of a method answers instead of succeeding:
// Slack's {"ok":false,"error":Error}, or HTTP 429 with Retry-After when
// RetryAfter is set. Pass, the zero Failure, lets a call through, so that
// a later one in the queue fails.
type Failure struct {
	Error      string
	RetryAfter int // seconds
}

// Pass is a queued Failure that lets its call succeed.
var Pass = Failure{}

// Post is one chat.postMessage the fake accepted.
type Post struct {
	Channel string
	Text    string
	Blocks  string // the blocks JSON, as sent
}

// Hook is one message posted to a response_url.
type Hook struct {
	ID  string // the name given to ResponseURL
	Raw string // the JSON body
	Msg slack.WebhookMessage
}

// Upload is one file shared with files.completeUploadExternal.
type Upload struct {
	Channel string
	Name    string
	Data    []byte
	Comment string // initial_comment: the message the file came with
}

// Server is the fake Slack.
type Server struct {
	URL string

	Posts   chan Post
	Hooks   chan Hook
	Uploads chan Upload

	srv     *httptest.Server
	sockets chan *Socket

	mu       sync.Mutex
	users    map[string]slack.User
	channels map[string]Channel
	groups   []slack.UserGroup
	dms      map[string]string // user id → DM channel id
	failures map[string][]Failure
	calls    map[string]int
	files    map[string]*Upload // by file id, between upload URL and completion
	conns    []*Socket
	ts       int
	hooks    map[string]int // posts each response_url has taken
	rejected []Rejection
}

// Rejection is a message the fake refused as Slack would.
type Rejection struct {
	Where  string // the method, or "response_url"
	Code   string // Slack's error
	Reason string
}

// Rejections returns the messages refused so far.
func (s *Server) Rejections() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejection(nil), s.rejected...)
}

// reject records a refusal and returns its code.
func (s *Server) reject(where, code, reason string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected = append(s.rejected, Rejection{Where: where, Code: code, Reason: reason})
	return code
}

// New starts a fake Slack on 127.0.0.1; it stops when the test ends.
func New(tb testing.TB) *Server {
	s := Start()
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake Slack on 127.0.0.1 outside a test (cmd/sparkload);
// the caller closes it, and reads its channels so that it never blocks.
func Start() *Server {
	s := &Server{
		Posts:    make(chan Post, 100),
		Hooks:    make(chan Hook, 100),
		Uploads:  make(chan Upload, 100),
		sockets:  make(chan *Socket, 10),
		users:    make(map[string]slack.User),
		channels: make(map[string]Channel),
		dms:      make(map[string]string),
		failures: make(map[string][]Failure),
		calls:    make(map[string]int),
		files:    make(map[string]*Upload),
		hooks:    make(map[string]int),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", s.api)
	mux.HandleFunc("GET /api/{method}", s.api)
	mux.HandleFunc("POST /hooks/{id}", s.hook)
	mux.HandleFunc("POST /upload/{id}", s.upload)
	mux.HandleFunc("GET /socket", s.socket)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close stops the server and closes its websockets.
func (s *Server) Close() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	for _, c := range conns {
		c.conn.Close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// APIURL is the Web API base URL, with the trailing slash slack-go needs.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL is a response_url whose posts arrive on Hooks named name.
func (s *Server) ResponseURL(name string) string { return s.URL + "/hooks/" + name }

// AddUser adds a workspace member, as users.info returns it.
func (s *Server) AddUser(u slack.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.TeamID == "" {
		u.TeamID = TeamID
	}
	s.users[u.ID] = u
}

// AddChannel adds a channel.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = c
}

// AddUserGroup adds a user group, as usergroups.list returns it.
func (s *Server) AddUserGroup(g slack.UserGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups = append(s.groups, g)
}

// Fail makes the next call of method ("chat.postMessage") answer f.
func (s *Server) Fail(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f)
}

// Calls is how many times method has been called.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// handler answers one Web API method; form holds its arguments.
type handler func(s *Server, form formValues) (map[string]any, string)

type formValues interface{ Get(string) string }

var methods = map[string]handler{
	"auth.test":                    (*Server).authTest,
	"apps.connections.open":        (*Server).connectionsOpen,
	"users.info":                   (*Server).usersInfo,
	"conversations.open":           (*Server).conversationsOpen,
	"conversations.info":           (*Server).conversationsInfo,
	"chat.postMessage":             (*Server).postMessage,
	"usergroups.list":              (*Server).usergroupsList,
	"files.getUploadURLExternal":   (*Server).uploadURL,
	"files.completeUploadExternal": (*Server).completeUpload,
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls[method]++
	var fail *Failure
	if q := s.failures[method]; len(q) > 0 {
		fail, s.failures[method] = &q[0], q[1:]
	}
	s.mu.Unlock()
	if fail != nil && *fail == Pass {
		fail = nil
	}
	switch {
	case fail != nil && fail.RetryAfter > 0:
		w.Header().Set("Retry-After", strconv.Itoa(fail.RetryAfter))
		http.Error(w, "rate limited", http.StatusTooManyRequests)
		return
	case fail != nil:
		writeJSON(w, map[string]any{"ok": false, "error": fail.Error})
		return
	}
	want := BotToken
	if method == "apps.connections.open" {
		want = AppToken
	}
	if token(r) != want {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	h, ok := methods[method]
	if !ok {
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
		return
	}
	body, errCode := h(s, r.Form)
	if errCode != "" {
		writeJSON(w, map[string]any{"ok": false, "error": errCode})
		return
	}
	body["ok"] = true
	writeJSON(w, body)
}

func token(r *http.Request) string {
	if t := r.Form.Get("token"); t != "" {
		return t
	}
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (s *Server) authTest(formValues) (map[string]any, string) {
	return map[string]any{"url": s.URL + "/", "team": TeamName, "user": BotName, "team_id": TeamID,
		"user_id": BotUserID, "bot_id": "B0BOT"}, ""
}

func (s *Server) connectionsOpen(formValues) (map[string]any, string) {
	return map[string]any{"url": "ws" + strings.TrimPrefix(s.URL, "http") + "/socket"}, ""
}

func (s *Server) usersInfo(f formValues) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[f.Get("user")]
	if !ok {
		return nil, "user_not_found"
	}
	return map[string]any{"user": u}, ""
}

func (s *Server) conversationsOpen(f formValues) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := f.Get("users")
	u, ok := s.users[id]
	switch {
	case !ok:
		return nil, "user_not_found"
	case u.Deleted:
		return nil, "user_disabled"
	case u.IsBot:
		return nil, "cannot_dm_bot"
	}
	ch, already := s.dms[id]
	if !already {
		ch = "D" + strings.TrimPrefix(id, "U")
		s.dms[id] = ch
	}
	return map[string]any{"channel": map[string]any{"id": ch}, "already_open": already}, ""
}

func (s *Server) conversationsInfo(f formValues) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[f.Get("channel")]
	if !ok {
		return nil, "channel_not_found"
	}
	return map[string]any{"channel": map[string]any{"id": c.ID, "name": c.Name, "is_member": c.Member, "is_archived": c.Archived}}, ""
}

func (s *Server) postMessage(f formValues) (map[string]any, string) {
	ch := f.Get("channel")
	if code := s.canPost(ch); code != "" {
		return nil, code
	}
	if code, reason := CheckMessage(f.Get("text"), f.Get("blocks")); code != "" {
		return nil, s.reject("chat.postMessage", code, reason)
	}
	s.mu.Lock()
	s.ts++
	ts := fmt.Sprintf("1700000000.%06d", s.ts)
	s.mu.Unlock()
	s.Posts <- Post{Channel: ch, Text: f.Get("text"), Blocks: f.Get("blocks")}
	return map[string]any{"channel": ch, "ts": ts}, ""
}

// canPost is the error posting in ch gets, or "".
func (s *Server) canPost(ch string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, dm := range s.dms {
		if dm == ch {
			return ""
		}
	}
	c, ok := s.channels[ch]
	switch {
	case !ok:
		return "channel_not_found"
	case c.Archived:
		return "is_archived"
	case !c.Member:
		return "not_in_channel"
	}
	return ""
}

func (s *Server) usergroupsList(formValues) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{"usergroups": s.groups}, ""
}

func (s *Server) uploadURL(f formValues) (map[string]any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("F%d", len(s.files)+1)
	s.files[id] = &Upload{Name: f.Get("filename")}
	return map[string]any{"upload_url": s.URL + "/upload/" + id, "file_id": id}, ""
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	file, _, err := r.FormFile("file")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	data, _ := io.ReadAll(file)
	s.mu.Lock()
	up, ok := s.files[r.PathValue("id")]
	if ok {
		up.Data = data
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	io.WriteString(w, "OK - "+strconv.Itoa(len(data)))
}

func (s *Server) completeUpload(f formValues) (map[string]any, string) {
	var files []slack.FileSummary
	if err := json.Unmarshal([]byte(f.Get("files")), &files); err != nil || len(files) != 1 {
		return nil, "invalid_arguments"
	}
	ch := f.Get("channel_id")
	if code := s.canPost(ch); code != "" {
		return nil, code
	}
	if c := f.Get("initial_comment"); runes(c) > MaxText {
		return nil, s.reject("files.completeUploadExternal", "msg_too_long", fmt.Sprintf("a comment of %d characters", runes(c)))
	}
	s.mu.Lock()
	up, ok := s.files[files[0].ID]
	s.mu.Unlock()
	if !ok {
		return nil, "file_not_found"
	}
	s.Uploads <- Upload{Channel: ch, Name: up.Name, Data: up.Data, Comment: f.Get("initial_comment")}
	return map[string]any{"files": files}, ""
}

func (s *Server) hook(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := Hook{ID: r.PathValue("id"), Raw: string(raw)}
	var blocks struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &h.Msg); err != nil || json.Unmarshal(raw, &blocks) != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.hooks[h.ID]++
	used := s.hooks[h.ID]
	s.mu.Unlock()
	if used > MaxResponses {
		http.Error(w, s.reject("response_url", "used_url", fmt.Sprintf("post %d to one response_url", used)), http.StatusNotFound)
		return
	}
	if raw := string(blocks.Blocks); raw == "null" {
		blocks.Blocks = nil
	}
	if code, reason := CheckMessage(h.Msg.Text, string(blocks.Blocks)); code != "" {
		http.Error(w, s.reject("response_url", code, reason), http.StatusBadRequest)
		return
	}
	s.Hooks <- h
	io.WriteString(w, "ok")
}

// Socket is the server end of one Socket Mode connection.
type Socket struct {
	conn *websocket.Conn
	acks chan Ack
	wmu  sync.Mutex
}

// Ack is a message the client sent back: an envelope's acknowledgement.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) socket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sock := &Socket{conn: conn, acks: make(chan Ack, 100)}
	s.mu.Lock()
	s.conns = append(s.conns, sock)
	s.mu.Unlock()
	go sock.read() // exits when the connection closes
	s.sockets <- sock
}

func (c *Socket) read() {
	defer close(c.acks)
	for {
		var a Ack
		if err := c.conn.ReadJSON(&a); err != nil {
			return
		}
		c.acks <- a
	}
}

// wait bounds how long a test waits for the client; it guards against a
// hang, it does not pace the test.
const wait = 10 * time.Second

// Socket waits for the client to open a Socket Mode connection.
func (s *Server) Socket(tb testing.TB) *Socket {
	tb.Helper()
	select {
	case c := <-s.sockets:
		return c
	case <-time.After(wait):
		tb.Fatal("fakeslack: the client opened no Socket Mode connection")
		return nil
	}
}

func (c *Socket) send(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.conn.WriteJSON(v)
}

// Hello sends Slack's greeting, as on every new connection.
func (c *Socket) Hello() error {
	return c.send(map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A0FAKE"}, "debug_info": map[string]any{"host": "fakeslack"}})
}

// SlashCommand sends a slash_commands envelope.
func (c *Socket) SlashCommand(envelopeID string, cmd slack.SlashCommand) error {
	return c.send(map[string]any{"type": "slash_commands", "envelope_id": envelopeID,
		"payload": cmd, "accepts_response_payload": true})
}

// Interactive sends an interactive envelope (a button click).
func (c *Socket) Interactive(envelopeID string, cb slack.InteractionCallback) error {
	payload, err := json.Marshal(&cb)
	if err != nil {
		return err
	}
	return c.send(map[string]any{"type": "interactive", "envelope_id": envelopeID,
		"payload": json.RawMessage(payload), "accepts_response_payload": false})
}

// Ack waits for the client's next acknowledgement.
func (c *Socket) Ack(tb testing.TB) Ack {
	tb.Helper()
	select {
	case a, ok := <-c.acks:
		if !ok {
			tb.Fatal("fakeslack: the Socket Mode connection closed before an acknowledgement")
		}
		return a
	case <-time.After(wait):
		tb.Fatal("fakeslack: no acknowledgement from the client")
		return Ack{}
	}
}

// EventsAPI sends an events_api envelope carrying payload (an
// event_callback).
func (c *Socket) EventsAPI(envelopeID string, payload json.RawMessage) error {
	return c.send(map[string]any{"type": "events_api", "envelope_id": envelopeID,
		"payload": payload, "accepts_response_payload": false})
}

// Receive waits for the next value on ch, failing the test if none comes.
func Receive[T any](tb testing.TB, ch <-chan T) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		var zero T
		tb.Fatalf("fakeslack: nothing arrived on %T", ch)
		return zero
	}
}
