// Package admin is sparkbot's admin listener: Prometheus metrics, liveness
// and readiness, and a consistent backup of the database streamed while the
// bot runs. It is meant for loopback; bound elsewhere it requires a bearer
// token (cmd/sparkbot enforces that).
package admin

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Check is one readiness check: Run returns nil when the part is ready.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Backuper writes a consistent snapshot of the database; *bolt.DB is one.
type Backuper interface {
	Backup(ctx context.Context, w io.Writer) (int64, error)
}

// Config is what the admin listener serves.
type Config struct {
	// Token, when set, must come with every request as
	// "Authorization: Bearer <token>".
	Token   string
	Metrics http.Handler
	Backup  Backuper // nil: none here (PostgreSQL: pg_dump)
	Checks  []Check
	Logger  *slog.Logger
	// Now names backup files; the wall clock when nil.
	Now func() time.Time
}

// checkTimeout bounds each readiness check.
const checkTimeout = 2 * time.Second

// Handler returns the admin routes: GET /metrics, /healthz, /readyz and
// /backup.
func Handler(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", cfg.Metrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", cfg.ready)
	mux.HandleFunc("GET /backup", cfg.backup)
	if cfg.Token == "" {
		return mux
	}
	return bearer(cfg.Token, mux)
}

// bearer lets through only requests that carry token.
func bearer(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sparkbot admin"`)
			http.Error(w, "this admin listener needs SPARKBOT_ADMIN_TOKEN as a bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ready runs every check and answers 200 if all pass, 503 otherwise; the
// body has one line per check, saying which failed and why.
func (cfg Config) ready(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	status := http.StatusOK
	for _, c := range cfg.Checks {
		ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
		err := c.Run(ctx)
		cancel()
		if err != nil {
			status = http.StatusServiceUnavailable
			fmt.Fprintf(&b, "FAIL %s: %v\n", c.Name, err)
			continue
		}
		fmt.Fprintf(&b, "ok   %s\n", c.Name)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, b.String())
}

// backup streams the database. The route has no write deadline: a large
// file over a slow link takes what it takes. A copy that fails midway
// aborts the connection, so the client sees a broken transfer rather than
// a short file that looks whole.
func (cfg Config) backup(w http.ResponseWriter, r *http.Request) {
	if cfg.Backup == nil { // PostgreSQL: its backups are pg_dump's
		http.Error(w, "sparkbot runs on PostgreSQL: back it up with pg_dump, not here", http.StatusNotImplemented)
		return
	}
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		cfg.Logger.Warn("backup: cannot lift the write deadline", "err", err)
	}
	name := "sparkbot-" + cfg.Now().UTC().Format("20060102T150405Z") + ".db"
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	n, err := cfg.Backup.Backup(r.Context(), w)
	if err != nil {
		cfg.Logger.Error("backup failed", "bytes", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	cfg.Logger.Info("backup sent", "bytes", n, "remote", r.RemoteAddr)
}
