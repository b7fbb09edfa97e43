package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"sparkbot/adapters/slack/fakeslack"
)

// sparkbot is the sparkbot process under load.
type sparkbot struct {
	cmd     *exec.Cmd
	url     string // its slash command endpoint
	logPath string // its stderr
	exited  chan error
}

// build compiles sparkbot into dir and returns the binary's path.
func build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "sparkbot")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "sparkbot/cmd/sparkbot")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building sparkbot (run sparkload from the repository): %w", err)
	}
	return bin, nil
}

// startTimeout bounds how long sparkbot may take to start listening.
const startTimeout = 60 * time.Second

// startSparkbot starts bin in Slack HTTP mode on db, against the Slack Web
// API at apiURL, with no X token and no per-user rate limit, and waits
// until its HTTP listener answers.
func startSparkbot(ctx context.Context, bin, dir, db, apiURL, logLevel string) (*sparkbot, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "sparkbot.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own copy
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Only what the run sets: no platform token of the caller's leaks in.
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"SPARKBOT_DB=" + db, "SPARKBOT_HTTP_ADDR=" + addr, "SPARKBOT_LOG_LEVEL=" + logLevel,
		"SPARKBOT_SLACK_BOT_TOKEN=" + fakeslack.BotToken, "SPARKBOT_SLACK_SIGNING_SECRET=" + signingSecret,
		"SPARKBOT_SLACK_API_URL=" + apiURL,
		"SPARKBOT_USER_RATE=0",                           // no per-user rate limit
		"SPARKBOT_ADMIN_ADDR=",                           // no admin listener: nothing else to bind
		"SPARKBOT_PUBLIC_URL=https://sparkload.example/", // dashboard links, never opened
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting sparkbot: %w", err)
	}
	b := &sparkbot{cmd: cmd, url: "http://" + addr + commandsPath, logPath: logPath, exited: make(chan error, 1)}
	go func() { b.exited <- cmd.Wait() }() // ends when the child does
	if err := b.waitReady(ctx, addr); err != nil {
		b.stop()
		return nil, err
	}
	return b, nil
}

// waitReady waits until sparkbot's listener answers HTTP.
func (b *sparkbot) waitReady(ctx context.Context, addr string) error {
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		if resp, err := client.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case err := <-b.exited:
			b.exited <- err
			return fmt.Errorf("sparkbot exited at start (%v):\n%s", err, b.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("sparkbot did not listen on %s within %s:\n%s", addr, startTimeout, b.logTail())
}

// stop asks sparkbot to shut down (SIGTERM), and kills it if it has not
// within a while.
func (b *sparkbot) stop() error {
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case err := <-b.exited:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return err
		}
		return nil
	case <-time.After(30 * time.Second):
		b.cmd.Process.Kill()
		return fmt.Errorf("sparkbot did not stop within 30s of SIGTERM; killed it")
	}
}

// logTail is the end of sparkbot's log.
func (b *sparkbot) logTail() string {
	data, _ := os.ReadFile(b.logPath)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// freeAddr is a loopback address with a port nothing listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
