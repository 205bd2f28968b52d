// Package sqlfile names an SQLite file for modernc.org/sqlite: one rule
// for the history (sms/store) and the simulator's world (sms/sim).
package sqlfile

import (
	"net/url"
	"path/filepath"
	"strings"
)

// DSN builds a file: URI for the absolute path abs with the driver's
// params ("_pragma=busy_timeout(10000)"), escaping the path so that '?',
// '#' or '%' in a directory name cannot be taken for URI syntax.
func DSN(abs string, params ...string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:///C:/…
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String() + "?" + strings.Join(params, "&")
}
