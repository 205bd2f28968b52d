package sqlfile

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// A path with URI syntax in its directory names is the file at that path.
func TestDSN(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%20d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "x.db")
	db, err := sql.Open("sqlite", DSN(path, "_pragma=busy_timeout(1000)"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var timeout int
	if _, err := db.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`PRAGMA busy_timeout`).Scan(&timeout); err != nil || timeout != 1000 {
		t.Errorf("busy_timeout %d, %v: the params were not applied", timeout, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("not at its path: %v", err)
	}
}
