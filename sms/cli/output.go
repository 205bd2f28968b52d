package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

// isTerminal reports whether a standard stream is a terminal; tests
// replace it.
var isTerminal = func(v any) bool {
	f, ok := v.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// width is how many columns stdout's text may take: $COLUMNS when set,
// else the terminal's width, else 80 (a pipe, a file).
func (e *Env) width() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return max(n, 40)
	}
	if f, ok := e.Stdout.(*os.File); ok && isTerminal(f) {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return max(w, 40)
		}
	}
	return 80
}

// table lines up columns within a width; the flex column (the text, a
// detail) gives way, cut with "…", when the row would not fit. Cells are
// safe already (sms.Safe, clip).
type table struct {
	indent string
	head   []string
	rows   [][]string
	flex   int // the column that gives way
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, width int) {
	const gap = 2
	widths := make([]int, len(t.head))
	for _, r := range append([][]string{t.head}, t.rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	total := len(t.indent) + gap*(len(widths)-1)
	for _, n := range widths {
		total += n
	}
	if over := total - width; over > 0 {
		widths[t.flex] = max(widths[t.flex]-over, ansi.StringWidth(t.head[t.flex]), 8)
	}
	for _, r := range append([][]string{t.head}, t.rows...) {
		var b strings.Builder
		b.WriteString(t.indent)
		for i, c := range r {
			c = ansi.Truncate(c, widths[i], "…")
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+gap))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// para writes text after indent, wrapped at word boundaries within
// width; the lines after the first are indented two spaces more. The
// text is safe already.
func para(w io.Writer, width int, indent, text string) {
	line, n := indent, len(indent)
	first := true
	for _, word := range strings.Fields(text) {
		ww := ansi.StringWidth(word)
		switch {
		case first:
			first = false
		case n+1+ww > width:
			fmt.Fprintln(w, line)
			line, n = indent+"  ", len(indent)+2
		default:
			line, n = line+" ", n+1
		}
		line, n = line+word, n+ww
	}
	fmt.Fprintln(w, line)
}

// writeHelp prints a command's help on stdout, fitted to the width:
// what it does, its usage and examples, its flags; the root's also lists
// the commands and the exit codes.
func writeHelp(e *Env, c *cobra.Command) {
	w, width := c.OutOrStdout(), e.width()
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	fmt.Fprintf(w, "%s\n\nUsage:\n", strings.TrimSpace(desc))
	if c.Runnable() {
		fmt.Fprintf(w, "  %s\n", c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "  %s COMMAND [flags]\n\nCommands:\n", c.CommandPath())
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.Name() == "help" {
				fmt.Fprintf(w, "  %-11s %s\n", s.Name(), s.Short)
			}
		}
	}
	if c.HasExample() {
		fmt.Fprintf(w, "\nExamples:\n%s\n", c.Example)
	}
	if c.HasAvailableLocalFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", c.LocalFlags().FlagUsagesWrapped(width-1))
	}
	if c.HasAvailableInheritedFlags() {
		fmt.Fprintf(w, "\nGlobal flags:\n%s", c.InheritedFlags().FlagUsagesWrapped(width-1))
	}
	if !c.HasParent() {
		fmt.Fprint(w, `
Exit codes (the first of 3, 1, 4 that applies):
  0  done: every message accepted (with --wait or status: delivered)
  1  some message refused by the gateway, or not delivered
  2  bad usage or config: nothing was done
  3  a network failure, messages not sent, or a send whose outcome is unknown
  4  the wait ended before every message was final
`)
		fmt.Fprintf(w, "\n\"%s help COMMAND\" or \"%s COMMAND --help\" tells more.\n", c.Name(), c.Name())
	}
}

// recordCounter counts the CSV records written through it: line ends
// outside quotes (csv.Writer doubles a quote inside a quoted field, so a
// quote always toggles).
type recordCounter struct {
	w       io.Writer
	quoted  bool
	records int
}

func (r *recordCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		switch {
		case b == '"':
			r.quoted = !r.quoted
		case b == '\n' && !r.quoted:
			r.records++
		}
	}
	return r.w.Write(p)
}
