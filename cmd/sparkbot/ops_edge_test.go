package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestReplayedSignedRequestsAreActedOnOnce, on both platforms, through the
// real public listener: the copy gets 409 and the router runs once.
func TestReplayedSignedRequestsAreActedOnOnce(t *testing.T) {
	fake, env := slackEnv(t)
	_, key, denv := discordEnv(t)
	for k, v := range denv {
		env[k] = v
	}
	app := startApp(t, env)

	body := slashForm(fake, alice, "spaces help").Encode()
	at := time.Now()
	if status, got := do(t, app.signedSlack("/slack/commands", body, at)); status != http.StatusOK || !strings.Contains(got, "/spaces") {
		t.Fatalf("Slack, first: %d %s", status, got)
	}
	if status, _ := do(t, app.signedSlack("/slack/commands", body, at)); status != http.StatusConflict {
		t.Errorf("Slack, the replay: %d, want 409", status)
	}

	in := discordCommand("1180000000000000777")
	if status, got := app.postDiscord(key, in, at); status != http.StatusOK || !strings.Contains(got, "/spaces") {
		t.Fatalf("Discord, first: %d %s", status, got)
	}
	if status, _ := app.postDiscord(key, in, at.Add(time.Second)); status != http.StatusConflict {
		t.Errorf("Discord, the replay (signed anew, same interaction): %d, want 409", status)
	}

	if got := value(app.scrape(), "sparkbot_commands_total", "command", "spaces help", "outcome", "ok"); got != 2 {
		t.Errorf("the router ran /spaces help %v times, want 2 (once per platform)", got)
	}
}

// TestMalformedSignedInputIs400: signed by the platform's key, yet not
// what the platform sends: 400, never 500, on the real listener.
func TestMalformedSignedInputIs400(t *testing.T) {
	fake, env := slackEnv(t)
	_, key, denv := discordEnv(t)
	for k, v := range denv {
		env[k] = v
	}
	app := startApp(t, env)
	for _, body := range []string{
		strings.Replace(string(discordCommand("1180000000000000778")), `"id":"1180000000000000778"`, `"id":"not-a-snowflake"`, 1),
		strings.Replace(string(discordCommand("1180000000000000779")), `"token":"token-1180000000000000779"`, `"token":"has spaces"`, 1),
		`{"type":2,"id":"1180000000000000780","token":"t","data":[]}`,
	} {
		if status, got := app.postDiscord(key, []byte(body), time.Now()); status != http.StatusBadRequest {
			t.Errorf("Discord %.60s…: %d %q, want 400", body, status, got)
		}
	}
	form := slashForm(fake, alice, "spaces help")
	form.Del("user_id")
	if status, got := do(t, app.signedSlack("/slack/commands", form.Encode(), time.Now())); status != http.StatusBadRequest {
		t.Errorf("Slack without a user: %d %q, want 400", status, got)
	}
}

// TestPublicListenerTimeouts: a body trickled slower than its timeout is
// cut off, an idle keep-alive connection and a header never finished are
// closed, headers past the bound are refused. The timeouts are configured
// in milliseconds, so the test waits milliseconds.
func TestPublicListenerTimeouts(t *testing.T) {
	_, env := slackEnv(t)
	env["SPARKBOT_HTTP_HEADER_TIMEOUT"] = "150ms"
	env["SPARKBOT_HTTP_BODY_TIMEOUT"] = "300ms"
	env["SPARKBOT_HTTP_IDLE_TIMEOUT"] = "150ms"
	app := startApp(t, env)
	const bound = 5 * time.Second // far below the 10–120s defaults, far above the settings

	t.Run("trickled body", func(t *testing.T) {
		// The server's deadline runs from when it starts reading the
		// request, which is after the dial: so start counting before it.
		start := time.Now()
		conn := dial(t, app.public)
		io.WriteString(conn, "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")
		stopped := make(chan error, 1)
		go func() { // a byte every 10ms: the body would take 1000s
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for range tick.C {
				if _, err := conn.Write([]byte("a")); err != nil {
					stopped <- err
					return
				}
				if time.Since(start) > bound {
					stopped <- errors.New("still accepting the body")
					return
				}
			}
		}()
		if err := <-stopped; err.Error() == "still accepting the body" {
			t.Fatalf("after %s the server still took the trickled body", bound)
		}
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Errorf("cut off after %s, before its 300ms timeout", d)
		}
	})
	t.Run("idle keep-alive connection", func(t *testing.T) {
		conn := dial(t, app.public)
		// The idle timer starts when the server has written the answer,
		// before the client has read it: so count from the request.
		start := time.Now()
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", resp, err)
		}
		resp.Body.Close()
		closedWithin(t, conn, bound)
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Errorf("closed after %s, before its 150ms idle timeout", d)
		}
	})
	t.Run("headers never finished", func(t *testing.T) {
		conn := dial(t, app.public)
		io.WriteString(conn, "POST /slack/commands HTTP/1.1\r\nHost: x\r\n")
		closedWithin(t, conn, bound)
	})
	t.Run("headers too large", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "http://"+app.public+"/healthz", nil)
		req.Header.Set("X-Padding", strings.Repeat("p", 64<<10))
		if status, _ := do(t, req); status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("64 KiB of headers: %d, want 431", status)
		}
	})
	if got := sum(app.scrape(), "sparkbot_commands_total"); got != 0 {
		t.Errorf("%v commands ran; none of these requests should reach the router", got)
	}
}

// closedWithin reads conn until the server closes it, failing if that
// takes longer than bound, and returns how long it took.
func closedWithin(t *testing.T, conn net.Conn, bound time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	conn.SetReadDeadline(start.Add(bound))
	_, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the connection was still open after %s", bound)
	}
	return time.Since(start)
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestUnreachableResponseURLNeverLogged: a reply that cannot reach its
// response_url is logged as failed, without the URL (whose path lets its
// holder post as the bot).
func TestUnreachableResponseURLNeverLogged(t *testing.T) {
	fake, env := slackEnv(t)
	app := startApp(t, env)
	form := slashForm(fake, alice, "spaces leaderboard") // slow: its answer goes to the response_url
	const secretPart = "T0FAKE/1234567890/zQx9SecretHookPart"
	form.Set("response_url", "http://127.0.0.1:1/commands/"+secretPart)
	if status, got := do(t, app.signedSlack("/slack/commands", form.Encode(), time.Now())); status != http.StatusOK {
		t.Fatalf("%d %s", status, got)
	}
	app.waitLog("posting a reply to response_url failed")
	if log := app.logs.String(); strings.Contains(log, "SecretHookPart") || strings.Contains(log, "1234567890") {
		t.Errorf("the response_url reached the log:\n%s", log)
	}
}

// TestPerUserRateLimit: past SPARKBOT_USER_RATE commands a minute a user
// is refused, kindly; other users are not; the console is exempt.
func TestPerUserRateLimit(t *testing.T) {
	fake, env := slackEnv(t)
	env["SPARKBOT_USER_RATE"] = "3"
	app := startApp(t, env)
	for i := range 3 {
		if got := app.slash(fake, alice, "spaces help"); strings.Contains(got, "Slow down") {
			t.Fatalf("command %d of 3 refused: %s", i+1, got)
		}
	}
	got := app.slash(fake, alice, "spaces status")
	if want := "Slow down a little: sparkbot takes up to 3 commands a minute from one person"; !strings.Contains(got, want) {
		t.Errorf("the 4th command in a minute: %q, want %q", got, want)
	}
	if got := app.slash(fake, bob, "spaces help"); strings.Contains(got, "Slow down") {
		t.Errorf("bob was limited by alice's commands: %s", got)
	}
	if got := value(app.scrape(), "sparkbot_commands_total", "command", "spaces status", "outcome", "rate_limited"); got != 1 {
		t.Errorf("rate-limited commands counted %v, want 1", got)
	}
	app.waitLog(`"outcome":"rate_limited"`)

	script := strings.Repeat("/spaces help\n", 5)
	out, stderr, code := runScript(t, map[string]string{"SPARKBOT_USER_RATE": "1"}, script, "--log-level", "error")
	if code != 0 || strings.Contains(out, "Slow down") {
		t.Errorf("the console was limited (code %d):\n%s\n%s", code, out, stderr)
	}
}
