package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"sparkbot/xapi"
	"sparkbot/xapi/fakex"
)

// worldFile is the world file and what fakex last read of it.
type worldFile struct {
	path string
	x    *fakex.Server

	mu   sync.Mutex
	mod  time.Time
	size int64
}

func (w *worldFile) describe() string {
	if w.path == "" {
		return "empty; PUT one at /fakex/world"
	}
	return w.path + ", re-read when it changes"
}

// check reads the file if it changed since the last read, and reports
// whether it did. With no file it does nothing.
func (w *worldFile) check() (bool, error) {
	if w.path == "" {
		return false, nil
	}
	fi, err := os.Stat(w.path)
	if err != nil {
		return false, fmt.Errorf("world file: %w", err)
	}
	w.mu.Lock()
	same := fi.ModTime().Equal(w.mod) && fi.Size() == w.size
	w.mu.Unlock()
	if same {
		return false, nil
	}
	return true, w.load(fi)
}

// reload reads the file whether or not it changed.
func (w *worldFile) reload() error {
	if w.path == "" {
		return errors.New("fakex runs without a world file (--world); PUT a world at /fakex/world instead")
	}
	fi, err := os.Stat(w.path)
	if err != nil {
		return fmt.Errorf("world file: %w", err)
	}
	return w.load(fi)
}

func (w *worldFile) load(fi os.FileInfo) error {
	f, err := os.Open(w.path)
	if err != nil {
		return fmt.Errorf("world file: %w", err)
	}
	defer f.Close()
	world, err := fakex.ReadWorld(f)
	if err == nil {
		err = w.x.SetWorld(world)
	}
	w.mu.Lock()
	w.mod, w.size = fi.ModTime(), fi.Size() // a bad file is not re-read until it changes again
	w.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w (keeping the world as it was)", w.path, err)
	}
	return nil
}

// watch checks the file every poll until ctx ends.
func (w *worldFile) watch(ctx context.Context, poll time.Duration, log *slog.Logger) {
	if w.path == "" {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			switch changed, err := w.check(); {
			case err != nil:
				log.Warn("world file not read", "error", err)
			case changed:
				log.Info("world file re-read", "path", w.path)
			}
		}
	}
}

// stats is what the fake counted, per endpoint, for GET /fakex/stats.
func stats(x *fakex.Server) map[xapi.Endpoint]any {
	out := map[xapi.Endpoint]any{}
	for _, e := range xapi.Endpoints() {
		st := x.Stats(e)
		out[e] = map[string]any{
			"requests": st.Requests, "windows": st.Windows, "max_per_window": st.MaxPerWindow,
			"max_per_second": st.MaxPerSecond, "min_gap": st.MinGap.String(), "limited": st.Limited,
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
