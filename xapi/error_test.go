package xapi_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sparkbot/xapi"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(h *harness)
		token      string
		want       []error
		notWant    []error
		wantStatus int // of an *APIError; 0: none expected
	}{
		{name: "wrong token", token: "not-the-token", want: []error{xapi.ErrUnauthorized},
			notWant: []error{xapi.ErrUnavailable}},
		{name: "server error", setup: func(h *harness) { h.x.Fail(xapi.EndpointSpace, 500, 1) },
			want: []error{xapi.ErrUnavailable}, wantStatus: 500},
		{name: "service unavailable", setup: func(h *harness) { h.x.Fail(xapi.EndpointSpace, 503, 1) },
			want: []error{xapi.ErrUnavailable}, wantStatus: 503},
		{name: "forbidden is not unavailable", setup: func(h *harness) { h.x.Fail(xapi.EndpointSpace, 403, 1) },
			notWant: []error{xapi.ErrUnavailable, xapi.ErrUnauthorized}, wantStatus: 403},
		{name: "HTTP 404", setup: func(h *harness) { h.x.Fail(xapi.EndpointSpace, 404, 1) },
			want: []error{xapi.ErrNotFound}},
		{name: "X down: connection closed", setup: func(h *harness) { h.x.SetDown(true) },
			want: []error{xapi.ErrUnavailable}, notWant: []error{xapi.ErrNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			c := h.c
			if tt.token != "" {
				c = h.client(t, tt.token)
			}
			if tt.setup != nil {
				tt.setup(h)
			}
			_, err := c.Space(context.Background(), liveSpace.ID)
			if err == nil {
				t.Fatal("Space: no error")
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q is not %v", err, w)
				}
			}
			for _, w := range tt.notWant {
				if errors.Is(err, w) {
					t.Errorf("error %q is %v, want not", err, w)
				}
			}
			var apiErr *xapi.APIError
			if got := errors.As(err, &apiErr); got != (tt.wantStatus != 0) || (got && apiErr.Status != tt.wantStatus) {
				t.Errorf("error %q: *APIError %v (%+v), want status %d", err, got, apiErr, tt.wantStatus)
			}
			h.x.Recover()
			if _, err := c.Space(context.Background(), liveSpace.ID); tt.token == "" && err != nil {
				t.Errorf("after X recovered: %v", err)
			}
		})
	}
}

// TestTokenNeverShows drives every way a request can fail, including an X
// (or a proxy) that echoes the Authorization header back, and checks that
// neither the errors nor the log lines carry the token.
func TestTokenNeverShows(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/2/spaces/1badrequest":
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"title":"Bad ` + auth + `","detail":"you sent ` + auth + `","type":"about:blank"}`))
		case "/2/spaces/1servererror":
			w.WriteHeader(502)
			_, _ = w.Write([]byte(`{"title":"` + auth + `","detail":"` + auth + `"}`))
		case "/2/spaces/1malformed":
			_, _ = w.Write([]byte(`{"data":{"id":"1malformed","state":"live","created_at":"` + auth + `"}}`))
		case "/2/spaces/1partial":
			_, _ = w.Write([]byte(`{"errors":[{"title":"` + auth + `","detail":"` + auth + `","type":"x"}]}`))
		default:
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"title":"Unauthorized","detail":"` + auth + `"}`))
		}
	}))
	defer echo.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + closed.Addr().String() + "/" + token // a misconfigured URL with the token in it
	closed.Close()

	logs := &syncBuffer{}
	var errs []error
	for _, base := range []string{echo.URL, deadURL} {
		c, err := xapi.New(xapi.Config{BaseURL: base, BearerToken: token, Wall: xapi.NewFakeWall(t0),
			Logger: newDebugLogger(logs)})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"1badrequest", "1servererror", "1malformed", "1partial", "1unauthorized"} {
			_, err := c.Space(context.Background(), id)
			errs = append(errs, err)
		}
		_, err = c.UserByName(context.Background(), "alice_x")
		errs = append(errs, err)
	}
	for _, bad := range []string{token + " ", "\n" + token, token + "é"} {
		_, err := xapi.New(xapi.Config{BearerToken: bad})
		errs = append(errs, err)
	}
	for _, err := range errs {
		if err == nil {
			t.Fatal("a failing call returned no error")
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("error shows the token: %q", err)
		}
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("logs show the token:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "[redacted]") {
		t.Errorf("logs never needed redacting; the test did not exercise it:\n%s", logs)
	}
}

// TestCallerGivesUp: a call cut short by its context says so (it is the
// caller's deadline, not X failing), whether it was waiting for X's answer
// or for the rate limit.
func TestCallerGivesUp(t *testing.T) {
	arrived := make(chan struct{}, 2)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer slow.Close()
	c, err := xapi.New(xapi.Config{BaseURL: slow.URL, BearerToken: token, Wall: xapi.NewFakeWall(t0)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := c.Space(ctx, liveSpace.ID); errs <- err }()
	<-arrived
	// The first request is out to learn the window; a second waits for it.
	go func() { _, err := c.Space(ctx, liveSpace.ID); errs <- err }()
	cancel()
	for range 2 {
		err := <-errs
		if !errors.Is(err, context.Canceled) || errors.Is(err, xapi.ErrUnavailable) {
			t.Errorf("error = %v, want context.Canceled and not ErrUnavailable", err)
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  xapi.Config
		want string
	}{
		{"no token", xapi.Config{}, "bearer token is empty"},
		{"token with a space", xapi.Config{BearerToken: "abc def"}, "paste it again"},
		{"base URL not http", xapi.Config{BearerToken: "t", BaseURL: "ftp://x.com"}, "base URL must be"},
		{"base URL with a query", xapi.Config{BearerToken: "t", BaseURL: "https://api.x.com/?a=b"}, "base URL must be"},
		{"base URL with a user", xapi.Config{BearerToken: "t", BaseURL: "https://u:p@api.x.com"}, "base URL must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := xapi.New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}
