package bolt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Backup writes a consistent snapshot of the database to w while the bot
// keeps running: one read transaction (bbolt's Tx.WriteTo), so writes go on
// meanwhile and every write committed before it started is in the copy.
// It returns the number of bytes written.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("storage: backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a snapshot of the database file at path to w when no
// bot is running on it: the file is opened read-only, under a shared lock.
// It returns ErrInUse when a running sparkbot holds the file; ask that
// one's admin listener instead.
func BackupFile(path string, w io.Writer) (int64, error) {
	b, err := openReadOnly(path)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	return (&DB{bolt: b, batch: newBatcher(b, batchDelay)}).Backup(context.Background(), w)
}

// openReadOnly opens a database file without changing it.
func openReadOnly(path string) (*bbolt.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("storage: there is no file at %s: check the path", path)
	} else if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: lockTimeout})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("storage: %s: %w", path, ErrInUse)
	case err != nil:
		return nil, fmt.Errorf("storage: %s is not a bbolt database file: %w", path, err)
	}
	return b, nil
}

// maxCheckErrors bounds how many of bbolt's consistency errors are kept.
const maxCheckErrors = 10

// CheckFile checks a database file before it is trusted (a backup about to
// be restored): bbolt's consistency check over every page, and a schema
// version this binary can read (an older one is upgraded when opened). It
// returns the file's schema version.
func CheckFile(path string) (schema uint64, err error) {
	b, err := openReadOnly(path)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	err = b.View(func(tx *bbolt.Tx) error {
		var problems []error
		for err := range tx.Check() {
			if len(problems) < maxCheckErrors {
				problems = append(problems, err)
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("storage: %s fails bbolt's consistency check: %w", path, errors.Join(problems...))
		}
		meta := tx.Bucket(metaBucket)
		if meta == nil {
			return fmt.Errorf("storage: %s is a bbolt file but not a sparkbot database (no schema version)", path)
		}
		if schema, err = schemaOf(meta); err != nil {
			return fmt.Errorf("storage: %s: %w", path, err)
		}
		if schema > SchemaVersion {
			return &NewerSchemaError{Path: path, Found: schema}
		}
		return nil
	})
	return schema, err
}

// Restore replaces the database at path with the backup at from. It checks
// the backup first (CheckFile) and changes nothing if it fails; it refuses
// (ErrInUse) while a running sparkbot holds path. The file it replaces is
// kept beside it, named path.before-restore-<UTC time>, which it returns
// ("" when there was no file at path).
func Restore(from, path string, now time.Time) (kept string, err error) {
	if _, err := CheckFile(from); err != nil {
		return "", err
	}
	if abs, _ := filepath.Abs(from); abs == mustAbs(path) {
		return "", fmt.Errorf("storage: %s is the database itself; restore from a backup copy", from)
	}
	release, exists, err := holdFile(path)
	if err != nil {
		return "", err
	}
	defer release()
	tmp := path + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if exists {
		kept = path + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(path, kept); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("storage: keep the old database: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return kept, fmt.Errorf("storage: put the backup in place (the old file is at %s): %w", kept, err)
	}
	return kept, syncDir(filepath.Dir(path))
}

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	return abs
}

// holdFile takes the lock a running sparkbot would hold on path, so none
// starts on it while it is replaced; release gives it back. A missing file
// needs no lock.
func holdFile(path string) (release func(), exists bool, err error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return func() {}, false, os.MkdirAll(filepath.Dir(path), 0o700)
	}
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, true, fmt.Errorf("storage: %s: %w; stop it before restoring", path, ErrInUse)
	case err != nil:
		// Not a database we can open (damaged, say): replace it all the same.
		return func() {}, true, nil
	}
	return func() { b.Close() }, true, nil
}

// copyFile copies src to a new file dst and makes it durable.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("storage: copy %s to %s: %w", src, dst, err)
	}
	return nil
}

// syncDir makes renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("storage: sync %s: %w", dir, err)
	}
	return nil
}
