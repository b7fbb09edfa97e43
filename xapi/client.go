package xapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is X's API host.
const DefaultBaseURL = "https://api.x.com"

// defaultTimeout bounds one request when the caller gives no http.Client.
const defaultTimeout = 10 * time.Second

// maxBody bounds an answer's body. A full by/creator_ids answer (100 Spaces
// with every field asked for and their creators) is about 60 KB.
const maxBody = 4 << 20

// Config is what a Client needs.
type Config struct {
	// BaseURL is X's API, or a fake or a proxy in front of it (default
	// DefaultBaseURL). A path prefix is kept.
	BaseURL string
	// BearerToken is the app-only token. Required. It goes into the
	// Authorization header and nowhere else: no error or log line has it.
	BearerToken string
	// HTTPClient sends the requests (default: one with a 10 s timeout).
	HTTPClient *http.Client
	// Wall is the clock X's rate limits run on (default SystemWall).
	Wall WallClock
	// Logger gets one debug line per request and a warning per 429 or
	// failed request (default: discard).
	Logger *slog.Logger
}

// Client is an X API v2 client for the few endpoints sparkbot reads. It
// keeps each endpoint within the budget X announces in its x-rate-limit-*
// headers, on the wall clock, and sends at most one by/creator_ids request
// a second. It is safe for concurrent use.
type Client struct {
	base    string
	auth    string
	http    *http.Client
	wall    WallClock
	log     *slog.Logger
	redact  redacter
	mu      sync.Mutex // guards budgets' state
	budgets map[Endpoint]*budget
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if err := checkToken(cfg.BearerToken); err != nil {
		return nil, err
	}
	base, err := baseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:   base,
		auth:   "Bearer " + cfg.BearerToken,
		http:   cfg.HTTPClient,
		wall:   cfg.Wall,
		log:    cfg.Logger,
		redact: redacter{token: cfg.BearerToken},
		budgets: map[Endpoint]*budget{
			EndpointUserByName:       newBudget(EndpointUserByName, 0),
			EndpointSpace:            newBudget(EndpointSpace, 0),
			EndpointSpaces:           newBudget(EndpointSpaces, 0),
			EndpointSpacesByCreators: newBudget(EndpointSpacesByCreators, creatorsSpacing),
		},
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: defaultTimeout}
	}
	if c.wall == nil {
		c.wall = SystemWall{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// checkToken refuses a token that cannot go in a header, without saying
// what the token is.
func checkToken(token string) error {
	if token == "" {
		return errors.New("xapi: the bearer token is empty")
	}
	for i := 0; i < len(token); i++ {
		if token[i] <= ' ' || token[i] >= 0x7f {
			return fmt.Errorf("xapi: the bearer token has a space or a control or non-ASCII character at byte %d; paste it again", i)
		}
	}
	return nil
}

func baseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("xapi: base URL must be like %s or http://127.0.0.1:8089 (no user, query or fragment)", DefaultBaseURL)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// get sends GET base+path?query for endpoint e within its budget and
// returns the body of a 200 answer. Every other outcome is an error: see
// ErrNotFound, ErrUnauthorized, ErrUnavailable, *RateLimitError, *APIError;
// a call its context cut short matches ctx.Err() instead.
//
// Go's transport would send a GET again by itself when a kept-alive
// connection closes before an answer, at once and uncounted, though X may
// have counted the first. So no request lets it (see noReplay), and get
// sends one more attempt itself in that case, within the budget and its
// pacing like any other request.
func (c *Client) get(ctx context.Context, e Endpoint, path string, query url.Values) ([]byte, error) {
	target := c.base + path + "?" + query.Encode()
	for attempt := 1; ; attempt++ {
		body, again, err := c.send(ctx, e, target)
		if !again || attempt == maxAttempts {
			return body, err
		}
		c.log.Debug("x api request lost with its connection; sending it again", "endpoint", e)
	}
}

// maxAttempts bounds the sends of one call: the first, and one more when
// a kept-alive connection closed under it.
const maxAttempts = 2

// send sends one attempt of a request; again reports that it got no
// answer on a connection used before, which is worth one more attempt.
func (c *Client) send(ctx context.Context, e Endpoint, target string) (body []byte, again bool, err error) {
	var reused atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused.Store(info.Reused) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, target, nil)
	if err != nil {
		return nil, false, fmt.Errorf("xapi: %s: %s", e, c.redact.clean(err.Error()))
	}
	req.Body = noReplay{}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "sparkbot")
	t, err := c.wait(ctx, c.budgets[e])
	if err != nil {
		return nil, false, c.waitError(e, err)
	}
	body, err = c.do(ctx, e, t, req)
	var te *transportError
	return body, errors.As(err, &te) && reused.Load() && ctx.Err() == nil, err
}

// noReplay is an empty request body that cannot be rewound. net/http
// sends a request again by itself only if it has no body or a GetBody;
// a GET carrying this has neither, and an empty body goes as none on
// HTTP/1.1 (the transport reads it first and finds it empty).
type noReplay struct{}

func (noReplay) Read([]byte) (int, error) { return 0, io.EOF }
func (noReplay) Close() error             { return nil }

// do sends req on ticket t and reads X's answer.
func (c *Client) do(ctx context.Context, e Endpoint, t ticket, req *http.Request) ([]byte, error) {
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.release(t, nil, 0)
		return nil, c.noAnswer(ctx, e, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.release(t, resp.Header, resp.StatusCode)
	c.logAnswer(e, resp.StatusCode, time.Since(start))
	if err != nil {
		return nil, c.noAnswer(ctx, e, err)
	}
	if len(body) > maxBody {
		return nil, &APIError{Endpoint: e, Status: resp.StatusCode, Title: "answer too large"}
	}
	return c.answer(e, resp.StatusCode, body)
}

// noAnswer is the error for a request that got no (whole) answer: the
// caller's context ending, or X unreachable.
func (c *Client) noAnswer(ctx context.Context, e Endpoint, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("xapi: %s: no answer before the caller gave up: %w", e, ctx.Err())
	}
	msg := c.redact.clean(err.Error())
	c.log.Warn("x api request failed", "endpoint", e, "error", msg)
	return &transportError{msg: fmt.Sprintf("xapi: %s: %s", e, msg), cause: err}
}

func (c *Client) waitError(e Endpoint, err error) error {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return err
	}
	return fmt.Errorf("xapi: %s: waiting for the rate limit: %w", e, err)
}

// answer maps an HTTP status to the body or an error.
func (c *Client) answer(e Endpoint, status int, body []byte) ([]byte, error) {
	switch {
	case status == http.StatusOK:
		return body, nil
	case status == http.StatusUnauthorized:
		return nil, statusError(e, ErrUnauthorized)
	case status == http.StatusNotFound:
		return nil, statusError(e, ErrNotFound)
	case status == http.StatusTooManyRequests:
		return nil, &RateLimitError{Endpoint: e, Reset: c.Budget(e).Reset}
	}
	p := parseProblem(body)
	return nil, &APIError{Endpoint: e, Status: status,
		Title: c.redact.clean(p.Title), Detail: c.redact.clean(p.Detail), Type: c.redact.clean(p.Type)}
}

func (c *Client) logAnswer(e Endpoint, status int, took time.Duration) {
	b := c.Budget(e)
	level := slog.LevelDebug
	if status == http.StatusTooManyRequests || status >= 500 {
		level = slog.LevelWarn
	}
	c.log.Log(context.Background(), level, "x api request", "endpoint", e, "status", status,
		"took", took.Round(time.Millisecond), "remaining", b.Remaining, "reset", b.Reset)
}
