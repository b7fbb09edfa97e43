// Command fakex runs a fake X API v2 on 127.0.0.1, for trying sparkbot's
// console against X without an X account:
//
//	SPARKBOT_X_BEARER_TOKEN=dev go run ./cmd/fakex --world world.json
//	SPARKBOT_X_API_URL=http://127.0.0.1:8089 SPARKBOT_X_BEARER_TOKEN=dev go run ./cmd/sparkbot --now …
//
// The world file (JSON; `fakex --example` prints one) says which users exist
// and which Spaces are live, scheduled or ended. fakex re-reads it when it
// changes, so editing "state": "live" to "ended" ends a Space. It keeps X's
// rate limits on the wall clock (300 requests per 15 minutes per endpoint)
// and logs every request. Control endpoints: GET /fakex/world, PUT
// /fakex/world (a world as the body), POST /fakex/reload, POST /fakex/down
// and /fakex/up (X unreachable, and back), GET /fakex/stats.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr}
	if err := a.run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fakex:", err)
		os.Exit(2)
	}
}
