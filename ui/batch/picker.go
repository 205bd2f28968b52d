package batch

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/smsdash/smsdash/sms"
	sbatch "github.com/smsdash/smsdash/sms/batch"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
	"github.com/smsdash/smsdash/ui/i18n"
)

// picker chooses a list file. It is a list of its own, not bubbles'
// filepicker: that one asks each entry for its file info while drawing,
// and a file deleted after the folder was read (as in /tmp) made the info
// nil and the dashboard crash. Here a folder is read in a command, each
// entry's info taken once (an entry gone meanwhile is dropped), and
// drawing uses only what was read. The folder is read again every
// refreshEvery, so files that come and go (an export being saved) show
// as they are, and a file chosen is looked at once more before it loads.
// Being ours, it also filters as the agent types and lists only lists.
type picker struct {
	files   disk
	dir     string
	entries []entry // folders, then lists, each by name
	hidden  int     // files that are not lists: counted, not listed
	more    bool    // the folder has more than maxEntries
	err     error   // the folder shown could not be read
	filter  field.Input
	shown   []int // the entries matching the filter
	cursor  int   // in shown
	// sel is the entry the agent went to: the cursor is on it whenever
	// it is shown, through a filter that hides it for a while or a read.
	sel    string
	top    int // the first of shown drawn
	height int
	every  time.Duration // how often the folder is read again; 0 never
	ready  bool          // a read has come in
	seq    int           // the newest read; other replies are dropped
	want   string        // the entry to put the cursor on once read
	// why the last step was not taken: the folder or file, and the error
	noteName string
	noteErr  error
	hits     common.Hits // the entries drawn: their place in shown
}

type entry struct {
	name string
	dir  bool
	size int64
	mod  time.Time
}

const (
	// maxEntries bounds a folder's read: of a folder of a million files
	// the first maxEntries are listed, with a note.
	maxEntries   = 10_000
	maxFilter    = 100 // runes
	refreshEvery = 2 * time.Second
	// pickerFrame: the picker's lines besides the entries: the tab's
	// title, the folder, the filter and the footer.
	pickerFrame = 4
)

type (
	// The picker's messages name it: a reply to one closed is dropped.
	dirMsg struct {
		p       *picker
		seq     int
		dir     string
		entries []entry
		hidden  int
		more    bool
		err     error
	}
	refreshMsg struct {
		p   *picker
		seq int
	}
	// pickedMsg is the chosen file looked at again: err when it is gone.
	pickedMsg struct {
		p    *picker
		path string
		err  error
	}
)

// readDir reads a folder's entries with their info. Hidden ones (a dot
// first), entries gone since the folder was read and links that lead
// nowhere are left out; files that are not lists are counted.
func (files disk) readDir(dir string) (d dirMsg) {
	d.dir = dir
	f, err := files.open(dir)
	if err != nil {
		d.err = err
		return d
	}
	defer f.Close()
	des, err := f.ReadDir(maxEntries + 1)
	if err != nil && err != io.EOF {
		d.err = err
		return d
	}
	if len(des) > maxEntries {
		des, d.more = des[:maxEntries], true
	}
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		info, err := de.Info() // an lstat: fails for an entry deleted since
		if err == nil && info.Mode()&os.ModeSymlink != 0 {
			info, err = files.stat(filepath.Join(dir, name))
		}
		switch {
		case err != nil:
		case info.IsDir():
			d.entries = append(d.entries, entry{name: name, dir: true})
		case info.Mode().IsRegular() && sbatch.IsList(name):
			// Regular files only: reading a pipe would wait forever.
			d.entries = append(d.entries, entry{name: name, size: info.Size(), mod: info.ModTime()})
		default:
			d.hidden++
		}
	}
	slices.SortFunc(d.entries, func(a, b entry) int {
		if a.dir != b.dir {
			if a.dir {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.name, b.name))
	})
	return d
}

// read reads dir in a command; want is the entry to put the cursor on.
func (p *picker) read(dir, want string) tea.Cmd {
	p.seq++
	seq := p.seq
	p.want = want
	return func() tea.Msg {
		d := p.files.readDir(dir)
		d.p, d.seq = p, seq
		return d
	}
}

// took puts a folder's read in place and asks for the next. A folder
// that cannot be read on the way in leaves the one shown, with a note.
func (p *picker) took(d dirMsg) tea.Cmd {
	if d.err != nil && d.dir != p.dir {
		p.noteName, p.noteErr, p.want = filepath.Base(d.dir), d.err, ""
	} else {
		if d.dir != p.dir {
			p.sel = p.want
			p.filter.SetValue("")
		}
		p.dir, p.entries, p.hidden, p.more, p.err, p.want = d.dir, d.entries, d.hidden, d.more, d.err, ""
		p.ready = true
		p.match()
	}
	if p.every <= 0 {
		return nil
	}
	seq := p.seq
	return tea.Tick(p.every, func(time.Time) tea.Msg { return refreshMsg{p, seq} })
}

// dirErr says briefly why a folder or file could not be read.
func dirErr(t *i18n.Texts, err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrPermission):
		return t.PickNoAccess
	case errors.Is(err, fs.ErrNotExist):
		return t.PickGone
	case errors.Is(err, errOutside):
		return t.PickOutside
	case errors.As(err, &pe):
		err = pe.Err
	}
	return sms.Safe(err.Error())
}

// current is the name under the cursor, "" when none.
func (p *picker) current() string {
	if e, ok := p.at(); ok {
		return e.name
	}
	return ""
}

func (p *picker) at() (entry, bool) {
	if p.cursor < 0 || p.cursor >= len(p.shown) {
		return entry{}, false
	}
	return p.entries[p.shown[p.cursor]], true
}

// match lists the entries whose name holds the filter (case ignored),
// the cursor on sel if it is among them, else on the first.
func (p *picker) match() {
	f := strings.ToLower(p.filter.Value())
	p.shown, p.cursor = p.shown[:0], 0
	for i, e := range p.entries {
		if strings.Contains(strings.ToLower(e.name), f) {
			if e.name == p.sel {
				p.cursor = len(p.shown)
			}
			p.shown = append(p.shown, i)
		}
	}
	p.scroll()
}

// move moves the cursor by d, within the list.
func (p *picker) move(d int) {
	p.cursor = max(min(p.cursor+d, len(p.shown)-1), 0)
	p.sel = p.current()
	p.scroll()
}

// scroll keeps the cursor in the lines drawn.
func (p *picker) scroll() {
	h := max(p.height, 1)
	p.top = max(min(p.top, p.cursor), p.cursor-h+1, 0)
}

// openPicker shows the picker in the typed path's folder.
func (m *Model) openPicker() tea.Cmd {
	p := &picker{files: m.files, dir: m.files.startDir(m.path.Value()), height: m.pickerHeight(), every: m.refresh}
	p.filter.Focus()
	m.picker, m.picking = p, true
	m.setFocus(common.NoFocus)
	return p.read(p.dir, "")
}

func (m *Model) pickerHeight() int { return max(m.h-pickerFrame, 1) }

// pickerMsg takes the picker's own messages, when they are the open
// picker's newest: a folder read, the refresh's tick, a choice checked.
func (m *Model) pickerMsg(msg tea.Msg) tea.Cmd {
	p := m.picker
	if !m.picking {
		return nil
	}
	switch msg := msg.(type) {
	case dirMsg:
		if msg.p == p && msg.seq == p.seq {
			return p.took(msg)
		}
	case refreshMsg:
		if msg.p == p && msg.seq == p.seq {
			return p.read(p.dir, "")
		}
	case pickedMsg:
		if msg.p != p {
			return nil
		}
		if msg.err != nil {
			p.noteName, p.noteErr = filepath.Base(msg.path), msg.err
			return p.read(p.dir, "")
		}
		m.picking = false
		m.path.SetValue(msg.path)
		m.setFocus(fPath)
		return m.load()
	}
	return nil
}

type pickerKeys struct {
	move, open, up, close, clear key.Binding
	page, ends                   key.Binding
}

func (m *Model) pickerKeys() pickerKeys {
	t := m.ctx.T
	return pickerKeys{
		move:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", t.PickMove)),
		page:  key.NewBinding(key.WithKeys("pgup", "pgdown")),
		ends:  key.NewBinding(key.WithKeys("home", "end")),
		open:  key.NewBinding(key.WithKeys("enter", "right"), key.WithHelp("enter", t.PickOpen)),
		up:    key.NewBinding(key.WithKeys("left"), key.WithHelp("←", t.PickUp)),
		close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.PickClose)),
		clear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.PickClear)),
	}
}

// pickerHelp lists the picker's keys that work now.
func (m *Model) pickerHelp() []key.Binding {
	k, p := m.pickerKeys(), m.picker
	var out []key.Binding
	if len(p.shown) > 1 {
		out = append(out, k.move)
	}
	if len(p.shown) > 0 {
		out = append(out, k.open)
	}
	if filepath.Dir(p.dir) != p.dir {
		out = append(out, k.up)
	}
	if p.filter.Value() != "" {
		return append(out, k.clear)
	}
	return append(out, k.close)
}

// pickKey handles a key while the picker is open: moves, opens, goes
// up, closes; the rest is typed into the filter.
func (m *Model) pickKey(msg tea.KeyMsg) tea.Cmd {
	p, k := m.picker, m.pickerKeys()
	p.noteName, p.noteErr = "", nil
	filtered := p.filter.Value() != ""
	switch {
	case key.Matches(msg, k.close) && filtered:
		p.filter.SetValue("")
		p.match()
	case key.Matches(msg, k.close):
		m.picking = false
	case key.Matches(msg, k.move):
		p.move(sign(msg, tea.KeyUp))
	case key.Matches(msg, k.page):
		p.move(sign(msg, tea.KeyPgUp) * p.height)
	case key.Matches(msg, k.ends):
		p.move(sign(msg, tea.KeyHome) * len(p.shown))
	case key.Matches(msg, k.open):
		return p.open(msg.Type == tea.KeyEnter)
	case key.Matches(msg, k.up), msg.Type == tea.KeyBackspace && !filtered:
		if up := filepath.Dir(p.dir); up != p.dir {
			return p.read(up, filepath.Base(p.dir))
		}
	case (msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace) && len([]rune(p.filter.Value()))+max(len(msg.Runes), 1) > maxFilter:
		// The filter is full: what is typed past it is dropped.
	default:
		if p.filter.Update(msg) {
			p.match()
		}
	}
	return nil
}

// open goes into the folder under the cursor, or, with load, loads the
// list under it once it is looked at again.
func (p *picker) open(load bool) tea.Cmd {
	e, ok := p.at()
	path := filepath.Join(p.dir, e.name)
	switch {
	case !ok:
	case e.dir:
		return p.read(path, "")
	case load:
		return func() tea.Msg {
			_, err := p.files.stat(path)
			return pickedMsg{p: p, path: path, err: err}
		}
	}
	return nil
}

// pickMouse: a click on an entry puts the cursor on it, a click on the
// entry under the cursor opens it as enter does; the wheel moves the
// cursor a row a notch.
func (m *Model) pickMouse(ms common.Mouse) tea.Cmd {
	p := m.picker
	if d := ms.Wheel(); d != 0 {
		p.move(d)
		return nil
	}
	i, ok := p.hits.At(ms)
	if !ms.Click() || !ok {
		return nil
	}
	p.noteName, p.noteErr = "", nil
	if i == p.cursor {
		return p.open(true)
	}
	p.move(i - p.cursor)
	return nil
}

// sign is -1 for the key back, 1 for the other.
func sign(msg tea.KeyMsg, back tea.KeyType) int {
	if msg.Type == back {
		return -1
	}
	return 1
}

func (m *Model) pickerView() string {
	t, s, p := m.ctx.T, m.ctx.S, m.picker
	out := []string{
		s.Title.Render(t.BatchTitle),
		common.Trunc(s.Title.Render(t.PickTitle)+" "+sms.Safe(p.dir), m.w),
	}
	filter := s.Label.Render(t.PickFilter+" ") + p.filter.View(min(maxFilter, m.w/2), 1, s)
	switch {
	case p.filter.Value() == "":
		filter += " " + s.Faint.Render(t.PickFilterHint)
	case len(p.shown) > 0:
		filter += "  " + s.Faint.Render(fmt.Sprintf(t.PickMatches, len(p.shown), len(p.entries)))
	}
	if p.noteErr != nil {
		filter += "  " + s.Warn.Render("⚠ "+sms.Safe(p.noteName)+": "+dirErr(t, p.noteErr))
	}
	out = append(out, common.Trunc(filter, m.w))
	switch {
	case p.err != nil:
		out = append(out, s.Err.Render(common.Trunc("✗ "+fmt.Sprintf(t.PickCannot, dirErr(t, p.err)), m.w)))
	case !p.ready:
		out = append(out, s.Faint.Render(t.Loading))
	case len(p.entries) == 0:
		out = append(out, s.Faint.Render(t.PickEmpty))
	case len(p.shown) == 0:
		out = append(out, s.Faint.Render(common.Trunc(fmt.Sprintf(t.PickNoMatch, sms.Safe(p.filter.Value())), m.w)))
	}
	p.hits.Reset()
	for i := p.top; i < min(p.top+p.height, len(p.shown)); i++ {
		p.hits.Mark(len(out), i)
		out = append(out, m.entryLine(p.entries[p.shown[i]], i == p.cursor))
	}
	var foot []string
	if p.hidden > 0 {
		foot = append(foot, fmt.Sprintf(t.PickHidden, p.hidden))
	}
	if p.more {
		foot = append(foot, fmt.Sprintf(t.PickMore, maxEntries))
	}
	if len(foot) > 0 {
		out = append(out, s.Faint.Render(common.Trunc(strings.Join(foot, " · "), m.w)))
	}
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}

// entryLine draws an entry: a folder with a "/", a list with its size
// and time; the one under the cursor marked "›", not only inverse.
func (m *Model) entryLine(e entry, selected bool) string {
	t, s := m.ctx.T, m.ctx.S
	const metaW = 27 // "  12 KB  2026-11-24 15:04"
	name, meta := sms.Safe(e.name), ""
	if e.dir {
		name += "/"
	} else {
		size := fileSize(t, e.size)
		meta = strings.Repeat(" ", max(9-lipgloss.Width(size), 0)) + size + "  " + common.Minsk(e.mod, sms.TypedLayout)
	}
	mark := "  "
	if selected {
		mark = "› "
	}
	line := mark + common.Pad(name, max(m.w-2-metaW-1, 10)) + " " + common.Pad(meta, metaW)
	if selected && !s.Plain { // inverse to the edge
		return s.Selected.Render(line)
	}
	return strings.TrimRight(line, " ")
}

func fileSize(t *i18n.Texts, n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf(t.PickKB, (n+1023)>>10)
	}
	return fmt.Sprintf(t.PickMB, float64(n)/(1<<20))
}
