package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/batch"
)

// maxUploadName bounds an uploaded file's name, in bytes.
const maxUploadName = 128

func newUpload(e *Env) *cobra.Command {
	var replace bool
	c := &cobra.Command{
		Use:   "upload NAME < FILE",
		Short: "over SSH: put a list into your folder, for the Batch tab",
		Long: `Over smsdash serve, the agent's files are not on the server: upload takes a
list (CSV, TSV, TXT or XLSX) on standard input and keeps it as NAME in the
agent's own upload folder, where the Batch tab's picker (ctrl+o) lists it.
Lists up to 100 MB; a file of that name is kept unless --replace.`,
		Example:           `  ssh -p 2222 host upload clients.xlsx < clients.xlsx`,
		Args:              oneName,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUpload(e, args[0], replace)
		},
	}
	c.Flags().BoolVar(&replace, "replace", false, "replace a file of that name")
	return c
}

func runUpload(e *Env, name string, replace bool) error {
	dir := e.Session.Files
	if e.App == nil || dir == "" {
		return usageErr("upload is for sessions of smsdash serve (ssh … upload NAME < FILE): here the Batch tab opens a list where it is")
	}
	if err := uploadName(name); err != nil {
		return usageErr("upload: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("upload: the upload folder: %w", err)
	}
	// Written aside under a name the picker does not list, then put in
	// place whole: an agent never sees half a list.
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone once linked or renamed; else cleared
	n, err := io.Copy(tmp, io.LimitReader(e.Stdin, batch.DefaultMaxBytes+1))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fmt.Errorf("upload: %w", err)
	case n > batch.DefaultMaxBytes:
		return usageErr("upload: more than %d MB came: lists up to that are taken; split it, or check that it is the right file", batch.DefaultMaxBytes>>20)
	case n == 0:
		return usageErr("upload: nothing came on standard input: ssh … upload %s < %s", name, name)
	}
	dst := filepath.Join(dir, name)
	if replace {
		err = os.Rename(tmp.Name(), dst)
	} else if err = os.Link(tmp.Name(), dst); errors.Is(err, fs.ErrExist) {
		return usageErr("upload: %s is in your upload folder already: --replace replaces it", sms.Safe(name))
	}
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	fmt.Fprintf(e.Stdout, "%s: %s in your upload folder; the Batch tab lists it (ctrl+o)\n", sms.Safe(name), batch.Size(n))
	return nil
}

// uploadName checks the name an upload is kept under: a list's name in
// the folder itself, which the picker shows.
func uploadName(name string) error {
	switch {
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("the name %q has characters a file name cannot", sms.Safe(name))
	case len(name) > maxUploadName:
		return fmt.Errorf("the name is %d bytes long; up to %d are taken", len(name), maxUploadName)
	case strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, "."):
		return fmt.Errorf("%q is not a file name in your folder: no folders, no name that starts with a dot", name)
	case !batch.IsList(name):
		return fmt.Errorf("%q is not a list's name: it ends in one of %s", name, strings.Join(batch.ListExts, ", "))
	}
	return nil
}

func oneName(c *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageErr("upload takes the file's NAME, once: ssh … upload clients.csv < clients.csv")
	}
	return nil
}
