// Package status is the Status tab: every message of the history, newest
// first, kept live from the tracker's stream.
//
// It is built for 100,000 rows: all rows stay in memory, oldest first, so
// new ones are appended and an index (local id → position) stays valid;
// only the visible window is drawn, from a cache of rendered lines; a
// burst of tracker updates touches only the rows it names and redraws
// once.
package status

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/ui/chart"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
	"github.com/smsdash/smsdash/ui/theme"
)

// Limit is how many of the newest messages the tab holds.
const Limit = 100_000

// followFor is how long the tab keeps poking the tracker about a message
// sent from this dashboard that has not reached a final status.
const followFor = 10 * time.Minute

// Model is the Status tab.
type Model struct {
	ctx    *common.Context
	rows   []store.Row   // oldest first
	index  map[int64]int // local id → position in rows
	lines  []string      // rendered rows by position; "" means not yet
	lineW  int           // the width lines were rendered for
	view   []int         // positions that pass the filter, newest first
	counts map[string]int
	top    string // the counts and chart lines, "" when stale

	cursor, offset int // in view
	status         string
	batch          int64 // 0: every batch and single sends
	number, search field.Input
	input          *field.Input // the focused filter field, nil if none
	numQ, textQ    string       // the filters as matched: digits, lower case

	loaded, loading bool
	loadErr         error
	seq             int  // the newest load asked for; older replies are dropped
	fetching, again bool // a fetch of new rows is out; another is due after it
	detail          *detail
	settling        *settle // a decision waiting for its y
	flash           string
	follow          map[int64]time.Time
	ticking         bool
	w, h            int
}

// settle is the agent's decision on messages of unknown outcome: send
// them again, or mark them sent. Nothing else ever settles them.
type settle struct {
	ids    []int64
	resend bool
}

type detail struct {
	id      int64
	history []store.Change
	err     error
}

// Messages of this tab's commands.
type (
	settledMsg struct {
		resend      bool
		n, accepted int
		err         error
	}
	loadedMsg struct {
		seq  int
		rows []store.Row
		err  error
	}
	freshMsg struct {
		rows []store.Row
		err  error
	}
	historyMsg struct {
		id      int64
		history []store.Change
		err     error
	}
	followTick struct{}
)

// New makes the tab.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, index: map[int64]int{}, counts: map[string]int{}, follow: map[int64]time.Time{}}
	m.number.Placeholder = "375…"
	return m
}

func (m *Model) Init() tea.Cmd { return m.load() }

func (m *Model) SetSize(w, h int) {
	if w != m.w {
		m.top = "" // rows are redrawn for the new width by table
	}
	m.w, m.h = w, h
	m.scroll()
}

func (m *Model) Capturing() bool { return m.input != nil }

// load reads the newest Limit messages.
func (m *Model) load() tea.Cmd {
	m.seq++
	m.loading = true
	seq, st, base := m.seq, m.ctx.App.Store, m.ctx.Base
	return func() tea.Msg {
		rows, err := st.Latest(base, store.Filter{Limit: Limit})
		return loadedMsg{seq, rows, err}
	}
}

// fetchNew reads the messages created since the newest one held (a send
// from here or from the command line).
func (m *Model) fetchNew() tea.Cmd {
	if m.loading || m.fetching {
		m.again = true
		return nil
	}
	m.fetching = true
	var since time.Time
	if n := len(m.rows); n > 0 {
		since = m.rows[n-1].CreatedAt
	}
	st, base := m.ctx.App.Store, m.ctx.Base
	return func() tea.Msg {
		rows, err := st.Latest(base, store.Filter{Since: since, Limit: Limit})
		return freshMsg{rows, err}
	}
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.key(msg)
	case loadedMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.loading, m.loaded, m.loadErr = false, true, msg.err
		if msg.err == nil {
			m.setRows(msg.rows)
		}
		return m.afterFetch()
	case freshMsg:
		m.fetching = false
		if msg.err == nil {
			m.merge(msg.rows)
		}
		return m.afterFetch()
	case common.Event:
		if len(msg.Updates) > 0 && m.apply(msg.Updates) {
			return m.fetchNew()
		}
	case common.ShowBatch:
		m.batch, m.status, m.detail, m.input = msg.ID, "", nil, nil
		m.number.SetValue("")
		m.search.SetValue("")
		m.cursor, m.offset = 0, 0
		m.rebuild()
		return m.fetchNew()
	case common.Sent:
		until := m.ctx.Now().Add(followFor)
		for _, id := range msg.IDs {
			m.follow[id] = until
		}
		return tea.Batch(m.fetchNew(), m.tick())
	case followTick:
		m.ticking = false
		return m.tick()
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
		return m.load()
	case historyMsg:
		if m.detail != nil && m.detail.id == msg.id {
			m.detail.history, m.detail.err = msg.history, msg.err
		}
	case common.ConfigSaved:
		m.lines, m.top = make([]string, len(m.rows)), "" // the language may have changed
	}
	return nil
}

func (m *Model) afterFetch() tea.Cmd {
	if m.again {
		m.again = false
		return m.fetchNew()
	}
	return nil
}

// tick pokes the tracker while a message sent from here is still on
// its way, so the agent sees it arrive without waiting a poll interval.
func (m *Model) tick() tea.Cmd {
	now := m.ctx.Now()
	for id, until := range m.follow {
		i, ok := m.index[id]
		if now.After(until) || (ok && (m.rows[i].Final || m.rows[i].State != store.StateAccepted && m.rows[i].State != store.StatePending)) {
			delete(m.follow, id)
		}
	}
	if len(m.follow) == 0 || m.ticking {
		return nil
	}
	m.ticking = true
	m.ctx.App.Tracker.Poke()
	return tea.Tick(m.ctx.App.PollEvery(), func(time.Time) tea.Msg { return followTick{} })
}

// setRows takes the store's rows (newest first) as the whole table.
func (m *Model) setRows(newestFirst []store.Row) {
	n := len(newestFirst)
	m.rows = make([]store.Row, n)
	m.index = make(map[int64]int, n)
	for i, r := range newestFirst {
		m.rows[n-1-i] = r
		m.index[r.ID] = n - 1 - i
	}
	m.lines = make([]string, n)
	m.rebuild()
}

// merge adds new rows and refreshes known ones, unless what is held is
// newer (a tracker update may overtake the read).
func (m *Model) merge(newestFirst []store.Row) {
	for i := len(newestFirst) - 1; i >= 0; i-- {
		r := newestFirst[i]
		if p, ok := m.index[r.ID]; ok {
			if !r.UpdatedAt.Before(m.rows[p].UpdatedAt) {
				m.rows[p], m.lines[p] = r, ""
			}
			continue
		}
		if p, ok := m.index[r.ResendOf]; ok && r.ResendOf != 0 {
			// A resend or a resume: the message counts once, at its
			// new row.
			m.rows[p].State = store.StateResent
		}
		m.index[r.ID] = len(m.rows)
		m.rows = append(m.rows, r)
		m.lines = append(m.lines, "")
	}
	m.rebuild()
}

// apply writes the tracker's updates into the rows they name and reports
// whether some name a message not held yet.
func (m *Model) apply(updates []store.Update) (unknown bool) {
	for _, u := range updates {
		p, ok := m.index[u.ID]
		if !ok {
			unknown = true
			continue
		}
		r := &m.rows[p]
		old := r.Bucket()
		r.Status, r.Final, r.StatusAt, r.UpdatedAt = u.To, u.To.Final(), u.At, u.At
		if m.matches(r) {
			m.counts[old]--
			m.counts[r.Bucket()]++
		}
		m.lines[p] = ""
	}
	m.top = ""
	if m.status != "" {
		m.rebuild() // a row may have left or joined the filtered set
	}
	return unknown
}

// matches applies the batch, number and search filters.
func (m *Model) matches(r *store.Row) bool {
	if m.batch != 0 && r.BatchID != m.batch {
		return false
	}
	if m.numQ != "" && !strings.Contains(r.Recipient, m.numQ) {
		return false
	}
	if m.textQ != "" && !strings.Contains(strings.ToLower(r.Text), m.textQ) {
		return false
	}
	return true
}

func digits(s string) string {
	if n, err := sms.NormalizePhone(s); err == nil {
		return n
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// rebuild recomputes the filtered view and the counts, keeping the
// cursor on the same message.
func (m *Model) rebuild() {
	var at int64 = -1
	if m.cursor < len(m.view) {
		at = m.rows[m.view[m.cursor]].ID
	}
	m.view = m.view[:0]
	clear(m.counts)
	m.numQ, m.textQ = "", strings.ToLower(m.search.Value())
	if n := m.number.Value(); n != "" {
		m.numQ = digits(n)
	}
	filter := m.batch != 0 || m.numQ != "" || m.textQ != ""
	for p := len(m.rows) - 1; p >= 0; p-- {
		r := &m.rows[p]
		if filter && !m.matches(r) || r.State == store.StateResent {
			continue // superseded: see merge
		}
		b := r.Bucket()
		m.counts[b]++
		if m.status == "" || b == m.status {
			m.view = append(m.view, p)
		}
	}
	m.top = ""
	if p, ok := m.index[at]; ok && m.cursor < len(m.view) && m.view[m.cursor] != p {
		for i, q := range m.view {
			if q == p {
				m.cursor = i
				break
			}
		}
	}
	m.scroll()
}

// tableH is how many rows fit under the filter bar, counts, chart and
// column header, above the footer.
func (m *Model) tableH() int { return max(m.h-5, 1) }

func (m *Model) scroll() {
	m.cursor = min(max(m.cursor, 0), max(len(m.view)-1, 0))
	h := m.tableH()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(max(m.offset, 0), max(len(m.view)-h, 0))
}

type keys struct {
	up, down, move, pgUp, pgDown, home, end, status, number, search, enter, esc, copy, reload, done key.Binding
	resend, mark, yes, no                                                                           key.Binding
}

func (m *Model) keys() keys {
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

// unknownHere is what R and M settle: the message shown, if its outcome
// is unknown, or on the list of one batch, that batch's unknown ones.
func (m *Model) unknownHere() []int64 {
	if m.detail != nil {
		if r := m.current(); r != nil && r.State == store.StateUnknown {
			return []int64{r.ID}
		}
		return nil
	}
	if m.batch == 0 {
		return nil
	}
	var ids []int64
	for _, r := range m.rows {
		if r.BatchID == m.batch && r.State == store.StateUnknown {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// withSettle adds R and M where there is something to settle.
func (m *Model) withSettle(b []key.Binding) []key.Binding {
	if len(m.unknownHere()) > 0 {
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
	case len(m.view) == 0:
		out := []key.Binding{k.reload}
		if m.filtered() {
			out = append(out, k.status, k.esc)
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
	if m.input != nil || m.detail != nil || len(m.view) == 0 {
		return [][]key.Binding{m.ShortHelp()}
	}
	return [][]key.Binding{{k.up, k.down, k.pgUp, k.pgDown, k.home, k.end}, append(m.ShortHelp()[1:], k.number), {k.reload}}
}

func (m *Model) filtered() bool {
	return m.status != "" || m.batch != 0 || m.number.Value() != "" || m.search.Value() != ""
}

// current is the message under the cursor (or in the details).
func (m *Model) current() *store.Row {
	if m.detail != nil {
		if p, ok := m.index[m.detail.id]; ok {
			return &m.rows[p]
		}
		return nil
	}
	if m.cursor < len(m.view) {
		return &m.rows[m.view[m.cursor]]
	}
	return nil
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
	if ids := m.unknownHere(); len(ids) > 0 && (key.Matches(msg, k.resend) || key.Matches(msg, k.mark)) {
		m.settling = &settle{ids: ids, resend: key.Matches(msg, k.resend)}
		return nil
	}
	if m.input != nil {
		if key.Matches(msg, k.done) {
			m.input.Blur()
			m.input = nil
		} else if m.input.Update(msg) {
			m.cursor, m.offset = 0, 0
			m.rebuild()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.esc):
		switch {
		case m.detail != nil:
			m.detail = nil
		case m.filtered():
			m.status, m.batch = "", 0
			m.number.SetValue("")
			m.search.SetValue("")
			m.rebuild()
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
		m.cursor = len(m.view) - 1
	case key.Matches(msg, k.status):
		m.cycleStatus(msg.String() == "S")
	case key.Matches(msg, k.number):
		m.input = &m.number
		m.input.Focus()
	case key.Matches(msg, k.search):
		m.input = &m.search
		m.input.Focus()
	case key.Matches(msg, k.reload):
		return m.load()
	case key.Matches(msg, k.enter):
		return m.openDetail()
	}
	m.scroll()
	return nil
}

// cycleStatus steps the status filter through "all" and the buckets that
// have messages.
func (m *Model) cycleStatus(back bool) {
	choices := []string{""}
	for _, b := range theme.Buckets {
		if m.counts[b] > 0 || b == m.status {
			choices = append(choices, b)
		}
	}
	i := 0
	for j, c := range choices {
		if c == m.status {
			i = j
		}
	}
	d := 1
	if back {
		d = len(choices) - 1
	}
	m.status = choices[(i+d)%len(choices)]
	m.cursor, m.offset = 0, 0
	m.rebuild()
}

func (m *Model) openDetail() tea.Cmd {
	r := m.current()
	if r == nil {
		return nil
	}
	id, st, base := r.ID, m.ctx.App.Store, m.ctx.Base
	m.detail = &detail{id: id}
	return func() tea.Msg {
		h, err := st.History(base, id)
		return historyMsg{id, h, err}
	}
}

// settle carries out the agent's decision off the UI goroutine.
func (m *Model) settle(s settle) tea.Cmd {
	m.settling = nil
	a, base := m.ctx.App, m.ctx.Base
	ob := a.Outbox // read here: Settings may replace it
	return func() tea.Msg {
		if s.resend {
			_, res, err := ob.Resend(base, s.ids)
			accepted := 0
			for _, r := range res {
				if r.Outcome == sms.Accepted {
					accepted++
				}
			}
			return settledMsg{resend: true, n: len(res), accepted: accepted, err: err}
		}
		n, err := a.Store.MarkSent(base, a.Config.Account.Agent, s.ids)
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
	colTime   = 11
	colTo     = 13
	colStatus = 12
)

func (m *Model) View() string {
	t, s := m.ctx.T, m.ctx.S
	var b strings.Builder
	b.WriteString(m.filterBar())
	b.WriteByte('\n')
	if m.top == "" {
		m.top = m.countsLine() + "\n" + m.chartLine()
	}
	b.WriteString(m.top)
	b.WriteByte('\n')
	ask := m.askLines()
	switch {
	case ask != "":
		if m.detail != nil {
			b.WriteString(m.detailView(m.h - 3))
		} else {
			m.table(&b)
		}
		return common.Fit(b.String(), m.w, m.h-lipgloss.Height(ask)) + "\n" + ask
	case m.detail != nil:
		b.WriteString(m.detailView(m.h - 3))
		return common.Fit(b.String(), m.w, m.h)
	case m.loadErr != nil:
		b.WriteString(s.Err.Render(common.ErrText(m.loadErr, m.ctx.Lang())))
	case !m.loaded:
		b.WriteString(s.Faint.Render(t.Loading))
	case len(m.rows) == 0:
		b.WriteString(s.Faint.Render(t.NoMessages))
	case len(m.view) == 0:
		b.WriteString(s.Faint.Render(t.NoMatch))
	default:
		m.table(&b)
	}
	return common.Fit(b.String(), m.w, m.h-1) + "\n" + m.footer()
}

func (m *Model) table(b *strings.Builder) {
	t, s := m.ctx.T, m.ctx.S
	if m.lineW != m.w {
		m.lineW = m.w
		m.lines = make([]string, len(m.rows))
	}
	b.WriteString(s.Title.Render(m.cells(" #", t.ColTime, t.ColTo, t.ColStatus, t.ColText)))
	end := min(m.offset+m.tableH(), len(m.view))
	for i := m.offset; i < end; i++ {
		b.WriteByte('\n')
		p := m.view[i]
		if i == m.cursor {
			b.WriteString(s.Selected.Render(m.renderRow(&m.rows[p], false)))
			continue
		}
		if m.lines[p] == "" {
			m.lines[p] = m.renderRow(&m.rows[p], true)
		}
		b.WriteString(m.lines[p])
	}
}

// cells lays out one table line; the widths are the same for the header
// and the rows.
func (m *Model) cells(id, at, to, status, text string) string {
	textW := max(m.w-colID-colTime-colTo-colStatus-4, 4)
	return common.Pad(id, colID) + " " + common.Pad(at, colTime) + " " + common.Pad(to, colTo) + " " +
		common.Pad(status, colStatus) + " " + common.Trunc(text, textW)
}

// renderRow draws a row; the status gets its colour unless the row is
// under the cursor (drawn inverse as a whole).
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
	line := m.cells(mark+strconv.FormatInt(r.ID, 10), common.Minsk(r.CreatedAt, "01-02 15:04"), sms.Safe(r.Recipient), st, text)
	if !colour {
		line = common.Pad(line, m.w)
	}
	return line
}

func (m *Model) filterBar() string {
	t, s := m.ctx.T, m.ctx.S
	status := t.All
	if m.status != "" {
		status = theme.Symbol(m.status) + " " + t.Bucket(m.status)
	}
	part := func(label, value string, in *field.Input) string {
		l := s.Label.Render(label + " ")
		if m.input == in && in != nil {
			l = s.Focused.Render("› " + label + " ")
		}
		return l + value
	}
	bar := ""
	if m.batch != 0 {
		bar = part(t.FilterBatchLabel, "#"+strconv.FormatInt(m.batch, 10), nil) + "   "
	}
	inputW := max((m.w-40-lipgloss.Width(bar))/2, 8)
	return bar + part(t.FilterStatusLabel, status, nil) + "   " +
		part(t.FilterNumberLabel, m.number.View(inputW, 1, s), &m.number) + "   " +
		part(t.SearchLabel, m.search.View(inputW, 1, s), &m.search)
}

// countsLine: the messages per bucket, with the total.
func (m *Model) countsLine() string {
	t, s := m.ctx.T, m.ctx.S
	total := 0
	var parts []string
	for _, b := range theme.Buckets {
		if n := m.counts[b]; n > 0 {
			total += n
			parts = append(parts, s.Bucket(b).Render(theme.Symbol(b)+" "+t.Bucket(b))+" "+strconv.Itoa(n))
		}
	}
	head := t.Messages.N(total)
	if len(m.rows) == Limit {
		head = fmt.Sprintf(t.TotalLatest, total, Limit)
	}
	return common.Trunc(s.Title.Render(head)+"  "+strings.Join(parts, "  "), m.w)
}

// chartLine: the same counts as a stacked bar, one mark per bucket.
func (m *Model) chartLine() string {
	var parts []chart.Part
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
	pos := ""
	if len(m.view) > 0 && m.detail == nil {
		pos = fmt.Sprintf(t.RowOf, m.cursor+1, len(m.view))
	}
	if m.flash != "" {
		pos += "  " + s.OK.Render(m.flash)
	}
	return common.Trunc(s.Faint.Render(pos), m.w)
}

// detailView: one message with its life.
func (m *Model) detailView(height int) string {
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	r := m.current()
	if r == nil {
		return s.Faint.Render(t.Loading)
	}
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
		add(t.Error, sms.Safe(r.Error))
	}
	add(t.ColText, sms.Safe(strings.ReplaceAll(r.Text, "\n", " ⏎ ")))
	out = append(out, s.Title.Render(t.History))
	d := m.detail
	switch {
	case d.err != nil:
		out = append(out, s.Err.Render(common.ErrText(d.err, l)))
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
		what := string(c.State)
		if c.Status != sms.StatusNone {
			what = theme.Symbol(c.Status.String()) + " " + t.Bucket(c.Status.String())
		}
		line := "  " + common.Minsk(c.At, "15:04:05.000") + "  " + common.Pad(sms.Safe(c.Source), 8) + " " + what
		if c.Note != "" {
			line += "  " + s.Faint.Render(sms.Safe(c.Note))
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
