package admin

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type fakeBackup struct {
	data string
	err  error
}

func (f fakeBackup) Backup(_ context.Context, w io.Writer) (int64, error) {
	n, _ := io.WriteString(w, f.data)
	return int64(n), f.err
}

func serve(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Metrics = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "m 1\n") })
	cfg.Now = func() time.Time { return time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC) }
	srv := httptest.NewServer(Handler(cfg))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url, token string) (*http.Response, string, error) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, string(body), err
}

func TestBearerToken(t *testing.T) {
	srv := serve(t, Config{Token: "s3cret-admin-token", Backup: fakeBackup{data: "db"}})
	for _, path := range []string{"/metrics", "/healthz", "/readyz", "/backup"} {
		for _, tc := range []struct {
			token string
			want  int
		}{{"", 401}, {"wrong", 401}, {"s3cret-admin-token", 200}} {
			resp, _, err := get(t, srv.URL+path, tc.token)
			if err != nil || resp.StatusCode != tc.want {
				t.Errorf("%s with token %q: %v %v, want %d", path, tc.token, resp.StatusCode, err, tc.want)
			}
		}
	}
}

func TestReadyzSaysWhichCheckFailed(t *testing.T) {
	ok := func(context.Context) error { return nil }
	srv := serve(t, Config{Checks: []Check{
		{"database", ok},
		{"scheduler", func(context.Context) error { return errors.New("last woke 5m ago") }},
		{"slack", ok},
	}})
	resp, body, err := get(t, srv.URL+"/readyz", "")
	if err != nil {
		t.Fatal(err)
	}
	want := "ok   database\nFAIL scheduler: last woke 5m ago\nok   slack\n"
	if resp.StatusCode != http.StatusServiceUnavailable || body != want {
		t.Errorf("got %d %q, want 503 %q", resp.StatusCode, body, want)
	}
}

func TestBackupStreamsTheDatabase(t *testing.T) {
	srv := serve(t, Config{Backup: fakeBackup{data: "bbolt bytes"}})
	resp, body, err := get(t, srv.URL+"/backup", "")
	if err != nil || resp.StatusCode != 200 || body != "bbolt bytes" {
		t.Fatalf("got %v %q %v", resp.StatusCode, body, err)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "sparkbot-20261201T030000Z.db") {
		t.Errorf("Content-Disposition %q", cd)
	}
}

func TestBackupFailingMidwayBreaksTheTransfer(t *testing.T) {
	srv := serve(t, Config{Backup: fakeBackup{data: strings.Repeat("x", 64<<10), err: errors.New("disk error")}})
	_, _, err := get(t, srv.URL+"/backup", "")
	if err == nil {
		t.Error("a failed backup read as a complete transfer")
	}
}
