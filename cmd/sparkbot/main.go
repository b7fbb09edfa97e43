// Command sparkbot runs the sparkbot companion bot. With no platform token
// set it starts the console adapter on an embedded bbolt file, so
// `go run ./cmd/sparkbot` works on a fresh machine. With Discord's or
// Slack's tokens set it runs those platforms (both at once if both are
// set) with the public and admin listeners, on the bbolt file or, with
// SPARKBOT_DATABASE_URL, on PostgreSQL as one of any number of replicas.
// README.md lists every flag and variable (readme_test.go keeps it so).
//
// It also has tool subcommands: `sparkbot schedule preview` prints a
// recurring schedule's occurrences; `sparkbot backup` and `sparkbot
// restore` copy the database out and back; `sparkbot migrate` copies a
// bbolt file into PostgreSQL.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	// Embed the zone database so every IANA zone works on machines (and
	// containers) without /usr/share/zoneinfo.
	_ "time/tzdata"
)

func main() {
	args := os.Args[1:]
	if len(args) >= 2 && args[0] == "schedule" && args[1] == "preview" {
		os.Exit(runSchedulePreview(args[2:], os.Stdout, os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := &App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, LookupEnv: os.LookupEnv, Environ: os.Environ}
	if len(args) >= 1 && (args[0] == "backup" || args[0] == "restore") {
		os.Exit(app.runDataCommand(ctx, args[0], args[1:]))
	}
	if len(args) >= 1 && args[0] == "migrate" { // migrate.go
		os.Exit(app.runMigrate(ctx, args[1:]))
	}
	os.Exit(app.Main(ctx, args))
}
