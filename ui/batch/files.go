package batch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/smsdash/smsdash/sms"
)

// disk is what a session may open: the local disk, or, with a root (a
// session over SSH: its agent's folder), only what is under the root,
// named as if the root were "/". There no name climbs above the root
// (it is cleaned from "/" down) and a link that leads out is refused
// (os.Root checks every step).
type disk struct{ root string }

// errOutside refuses a link that leads out of the session's folder.
var errOutside = &sms.Error{
	EN: "the link leads outside your folder",
	RU: "ссылка ведёт за пределы вашей папки",
}

// open opens a file or folder by its name in the session.
func (d disk) open(name string) (*os.File, error) {
	if d.root == "" {
		return os.Open(name)
	}
	r, err := os.OpenRoot(d.root)
	if err != nil {
		return nil, err
	}
	defer r.Close() // what it opened stays open
	f, err := r.Open(d.rel(name))
	return f, d.outside(r, name, err)
}

// stat looks at a file or folder, following links.
func (d disk) stat(name string) (fs.FileInfo, error) {
	if d.root == "" {
		return os.Stat(name)
	}
	r, err := os.OpenRoot(d.root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	info, err := r.Stat(d.rel(name))
	return info, d.outside(r, name, err)
}

// rel is name under the root: "/" and every ".." above it are the root.
func (d disk) rel(name string) string {
	if rel := strings.TrimPrefix(filepath.Clean("/"+name), "/"); rel != "" {
		return rel
	}
	return "."
}

// outside says errOutside for err when name is a link the root refused
// to follow (it leads out); a link that leads nowhere stays "not found".
func (d disk) outside(r *os.Root, name string, err error) error {
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return err
	}
	if info, lerr := r.Lstat(d.rel(name)); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
		return &fs.PathError{Op: "open", Path: name, Err: errOutside}
	}
	return err
}

// expand puts the home directory in place of a leading ~: the session's
// folder, under a root.
func (d disk) expand(p string) string {
	p = strings.TrimSpace(p)
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	if d.root != "" {
		return "/" + strings.TrimPrefix(p[1:], "/")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, p[1:])
	}
	return p
}

// abs makes a name absolute, so that going up works past the start:
// under a root, from "/".
func (d disk) abs(p string) string {
	if d.root != "" {
		return filepath.Clean("/" + p)
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// startDir is an absolute folder to start in: the typed path's own (or
// its parent's), else the working directory (the root, under one).
func (d disk) startDir(typed string) string {
	p := d.expand(typed)
	if p != "" {
		if st, err := d.stat(p); err == nil && st.IsDir() {
			return d.abs(p)
		}
		if st, err := d.stat(filepath.Dir(p)); err == nil && st.IsDir() {
			return d.abs(filepath.Dir(p))
		}
	}
	return d.abs(".")
}
