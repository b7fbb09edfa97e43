package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"sparkbot/storage/bolt"
)

// runDataCommand runs `sparkbot backup` or `sparkbot restore` and returns
// the exit code.
func (a *App) runDataCommand(ctx context.Context, name string, args []string) int {
	fs := flag.NewFlagSet("sparkbot "+name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	env := envReader{a: a}
	db := fs.String("db", env.str("SPARKBOT_DB", "./data/sparkbot.db"), "the database file (SPARKBOT_DB)")
	dbURL := fs.String("database-url", env.str("SPARKBOT_DATABASE_URL", ""), "PostgreSQL: back up with pg_dump instead (SPARKBOT_DATABASE_URL)")
	var to, from, addr *string
	if name == "backup" {
		to = fs.String("to", "", "write the backup to this file (required)")
		addr = fs.String("admin", env.set("SPARKBOT_ADMIN_ADDR", defaultAdminAddr), "the running bot's admin listener (SPARKBOT_ADMIN_ADDR)")
	} else {
		from = fs.String("from", "", "the backup file to restore (required)")
	}
	return a.runTool(fs, args, func() error {
		switch {
		case *dbURL != "":
			return pgDumpAdvice(name) // postgres.go
		case name == "backup" && *to == "":
			return errors.New("backup needs --to FILE, the file to write")
		case name == "restore" && *from == "":
			return errors.New("restore needs --from FILE, the backup to restore")
		case name == "backup":
			return a.backup(ctx, *db, *addr, strings.TrimSpace(a.getenv("SPARKBOT_ADMIN_TOKEN")), *to)
		}
		return a.restore(*db, *from)
	})
}

// runTool parses a tool subcommand's flags into fs (named "sparkbot
// NAME") and runs it, returning the exit code: 0; 2 for flags that do not
// parse; 1 for a stray argument or when run fails, its error printed.
func (a *App) runTool(fs *flag.FlagSet, args []string, run func() error) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var err error
	if fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q; see %s -h", fs.Arg(0), fs.Name())
	} else {
		err = run()
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, "%s: %v\n", fs.Name(), err)
		return 1
	}
	return 0
}

// backup writes a consistent copy of the database to file: from the
// running bot's admin listener when one answers, else straight from the
// file when no bot holds it. The copy is checked before it is kept.
func (a *App) backup(ctx context.Context, db, adminAddr, token, file string) error {
	tmp := file + ".partial"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot write the backup to %s: its directory does not exist; create it, or give --to a file in one that does", file)
	}
	if err != nil {
		return fmt.Errorf("cannot write the backup to %s: %w", file, err)
	}
	defer os.Remove(tmp)
	source, err := copyDatabase(ctx, out, db, adminAddr, token)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if _, err := bolt.CheckFile(tmp); err != nil {
		return fmt.Errorf("the copy failed its check, so it was not kept: %w", err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return err
	}
	st, _ := os.Stat(file)
	fmt.Fprintf(a.Stdout, "Backed up %s to %s (%d bytes, %s).\n", db, file, st.Size(), source)
	return nil
}

// copyDatabase copies the database to w and says where it came from.
func copyDatabase(ctx context.Context, w io.Writer, db, adminAddr, token string) (string, error) {
	if adminAddr != "" {
		err := backupFromAdmin(ctx, w, adminAddr, token)
		if err == nil {
			return "from the running bot at " + adminAddr, nil
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return "", fmt.Errorf("asking the running bot at %s: %w", adminAddr, err)
		}
	}
	_, err := bolt.BackupFile(db, w)
	if errors.Is(err, bolt.ErrInUse) {
		return "", fmt.Errorf("a running sparkbot holds %s, and no admin listener answered at %q: give its address with --admin or SPARKBOT_ADMIN_ADDR", db, adminAddr)
	}
	if err != nil {
		return "", err
	}
	return "no bot was running", nil
}

// backupTimeout bounds connecting and the first byte; the copy itself may
// take as long as it takes.
const backupTimeout = 10 * time.Second

func backupFromAdmin(ctx context.Context, w io.Writer, addr, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/backup", nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Transport: &http.Transport{
		DialContext:           (&net.Dialer{Timeout: backupTimeout}).DialContext,
		ResponseHeaderTimeout: backupTimeout,
	}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("HTTP %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("the copy broke off: %w", err)
	}
	return nil
}

// restore replaces the database with a backup, after checking it; the
// old file is kept beside it.
func (a *App) restore(db, from string) error {
	kept, err := bolt.Restore(from, db, time.Now())
	if errors.Is(err, bolt.ErrInUse) {
		return fmt.Errorf("a running sparkbot holds %s: stop it, then restore", db)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Restored %s from %s.\n", db, from)
	if kept != "" {
		fmt.Fprintf(a.Stdout, "The database it replaced is kept at %s.\n", filepath.Base(kept))
	}
	return nil
}
