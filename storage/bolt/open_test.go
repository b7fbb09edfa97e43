package bolt

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRefusesSayingWhy: a path that is a directory, or a file that is
// not a database, is refused in words an operator can act on, not as
// bbolt's bare error.
func TestOpenRefusesSayingWhy(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("not bbolt "), 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{dir, "is a directory, not a database file: name a file, like " + filepath.Join(dir, "sparkbot.db")},
		{garbage, "is not a sparkbot database file"},
	} {
		db, err := Open(tc.path)
		if err == nil {
			db.Close()
			t.Errorf("Open(%s) succeeded", filepath.Base(tc.path))
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s): %v, want an error containing %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}
