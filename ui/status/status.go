// Package status is the Status tab: the messages of the whole history,
// newest first, filtered by the store and kept live from the tracker's
// stream.
//
// The tab holds a window of the list, not the list: a few pages of rows
// around what is shown, read from the store next to the rows it holds
// (store.Filter's BeforeID and AfterID), so a history of millions scrolls
// as one of a hundred. The store counts the matching messages by bucket
// (the counts line, the list's length). Only the visible rows are drawn,
// from a cache of rendered lines; a burst of tracker updates rewrites the
// held rows it names, reads the new rows above the top at once, and asks
// for fresh counts and a fresh window once per refreshEvery.
package status

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/ui/chart"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/theme"
)

// Page is how many rows one read brings; the window keeps at most
// maxWindow of them.
const (
	Page      = 200
	maxWindow = 4 * Page
)

// minSearch is the shortest text searched: the store's text index finds
// three characters or more; fewer would read the whole history for
// little.
const minSearch = 3

// refreshEvery is how often, at most, the tracker's updates bring a
// fresh read of the counts and the window: the rows they name are
// rewritten at once, the new ones above the top read at once, the rest
// (rows leaving a status filter, the counts of rows not held) can wait
// that long, and 50 sessions do not read the store 100 times a second.
const refreshEvery = 250 * time.Millisecond

// followFor is how long the tab keeps poking the tracker about a message
// sent from this dashboard that has not reached a final status.
const followFor = 10 * time.Minute

// Model is the Status tab.
// Core is what Status needs of the core (sms/app.App is one): the
// config now, an outbox to resend through, the agent's decision to mark
// messages sent, and the tracker to poke while it follows fresh sends.
type Core interface {
	Config() *config.Config
	Outbox(transport, agent string) (outbox.Outbox, error)
	MarkSent(ctx context.Context, agent string, ids []int64) (int, error)
	Poke()
	PollEvery() time.Duration
}

// History is what Status reads of the history.
type History interface {
	Latest(ctx context.Context, f store.Filter) ([]store.Row, error)
	CountsFor(ctx context.Context, f store.Filter) (map[string]int, error)
	History(ctx context.Context, id int64) ([]store.Change, error)
	Agents(ctx context.Context) ([]string, error)
}

type Model struct {
	ctx    *common.Context
	keyset common.Memo[*i18n.Texts, keys]
	core   Core
	hist   History
	q      store.Filter                  // the list's query (status filter included)
	win    []store.Row                   // a stretch of the list, newest first
	winAt  int                           // the list position of win[0]
	at     map[int64]int                 // local id → index in win
	more   bool                          // rows may follow the window's last one
	lines  map[lineKey]string            // rendered rows
	labels map[labelKey]string           // drawn filter labels (bounded: a few per language)
	title  common.Memo[titleKey, string] // the table's header line
	lineW  int                           // the width lines were rendered for
	lineA  bool                          // lines were rendered with the agent column

	counts       map[string]int // matching messages by bucket, status filter aside
	agents       []string       // the agents the history holds, read with the counts
	counted      bool           // counts are those of q
	batchUnknown int            // the shown batch's messages of unknown outcome
	top          []string       // the counts and chart lines, nil when stale

	cursor, offset int // list positions
	status         string
	batch          int64  // 0: every batch and single sends
	agent          string // "": every agent's
	number, search field.Input
	input          *field.Input // the focused filter field, nil if none

	loaded          bool // the first page of q came
	loadErr         error
	seq             int  // q's generation; replies for an older one are dropped
	paging, again   bool // a page read is out; a refresh is due after it
	newer           bool // a read of the rows above the top is due after it
	due             bool // a refreshTick is on its way
	counting, recnt bool // a count is out; another is due after it
	detail          *detail
	settling        *settle // a decision waiting for its y
	flash           string
	follow          map[int64]time.Time
	ticking         bool
	timer           func(time.Duration, func(time.Time) tea.Msg) tea.Cmd // tea.Tick; tests drive the ticks
	w, h            int
	hits            common.Hits // the last view's filters and rows
}

// What a click chooses: a filter of the bar, or the row at list
// position i, hRow+i.
const (
	hStatus = iota
	hNumber
	hSearch
	hAgent
	hRow
)

// lineKey names a rendered row: a change of the row is a new line.
type lineKey struct {
	id       int64
	updated  int64 // UnixNano: a time.Time hashes its location too
	state    store.State
	status   sms.Status
	selected bool // under the cursor: drawn inverse as a whole
}

func keyOf(r *store.Row, selected bool) lineKey {
	return lineKey{r.ID, r.UpdatedAt.UnixNano(), r.State, r.Status, selected}
}

// settle is the agent's decision on messages of unknown outcome: send
// them again, or mark them sent. Nothing else ever settles them.
type settle struct {
	ids    []int64
	resend bool
}

type detail struct {
	row     store.Row
	history []store.Change
	err     error
}

// A page read: which stretch of the list it brings.
type pageKind int

const (
	pageTop     pageKind = iota // the newest rows
	pageBottom                  // the oldest rows
	pageDown                    // the rows below the window
	pageUp                      // the rows above the window
	pageRefresh                 // the window again (from the top when it is there), and where it now is
	pageNewer                   // the rows that came above the top row
)

// Messages of this tab's commands.
type (
	pageMsg struct {
		seq    int
		kind   pageKind
		anchor int64 // the window's row it was read next to
		rows   []store.Row
		full   bool // as many rows as asked for: more may follow
		newer  int  // pageRefresh: the list position of its first row
		err    error
	}
	countsMsg struct {
		seq          int
		counts       map[string]int
		agents       []string
		batchUnknown int
		err          error
	}
	unknownMsg struct {
		seq    int
		ids    []int64
		resend bool
		err    error
	}
	settledMsg struct {
		resend      bool
		n, accepted int
		err         error
	}
	historyMsg struct {
		id      int64
		history []store.Change
		err     error
	}
	followTick  struct{}
	refreshTick struct{}
)

// New makes the tab.
func New(ctx *common.Context, core Core, hist History) *Model {
	m := &Model{ctx: ctx, core: core, hist: hist, at: map[int64]int{}, lines: map[lineKey]string{}, counts: map[string]int{}, follow: map[int64]time.Time{}, timer: tea.Tick}
	m.number.Placeholder = "375…"
	return m
}

func (m *Model) Init() tea.Cmd { return m.reload() }

func (m *Model) SetSize(w, h int) {
	if w != m.w {
		m.top = nil // rows are redrawn for the new width by table
	}
	m.w, m.h = w, h
	m.scroll()
}

func (m *Model) Capturing() bool { return m.input != nil }

// query is the list's filter as the fields say; a search shorter than
// minSearch is not applied yet.
func (m *Model) query() store.Filter {
	f := store.Filter{Status: m.status, BatchID: m.batch, Agent: m.agent, Recipient: strings.TrimSpace(m.number.Value())}
	if s := m.search.Value(); utf8.RuneCountInString(strings.TrimSpace(s)) >= minSearch {
		f.Search = s
	}
	return f
}

// reload reads the list of the current query from its top.
func (m *Model) reload() tea.Cmd {
	m.q = m.query()
	m.seq++
	m.cursor, m.offset = 0, 0
	m.setWindow(nil, 0)
	m.loaded, m.loadErr, m.counted = false, nil, false
	m.paging, m.again, m.newer, m.counting, m.recnt = false, false, false, false, false
	m.top = nil
	return tea.Batch(m.read(pageTop), m.count())
}

// requery reloads if the fields changed the query.
func (m *Model) requery() tea.Cmd {
	if m.query() == m.q {
		return nil
	}
	return m.reload()
}

// refresh reads the counts and the window again (the history changed),
// keeping the cursor on its message.
func (m *Model) refresh() tea.Cmd {
	var cmds []tea.Cmd
	if m.paging {
		m.again = true
	} else {
		cmds = append(cmds, m.read(pageRefresh))
	}
	if m.counting {
		m.recnt = true
	} else {
		cmds = append(cmds, m.count())
	}
	return tea.Batch(cmds...)
}

// read asks the store for a stretch of the list.
func (m *Model) read(kind pageKind) tea.Cmd {
	if kind == pageRefresh && len(m.win) == 0 {
		kind = pageTop
	}
	m.paging = true
	f, seq, st, base := m.q, m.seq, m.hist, m.ctx.Base
	f.Limit = Page
	var anchor int64
	switch kind {
	case pageBottom:
		f.OldestFirst = true
	case pageDown:
		anchor = m.win[len(m.win)-1].ID
		f.BeforeID = anchor
	case pageUp, pageNewer:
		anchor = m.win[0].ID
		f.AfterID, f.OldestFirst = anchor, true
	case pageRefresh:
		anchor = m.win[0].ID
		f.Limit = max(len(m.win), Page)
		if m.winAt > 0 {
			f.BeforeID = anchor + 1
		} else if n := 2 * (m.offset + m.tableH()); n <= Page {
			// From the top, with the new rows, at list position 0; only
			// what the screen needs when it is near the top: the refresh
			// comes every refreshEvery while messages come in.
			f.Limit = n
		}
	}
	return func() tea.Msg {
		rows, err := st.Latest(base, f)
		if f.OldestFirst {
			slices.Reverse(rows)
		}
		msg := pageMsg{seq: seq, kind: kind, anchor: anchor, rows: rows, full: len(rows) == f.Limit, err: err}
		if kind == pageRefresh && f.BeforeID != 0 && err == nil {
			above := f
			above.BeforeID, above.AfterID, above.Limit = 0, anchor, 0
			var c map[string]int
			c, msg.err = st.CountsFor(base, above)
			for _, n := range c {
				msg.newer += n
			}
		}
		return msg
	}
}

// count asks the store for the counts by bucket of the query, status
// filter aside, the shown batch's messages of unknown outcome, and the
// agents of the history (a send may have brought a new one).
func (m *Model) count() tea.Cmd {
	m.counting = true
	f, seq, st, base := m.q, m.seq, m.hist, m.ctx.Base
	f.Status = ""
	return func() tea.Msg {
		c, err := st.CountsFor(base, f)
		msg := countsMsg{seq: seq, counts: c, err: err}
		if err == nil {
			msg.agents, msg.err = st.Agents(base)
		}
		if f.BatchID != 0 && err == nil {
			msg.batchUnknown = c[string(store.StateUnknown)]
			if f.Recipient != "" || f.Search != "" {
				var b map[string]int
				b, msg.err = st.CountsFor(base, store.Filter{BatchID: f.BatchID})
				msg.batchUnknown = b[string(store.StateUnknown)]
			}
		}
		return msg
	}
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.key(msg)
	case common.Mouse:
		return m.mouse(msg)
	case pageMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.paging = false
		m.loaded = true
		if m.loadErr = msg.err; msg.err == nil {
			m.place(msg)
		}
		return m.ensure()
	case countsMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.counting = false
		if msg.err == nil {
			m.counts, m.counted, m.batchUnknown, m.agents = msg.counts, true, msg.batchUnknown, msg.agents
			m.top = nil
			m.scroll()
		} else {
			m.loadErr = msg.err
		}
		var cmds []tea.Cmd
		if m.recnt {
			m.recnt = false
			cmds = append(cmds, m.count())
		}
		return tea.Batch(append(cmds, m.ensure())...)
	case unknownMsg:
		if msg.seq != m.seq {
			return nil
		}
		if msg.err != nil {
			m.flash = common.ErrText(msg.err, m.ctx.Lang())
		} else if len(msg.ids) > 0 {
			m.settling = &settle{ids: msg.ids, resend: msg.resend}
		}
	case common.Event:
		if len(msg.Updates) > 0 || len(msg.Written) > 0 {
			m.apply(msg.Updates)
			return tea.Batch(m.readNewer(msg.Updates, msg.Written), m.refreshSoon())
		}
	case common.ShowBatch:
		m.batch, m.status, m.agent, m.detail, m.input = msg.ID, "", "", nil, nil
		m.number.SetValue("")
		m.search.SetValue("")
		return m.reload()
	case common.Sent:
		until := m.ctx.Now().Add(followFor)
		for _, id := range msg.IDs {
			m.follow[id] = until
		}
		return tea.Batch(m.refresh(), m.tick())
	case followTick:
		m.ticking = false
		return m.tick()
	case refreshTick:
		m.due = false
		return m.refresh()
	case settledMsg:
		t := m.ctx.T
		switch {
		case msg.err != nil:
			m.flash = common.ErrText(msg.err, m.ctx.Lang())
		case msg.resend:
			m.flash = fmt.Sprintf(t.SettleResent, msg.n, msg.accepted)
		default:
			m.flash = fmt.Sprintf(t.SettleMarked, msg.n)
		}
		m.detail = nil
		return m.reload()
	case historyMsg:
		if m.detail != nil && m.detail.row.ID == msg.id {
			m.detail.history, m.detail.err = msg.history, msg.err
		}
	case common.ConfigSaved:
		clear(m.lines) // the language may have changed
		m.top = nil
	}
	return nil
}

// place takes a page read into the window.
func (m *Model) place(p pageMsg) {
	switch p.kind {
	case pageTop:
		m.setWindow(p.rows, 0)
		m.more = len(p.rows) == Page
	case pageBottom:
		m.setWindow(p.rows, max(m.size()-len(p.rows), 0))
		m.more = false
	case pageDown:
		if len(m.win) == 0 || m.win[len(m.win)-1].ID != p.anchor {
			return // the window moved meanwhile
		}
		w := append(slices.Clip(m.win), p.rows...)
		at := m.winAt
		if cut := len(w) - maxWindow; cut > 0 {
			w, at = w[cut:], at+cut
		}
		m.setWindow(w, at)
		m.more = len(p.rows) == Page
	case pageUp:
		if len(m.win) == 0 || m.win[0].ID != p.anchor {
			return
		}
		w := slices.Insert(m.win, 0, p.rows...) // in place, once the window has its room: this comes at every send
		if len(w) > maxWindow {
			w, m.more = w[:maxWindow], true
		}
		m.setWindow(w, max(m.winAt-len(p.rows), 0))
	case pageNewer:
		if m.winAt != 0 || len(m.win) == 0 || m.win[0].ID != p.anchor {
			return // the window moved meanwhile; the refresh due sees to it
		}
		if p.full { // maybe more: read where the window now is
			m.again = true
			return
		}
		if m.counted { // until the refresh due brings the store's
			for _, r := range p.rows {
				m.counts[r.Bucket()]++
			}
			m.top = nil
		}
		w := slices.Insert(m.win, 0, p.rows...) // in place, once the window has its room: this comes at every send
		more := m.more
		if len(w) > maxWindow {
			w, more = w[:maxWindow], true
		}
		m.setWindow(w, 0)
		m.more = more
		m.shift(len(p.rows))
	case pageRefresh:
		// The cursor stays on its message, which new messages above
		// move down the list; on the top row it stays on the top row,
		// where they come in.
		var id int64 = -1
		if r := m.row(m.cursor); r != nil && m.cursor > 0 {
			id = r.ID
		}
		m.setWindow(p.rows, p.newer)
		m.more = p.full
		if i, ok := m.at[id]; ok {
			m.shift(m.winAt + i - m.cursor)
		}
	}
	m.scroll()
}

// shift keeps the cursor on its message when d messages came above it;
// on the top row it stays on the top row, where they come in.
func (m *Model) shift(d int) {
	if m.cursor == 0 {
		return
	}
	m.cursor += d
	if m.offset > 0 {
		m.offset += d
	}
}

func (m *Model) setWindow(rows []store.Row, at int) {
	m.win, m.winAt = rows, at
	clear(m.at)
	for i, r := range rows {
		m.at[r.ID] = i
	}
	if len(m.lines) > 2*maxWindow {
		clear(m.lines)
	}
}

// ensure reads what the screen needs and the window lacks: the next
// stretch next to it, or the top or the bottom of the list when the
// cursor jumped there. A refresh due goes first.
func (m *Model) ensure() tea.Cmd {
	if m.paging || !m.loaded || m.loadErr != nil {
		return nil
	}
	if m.again {
		m.again, m.newer = false, false
		return m.read(pageRefresh)
	}
	if m.newer {
		m.newer = false
		if m.winAt == 0 && len(m.win) > 0 {
			return m.read(pageNewer)
		}
	}
	lo, hi := m.offset, min(m.offset+m.tableH(), m.size())
	end := m.winAt + len(m.win)
	switch {
	case lo >= hi:
		return nil
	case hi <= Page && m.winAt > 0:
		return m.read(pageTop)
	case m.counted && lo >= m.size()-Page && lo > end:
		return m.read(pageBottom)
	case len(m.win) == 0:
		return m.read(pageTop)
	case hi > end && m.more:
		return m.read(pageDown)
	case lo < m.winAt:
		return m.read(pageUp)
	}
	return nil
}

// size is the list's length: as counted, or what is known of it.
func (m *Model) size() int {
	if m.counted {
		if m.status != "" {
			return m.counts[m.status]
		}
		n := 0
		for _, c := range m.counts {
			n += c
		}
		return n
	}
	n := m.winAt + len(m.win)
	if m.more {
		n++
	}
	return n
}

// row is the list's row at position i, if the window holds it.
func (m *Model) row(i int) *store.Row {
	if j := i - m.winAt; j >= 0 && j < len(m.win) {
		return &m.win[j]
	}
	return nil
}

// tick pokes the tracker while a message sent from here is still on
// its way, so the agent sees it arrive without waiting a poll interval.
func (m *Model) tick() tea.Cmd {
	now := m.ctx.Now()
	for id, until := range m.follow {
		r := m.held(id)
		if now.After(until) || (r != nil && (r.Final || r.State != store.StateAccepted && r.State != store.StatePending)) {
			delete(m.follow, id)
		}
	}
	if len(m.follow) == 0 || m.ticking {
		return nil
	}
	m.ticking = true
	m.core.Poke()
	return tea.Tick(m.core.PollEvery(), func(time.Time) tea.Msg { return followTick{} })
}

// held is the message id as the tab holds it (shown in the details or
// in the window), or nil.
func (m *Model) held(id int64) *store.Row {
	if m.detail != nil && m.detail.row.ID == id {
		return &m.detail.row
	}
	if i, ok := m.at[id]; ok {
		return &m.win[i]
	}
	return nil
}

// apply writes the tracker's updates into the rows held; the counts and
// the rows' places come with the refresh that follows.
func (m *Model) apply(updates []store.Update) {
	for _, u := range updates {
		if i, ok := m.at[u.ID]; ok {
			r := &m.win[i]
			r.Status, r.Final, r.StatusAt, r.UpdatedAt = u.To, u.To.Final(), u.At, u.At
		}
		if d := m.detail; d != nil && d.row.ID == u.ID {
			d.row.Status, d.row.Final, d.row.StatusAt, d.row.UpdatedAt = u.To, u.To.Final(), u.At, u.At
		}
	}
}

// readNewer reads at once the messages an update or a send names above
// the top row, when the window is at the top of the list: they are what
// an agent watches come in.
func (m *Model) readNewer(updates []store.Update, written []int64) tea.Cmd {
	if !m.loaded || m.loadErr != nil || m.winAt != 0 {
		return nil
	}
	if len(m.win) == 0 {
		// An empty history is read again at once, counts too (a
		// filter that matched nothing may read much: it waits for the
		// refresh).
		if m.q != (store.Filter{}) {
			return nil
		}
		return m.refresh()
	}
	top := m.win[0].ID
	if !slices.ContainsFunc(updates, func(u store.Update) bool { return u.ID > top }) &&
		!slices.ContainsFunc(written, func(id int64) bool { return id > top }) {
		return nil
	}
	if m.paging {
		m.newer = true
		return nil
	}
	return m.read(pageNewer)
}

// refreshSoon asks for one refresh within refreshEvery, whatever the
// number of updates meanwhile.
func (m *Model) refreshSoon() tea.Cmd {
	if m.due {
		return nil
	}
	m.due = true
	return m.timer(refreshEvery, func(time.Time) tea.Msg { return refreshTick{} })
}

// tableH is how many rows fit under the filter bar, counts, chart and
// column header, above the footer.
func (m *Model) tableH() int { return max(m.h-3-len(m.topLines()), 1) }

func (m *Model) scroll() {
	m.cursor = min(max(m.cursor, 0), max(m.size()-1, 0))
	h := m.tableH()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(max(m.offset, 0), max(m.size()-h, 0))
}

type keys struct {
	up, down, move, pgUp, pgDown, home, end, status, agent, number, search, enter, esc, copy, reload, done key.Binding
	resend, mark, yes, no                                                                                  key.Binding
}

// keys are made once per language: the help bar asks for them at every
// frame.
func (m *Model) keys() keys { return m.keyset.Get(m.ctx.T, m.newKeys) }

func (m *Model) newKeys() keys {
	t := m.ctx.T
	return keys{
		up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", t.Up)),
		down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", t.Down)),
		move:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", t.Move)),
		pgUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", t.PageUp)),
		pgDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", " "), key.WithHelp("pgdn", t.PageDown)),
		home:   key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", t.Newest)),
		end:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", t.Oldest)),
		status: key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s", t.FilterStatus)),
		agent:  key.NewBinding(key.WithKeys("a", "A"), key.WithHelp("a", t.Agent)),
		number: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", t.FilterNumber)),
		search: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", t.Search)),
		enter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.Details)),
		esc:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.Back)),
		copy:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", t.CopyID)),
		reload: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", t.Reload)),
		done:   key.NewBinding(key.WithKeys("enter", "esc", "tab"), key.WithHelp("enter", t.Done)),
		resend: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", t.SettleResend)),
		mark:   key.NewBinding(key.WithKeys("M"), key.WithHelp("M", t.SettleMark)),
		yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", t.SettleYes)),
		no:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", t.Back)),
	}
}

// canSettle says whether R and M have something to settle: the message
// shown, if its outcome is unknown, or on the list of one batch, that
// batch's unknown ones.
func (m *Model) canSettle() bool {
	if m.detail != nil {
		return m.detail.row.State == store.StateUnknown
	}
	return m.batch != 0 && m.batchUnknown > 0
}

// askSettle asks for the decision on what canSettle found: the batch's
// ids come from the store first.
func (m *Model) askSettle(resend bool) tea.Cmd {
	if m.detail != nil {
		m.settling = &settle{ids: []int64{m.detail.row.ID}, resend: resend}
		return nil
	}
	seq, batch, st, base := m.seq, m.batch, m.hist, m.ctx.Base
	return func() tea.Msg {
		rows, err := st.Latest(base, store.Filter{BatchID: batch, Status: string(store.StateUnknown)})
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		return unknownMsg{seq: seq, ids: ids, resend: resend, err: err}
	}
}

// withSettle adds R and M where there is something to settle.
func (m *Model) withSettle(b []key.Binding) []key.Binding {
	if m.canSettle() {
		b = append(b, m.keys().resend, m.keys().mark)
	}
	return b
}

// ShortHelp lists only the keys that work now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys()
	switch {
	case m.settling != nil:
		return []key.Binding{k.yes, k.no}
	case m.input != nil:
		return []key.Binding{k.done}
	case m.detail != nil:
		return m.withSettle(m.withCopy([]key.Binding{k.esc}))
	case m.size() == 0:
		out := []key.Binding{k.reload}
		if m.filtered() {
			out = append(out, k.status)
			if m.agentFilter() {
				out = append(out, k.agent)
			}
			out = append(out, k.esc)
		}
		return out
	}
	out := []key.Binding{k.move, k.enter, k.status, k.search}
	if m.filtered() {
		out = append(out, k.esc)
	}
	return m.withSettle(m.withCopy(out))
}

func (m *Model) withCopy(b []key.Binding) []key.Binding {
	if r := m.current(); r != nil && r.GatewayID != 0 {
		b = append(b, m.keys().copy)
	}
	return b
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys()
	if m.input != nil || m.detail != nil || m.size() == 0 {
		return [][]key.Binding{m.ShortHelp()}
	}
	filters := append(m.ShortHelp()[1:], k.number)
	if m.agentFilter() {
		filters = append(filters, k.agent)
	}
	return [][]key.Binding{{k.up, k.down, k.pgUp, k.pgDown, k.home, k.end}, filters, {k.reload}}
}

func (m *Model) filtered() bool {
	return m.status != "" || m.batch != 0 || m.agent != "" || m.number.Value() != "" || m.search.Value() != ""
}

// agentChoices are what the agent filter steps through: every agent
// ("") and each named agent of the history (the messages of a config
// without account.agent are in "every agent" only).
func (m *Model) agentChoices() []string {
	choices := []string{""}
	for _, a := range m.agents {
		if a != "" {
			choices = append(choices, a)
		}
	}
	if m.agent != "" && !slices.Contains(choices, m.agent) {
		choices = append(choices, m.agent)
	}
	return choices
}

// agentFilter says whether the agent filter has a choice to make (a and
// its part of the filter bar work).
func (m *Model) agentFilter() bool { return len(m.agentChoices()) > 2 || m.agent != "" }

// agentColumn says whether the list shows who sent each message: when
// the history holds more than one agent.
func (m *Model) agentColumn() bool { return len(m.agents) > 1 }

// current is the message under the cursor (or in the details), nil
// while its page is being read.
func (m *Model) current() *store.Row {
	if m.detail != nil {
		return &m.detail.row
	}
	return m.row(m.cursor)
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.keys()
	m.flash = ""
	if s := m.settling; s != nil {
		// Only y decides: the resend may deliver a message twice.
		if key.Matches(msg, k.yes) {
			return m.settle(*s)
		}
		if key.Matches(msg, k.no) {
			m.settling = nil
		}
		return nil
	}
	if m.canSettle() && (key.Matches(msg, k.resend) || key.Matches(msg, k.mark)) {
		return m.askSettle(key.Matches(msg, k.resend))
	}
	if m.input != nil {
		if key.Matches(msg, k.done) {
			m.input.Blur()
			m.input = nil
		} else if m.input.Update(msg) {
			return m.requery()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.esc):
		switch {
		case m.detail != nil:
			m.detail = nil
		case m.filtered():
			m.status, m.batch, m.agent = "", 0, ""
			m.number.SetValue("")
			m.search.SetValue("")
			return m.reload()
		}
	case key.Matches(msg, k.copy):
		return m.copyID()
	case m.detail != nil:
		return nil
	case key.Matches(msg, k.up):
		m.cursor--
	case key.Matches(msg, k.down):
		m.cursor++
	case key.Matches(msg, k.pgUp):
		m.cursor -= m.tableH()
	case key.Matches(msg, k.pgDown):
		m.cursor += m.tableH()
	case key.Matches(msg, k.home):
		m.cursor = 0
	case key.Matches(msg, k.end):
		m.cursor = m.size() - 1
	case key.Matches(msg, k.status):
		return m.cycleStatus(msg.String() == "S")
	case key.Matches(msg, k.agent) && m.agentFilter():
		return m.cycleAgent(msg.String() == "A")
	case key.Matches(msg, k.number):
		m.input = &m.number
		m.input.Focus()
	case key.Matches(msg, k.search):
		m.input = &m.search
		m.input.Focus()
	case key.Matches(msg, k.reload):
		return m.reload()
	case key.Matches(msg, k.enter):
		return m.openDetail()
	}
	m.scroll()
	return m.ensure()
}

// mouse: a click on a row puts the cursor on it, on the row under the
// cursor opens it; a click on the status filter steps it as s does, on
// the number or the search puts the typing there; the wheel moves the
// cursor a row a notch. While a decision waits for its y, the mouse does
// nothing: only y decides.
func (m *Model) mouse(ms common.Mouse) tea.Cmd {
	if m.settling != nil {
		return nil
	}
	if d := ms.Wheel(); d != 0 && m.detail == nil {
		m.cursor += d
		m.scroll()
		return m.ensure()
	}
	h, ok := m.hits.At(ms)
	if !ms.Click() || !ok {
		return nil
	}
	m.flash = ""
	if m.input != nil {
		m.input.Blur()
		m.input = nil
	}
	switch {
	case h == hStatus:
		return m.cycleStatus(false)
	case h == hAgent:
		return m.cycleAgent(false)
	case h == hNumber:
		m.input = &m.number
	case h == hSearch:
		m.input = &m.search
	case h-hRow == m.cursor:
		return m.openDetail()
	default:
		m.cursor = h - hRow
		m.scroll()
		return m.ensure()
	}
	m.input.Focus()
	return nil
}

// cycleStatus steps the status filter through "all" and the buckets that
// have messages.
func (m *Model) cycleStatus(back bool) tea.Cmd {
	choices := []string{""}
	for _, b := range theme.Buckets {
		if m.counts[b] > 0 || b == m.status {
			choices = append(choices, b)
		}
	}
	m.status = step(choices, m.status, back)
	return m.reload()
}

// cycleAgent steps the agent filter through "all" and the agents.
func (m *Model) cycleAgent(back bool) tea.Cmd {
	m.agent = step(m.agentChoices(), m.agent, back)
	return m.reload()
}

// step is the choice after now (before it, back), round the list.
func step(choices []string, now string, back bool) string {
	i := max(slices.Index(choices, now), 0)
	d := 1
	if back {
		d = len(choices) - 1
	}
	return choices[(i+d)%len(choices)]
}

func (m *Model) openDetail() tea.Cmd {
	r := m.current()
	if r == nil {
		return nil
	}
	id, st, base := r.ID, m.hist, m.ctx.Base
	m.detail = &detail{row: *r}
	return func() tea.Msg {
		h, err := st.History(base, id)
		return historyMsg{id, h, err}
	}
}

// settle carries out the agent's decision off the UI goroutine.
func (m *Model) settle(s settle) tea.Cmd {
	m.settling = nil
	core, base := m.core, m.ctx.Base
	agent := m.ctx.Session.AgentIn(m.core.Config())
	ob, oerr := m.core.Outbox("", agent) // read here: an admin may replace it
	return func() tea.Msg {
		if s.resend {
			if oerr != nil {
				return settledMsg{resend: true, err: oerr}
			}
			_, res, err := ob.Resend(base, s.ids)
			accepted := 0
			for _, r := range res {
				if r.Outcome == sms.Accepted {
					accepted++
				}
			}
			return settledMsg{resend: true, n: len(res), accepted: accepted, err: err}
		}
		n, err := core.MarkSent(base, agent, s.ids)
		return settledMsg{n: n, err: err}
	}
}

func (m *Model) copyID() tea.Cmd {
	r := m.current()
	if r == nil || r.GatewayID == 0 {
		m.flash = m.ctx.T.NoGatewayID
		return nil
	}
	id := strconv.FormatInt(r.GatewayID, 10)
	m.flash = fmt.Sprintf(m.ctx.T.Copied, id)
	return common.Cmd(common.Copy{Text: id})
}

// Column widths; the text takes what is left.
const (
	colID     = 8
	colTime   = 12
	colTo     = 13
	colStatus = 12
	colAgent  = 10 // when shown (agentColumn)
)

func (m *Model) View() string {
	t, s := m.ctx.T, m.ctx.S
	m.hits.Reset()
	var b strings.Builder
	b.WriteString(m.filterBar())
	b.WriteByte('\n')
	b.WriteString(strings.Join(m.topLines(), "\n"))
	b.WriteByte('\n')
	ask := m.askLines()
	switch {
	case ask != "":
		if m.detail != nil {
			b.WriteString(m.detailView(m.h - 3))
		} else {
			m.table(&b)
		}
		h := m.h - lipgloss.Height(ask)
		m.hits.Keep(h)
		return common.Fit(b.String(), m.w, h) + "\n" + ask
	case m.detail != nil:
		b.WriteString(m.detailView(m.h - 4))
	case m.loadErr != nil:
		b.WriteString(common.Message(s.Err, common.ErrText(m.loadErr, m.ctx.Lang()), m.w))
	case !m.loaded:
		b.WriteString(s.Faint.Render(t.Loading))
	case m.size() == 0 && !m.filtered():
		b.WriteString(s.Faint.Render(t.NoMessages))
	case m.size() == 0:
		b.WriteString(s.Faint.Render(t.NoMatch))
	default:
		m.table(&b)
	}
	footer := m.footer()
	h := m.h - lipgloss.Height(footer)
	m.hits.Keep(h) // a footer that wraps covers the last rows
	return common.Fit(b.String(), m.w, h) + "\n" + footer
}

// table draws the column header and the rows shown, below the filter bar
// and the top lines.
func (m *Model) table(b *strings.Builder) {
	t, s := m.ctx.T, m.ctx.S
	if m.lineW != m.w || m.lineA != m.agentColumn() {
		m.lineW, m.lineA = m.w, m.agentColumn()
		clear(m.lines)
	}
	b.WriteString(m.title.Get(titleKey{t, m.w, m.lineA}, func() string {
		return s.Title.Render(m.cells(" #", " "+t.ColTime, t.ColTo, t.ColStatus, t.Agent, t.ColText))
	}))
	line := 1 + len(m.topLines()) // the header's
	end := min(m.offset+m.tableH(), m.size())
	for i := m.offset; i < end; i++ {
		line++
		m.hits.Mark(line, hRow+i)
		b.WriteByte('\n')
		r := m.row(i)
		switch {
		case r == nil: // its page is on its way
			b.WriteString(s.Faint.Render(common.Pad("  …", colID)))
		default:
			k := keyOf(r, i == m.cursor)
			line, ok := m.lines[k]
			if !ok {
				if line = m.renderRow(r, !k.selected); k.selected {
					line = s.Selected.Render(line)
				}
				m.lines[k] = line
			}
			b.WriteString(line)
		}
	}
}

type titleKey struct {
	t      *i18n.Texts
	w      int
	agents bool // the agent's column is shown
}

// cells lays out one table line; the widths are the same for the header
// and the rows. The agent's column, when shown, is taken from the text.
func (m *Model) cells(id, at, to, status, agent, text string) string {
	textW := m.w - colID - colTime - colTo - colStatus - 4
	line := common.Pad(id, colID) + " " + common.Pad(at, colTime) + " " + common.Pad(to, colTo) + " " +
		common.Pad(status, colStatus) + " "
	if m.agentColumn() {
		line += common.Pad(common.Trunc(agent, colAgent-1), colAgent)
		textW -= colAgent
	}
	return line + common.Trunc(text, max(textW, 4))
}

// renderRow draws a row; the status gets its colour unless the row is
// under the cursor (drawn inverse as a whole). A scheduled message shows
// the time it is to go, marked @, instead of the time it was recorded.
func (m *Model) renderRow(r *store.Row, colour bool) string {
	b := r.Bucket()
	st := theme.Symbol(b) + " " + m.ctx.T.Bucket(b)
	if colour {
		st = m.ctx.S.Bucket(b).Render(st)
	}
	text := sms.Safe(strings.ReplaceAll(r.Text, "\n", " ⏎ "))
	// The row under the cursor is marked with › too: inverse video is
	// lost without attributes (NO_COLOR).
	mark := " "
	if !colour {
		mark = "›"
	}
	at := " " + common.Minsk(r.CreatedAt, "01-02 15:04")
	if !r.ScheduledAt.IsZero() {
		at = "@" + common.Minsk(r.ScheduledAt, "01-02 15:04")
	}
	line := m.cells(mark+strconv.FormatInt(r.ID, 10), at, sms.Safe(r.Recipient), st, agentName(r.Agent), text)
	if !colour {
		line = common.Pad(line, m.w)
	}
	return line
}

// agentName is an agent as shown: "—" for the messages of a config
// without account.agent.
func agentName(a string) string {
	if a == "" {
		return "—"
	}
	return sms.Safe(a)
}

func (m *Model) filterBar() string {
	t, s := m.ctx.T, m.ctx.S
	status := t.All
	if m.status != "" {
		status = theme.Symbol(m.status) + " " + t.Bucket(m.status)
	}
	// The filters take clicks on the list, not in the details (as
	// their keys).
	hit := func(h int) int {
		if m.detail != nil {
			return common.NoHit
		}
		return h
	}
	gap := common.Part{Text: "   ", Target: common.NoHit}
	part := func(label, value string, in *field.Input, h int) common.Part {
		return common.Part{Text: m.label(label, m.input == in && in != nil) + value, Target: hit(h)}
	}
	var parts []common.Part
	if m.batch != 0 {
		parts = append(parts, part(t.FilterBatchLabel, "#"+strconv.FormatInt(m.batch, 10), nil, common.NoHit), gap)
	}
	parts = append(parts, part(t.FilterStatusLabel, status, nil, hStatus), gap)
	if m.agentFilter() {
		agent := t.All
		if m.agent != "" {
			agent = common.Trunc(agentName(m.agent), 12)
		}
		parts = append(parts, part(t.FilterAgentLabel, agent, nil, hAgent), gap)
	}
	// The two fields share what the parts before them, their labels and
	// a margin leave.
	inputW := max((m.w-26-lipgloss.Width(common.Parts(parts)))/2, 8)
	return m.hits.Join(0, append(parts,
		part(t.FilterNumberLabel, m.number.View(inputW, 1, s), &m.number, hNumber), gap,
		part(t.SearchLabel, m.search.View(inputW, 1, s), &m.search, hSearch))...)
}

// label draws a filter's label, marked "›" when its field has focus; the
// drawings are kept, as the bar is drawn at every frame (common.Memo).
func (m *Model) label(text string, focused bool) string {
	k := labelKey{text, focused}
	if l, ok := m.labels[k]; ok {
		return l
	}
	l := m.ctx.S.Label.Render(text + " ")
	if focused {
		l = m.ctx.S.Focused.Render("› " + text + " ")
	}
	if m.labels == nil {
		m.labels = map[labelKey]string{}
	}
	m.labels[k] = l
	return l
}

type labelKey struct {
	text    string
	focused bool
}

// topLines: the counts line, wrapped between buckets so that none is
// lost on a narrow screen, and the chart line.
func (m *Model) topLines() []string {
	if m.top == nil {
		m.top = append(m.countsLines(), m.chartLine())
	}
	return m.top
}

// countsLines: the messages per bucket, with the total.
func (m *Model) countsLines() []string {
	t, s := m.ctx.T, m.ctx.S
	if !m.counted {
		return []string{s.Faint.Render(t.CountsLater)}
	}
	total := 0
	parts := []string{""}
	for _, b := range theme.Buckets {
		if n := m.counts[b]; n > 0 {
			total += n
			parts = append(parts, s.Bucket(b).Render(theme.Symbol(b)+" "+t.Bucket(b))+" "+strconv.Itoa(n))
		}
	}
	parts[0] = s.Title.Render(t.Messages.N(total))
	var lines []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case lipgloss.Width(line)+2+lipgloss.Width(p) <= m.w:
			line += "  " + p
		default:
			lines = append(lines, line)
			line = "  " + p
		}
	}
	return append(lines, common.Trunc(line, m.w))
}

// chartLine: the same counts as a stacked bar, one mark per bucket.
func (m *Model) chartLine() string {
	parts := make([]chart.Part, 0, len(theme.Buckets)) // a Part holds a Style: no regrowing
	for _, b := range theme.Buckets {
		parts = append(parts, chart.Part{N: m.counts[b], Fill: theme.Symbol(b), Style: m.ctx.S.Bucket(b)})
	}
	return chart.Stacked(parts, m.w)
}

// askLines is the question of a decision waiting for its y, wrapped.
func (m *Model) askLines() string {
	s := m.settling
	if s == nil {
		return ""
	}
	q := m.ctx.T.SettleMarkAsk.N(len(s.ids))
	if s.resend {
		q = m.ctx.T.SettleResendAsk.N(len(s.ids))
	}
	return common.Lines(m.ctx.S.Warn, common.Wrap("? "+q, m.w))
}

func (m *Model) footer() string {
	t, s := m.ctx.T, m.ctx.S
	var parts []string
	if n := m.size(); n > 0 && m.detail == nil {
		parts = append(parts, s.Faint.Render(fmt.Sprintf(t.RowOf, m.cursor+1, n)))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(m.search.Value())); n > 0 && n < minSearch {
		parts = append(parts, s.Warn.Render(t.SearchShort))
	}
	if m.flash != "" {
		parts = append(parts, s.OK.Render(m.flash))
	}
	return common.Wrap(strings.Join(parts, "  "), m.w) // a failure's reason is never cut
}

// detailView: one message with its life.
func (m *Model) detailView(height int) string {
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	d := m.detail
	r := &d.row
	b := r.Bucket()
	var out []string
	add := func(label, value string) {
		out = append(out, s.Label.Render(common.Pad(label, 14))+value)
	}
	out = append(out, s.Title.Render(fmt.Sprintf(t.MessageN, r.ID))+"  "+
		s.Bucket(b).Render(theme.Symbol(b)+" "+t.Bucket(b))+"  "+s.Faint.Render(r.Status.Text(l)))
	gw := "—"
	if r.GatewayID != 0 {
		gw = strconv.FormatInt(r.GatewayID, 10)
	}
	add(t.GatewayID, gw)
	add(t.ColTo, sms.Safe(r.Recipient)+"  "+s.Faint.Render(t.From+" "+sms.Safe(r.Sender)+" · "+sms.Safe(r.Transport)+" · "+fmt.Sprintf(t.PartsN, r.Parts)))
	add(t.Created, common.Minsk(r.CreatedAt, "2006-01-02 15:04:05")+"  "+s.Faint.Render(t.Agent+" "+sms.Safe(r.Agent)))
	if !r.ScheduledAt.IsZero() {
		add(t.At, common.Minsk(r.ScheduledAt, sms.TypedLayout))
	}
	if r.Validity > 0 {
		add(t.Validity, fmt.Sprintf(t.ValidityOK, sms.ValidityHours(r.Validity)))
	}
	if r.Code != 0 {
		add(t.Code, common.CodeText(r.Code, l))
	}
	if r.Error != "" {
		add(t.Error, m.note(r.Error))
	}
	add(t.ColText, sms.Safe(strings.ReplaceAll(r.Text, "\n", " ⏎ ")))
	out = append(out, s.Title.Render(t.History))
	switch {
	case d.err != nil:
		out = append(out, strings.Split(common.Message(s.Err, common.ErrText(d.err, l), m.w), "\n")...)
	case d.history == nil:
		out = append(out, s.Faint.Render(t.Loading))
	}
	// The newest changes matter most when the list is long.
	room := max(height-len(out), 1)
	h := d.history
	if len(h) > room {
		h = h[len(h)-room:]
	}
	for _, c := range h {
		b := store.Bucket(c.State, c.Status)
		line := "  " + common.Minsk(c.At, "15:04:05.000") + "  " + common.Pad(t.Source(sms.Safe(c.Source)), 10) + " " +
			theme.Symbol(b) + " " + t.Bucket(b)
		if c.Note != "" {
			line += "  " + s.Faint.Render(m.note(c.Note))
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// note is a note of the history (or a row's error) in the agent's
// language when the store wrote it, as it came otherwise (a gateway's
// or a transport's error text).
func (m *Model) note(n string) string {
	t := m.ctx.T
	switch n {
	case store.Interrupted:
		return t.NoteInterrupted
	case store.NeverLeft:
		return t.NoteNeverLeft
	case store.NoteExpired:
		return t.NoteExpired
	case store.NoteOrphan:
		return t.NoteOrphan
	}
	switch kind, id, agent := store.ReadNote(n); {
	case kind == "resent" && agent == "":
		return fmt.Sprintf(t.NoteResent, id)
	case kind == "resent":
		return fmt.Sprintf(t.NoteResentBy, id, sms.Safe(agent))
	case kind == "marked" && agent == "":
		return t.NoteMarked
	case kind == "marked":
		return fmt.Sprintf(t.NoteMarkedBy, sms.Safe(agent))
	}
	return sms.Safe(n)
}
