package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sparkbot/bot"
	"sparkbot/edge"
	"sparkbot/storage/bolt"
	"sparkbot/web"
)

// BenchmarkPages times the staff pages and a cohort feed for a cohort of
// 500 hosts, eight weeks in, two logs and one schedule each a week:
// go test ./web -run '^$' -bench Pages -benchtime 20x
func BenchmarkPages(b *testing.B) {
	const hosts = 500
	db, err := bolt.OpenWith(filepath.Join(b.TempDir(), "sparkbot.db"), bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	ws := bot.WorkspaceRef{Platform: bot.Console, ID: "bench"}
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clock := bot.NewFakeClock(start)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	router := bot.NewRouter(db, clock, logger)
	router.SetDashboard(&bot.Dashboard{Tokens: db, Random: &countingRandom{}, URL: "http://127.0.0.1"})
	run := func(user string, staff bool, line string) string {
		path, opts, _ := bot.ParseCommandLine(line)
		resp := router.Handle(ctx, bot.Request{Workspace: ws, UserID: user, UserName: user, Staff: staff, Path: path, Options: opts})
		return resp.PlainText(func(s bot.Span) string { return s.Plain(clock.Now()) })
	}
	run("boss", true, `/cohort create name:"Bench" start:2026-11-30`)
	co, _ := db.Cohort(ctx, ws)
	for i := range hosts {
		h := bot.Host{UserID: fmt.Sprintf("h%03d", i), Name: fmt.Sprintf("host %d", i), Handle: fmt.Sprintf("h%03d_x", i)}
		h.Join(co, start)
		if err := db.PutHost(ctx, ws, h); err != nil {
			b.Fatal(err)
		}
		if _, err := db.AddSchedule(ctx, ws, bot.Schedule{UserID: h.UserID, Title: "Weekly", Days: 1 << time.Tuesday,
			At: bot.TimeOfDay{Hour: 20}, Duration: time.Hour, Zone: "America/New_York", CreatedAt: start}); err != nil {
			b.Fatal(err)
		}
		for w := range 8 {
			for k := range 2 {
				at := co.FirstWeek().Start.AddDate(0, 0, 7*w+k*2+1).Add(20 * time.Hour)
				if err := db.AddLog(ctx, ws, bot.SpaceLog{SpaceID: fmt.Sprintf("b%03dw%dk%d", i, w, k), UserID: h.UserID, Start: at,
					Listeners: i + w, Minutes: 50, LoggedAt: at, Provenance: bot.LinkNotVerified}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	clock.Set(co.FirstWeek().Start.AddDate(0, 0, 7*8+2))
	srv, err := web.New(web.Config{Store: db, Router: router, Clock: clock, Random: &countingRandom{n: 9}, PublicURL: "http://127.0.0.1", Logger: logger,
		SignIns: edge.NewLimiter(bot.SystemClock{}, web.SignInsPerMinute)})
	if err != nil {
		b.Fatal(err)
	}
	link := linkPath(run("boss", true, "/cohort dashboard"))
	form := url.Values{"secret": {strings.TrimPrefix(link, bot.SignInPath)}}
	req := httptest.NewRequest("POST", "/dashboard/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	cookie := rec.Result().Cookies()[0]
	feed := feedPathIn(run("boss", true, "/cohort calendar"))
	for _, path := range []string{"/dashboard/cohort", "/dashboard/stipend?month=2027-01", "/dashboard/spaces", "/dashboard/hosts/h250", feed} {
		name := strings.TrimPrefix(path, "/dashboard/")
		if path == feed {
			name = "cohort feed"
		}
		b.Run(name, func(b *testing.B) {
			size := 0
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

func linkPath(reply string) string {
	i := strings.Index(reply, bot.SignInPath)
	return strings.Fields(reply[i:])[0]
}

func feedPathIn(reply string) string {
	i := strings.Index(reply, bot.FeedPath)
	return strings.Fields(reply[i:])[0]
}
