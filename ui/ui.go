// Package ui is smsdash's dashboard: a Bubble Tea program with five tabs
// (Compose, Batch, Status, Balance, Settings) over the core in sms/app.
//
// The root model owns the frame (header, tab bar, help bar), the global
// keys, and the one subscription to the tracker's stream, whose events
// it hands to every tab. Each tab is a common.Component in its own
// package.
package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/balance"
	"github.com/smsdash/smsdash/ui/batch"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/compose"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/settings"
	"github.com/smsdash/smsdash/ui/status"
	"github.com/smsdash/smsdash/ui/theme"
)

// Tab numbers, as the keys 1…5 choose them.
const (
	TabCompose = iota
	TabBatch
	TabStatus
	TabBalance
	TabSettings
)

// Model is the root model.
type Model struct {
	ctx     *common.Context
	keyset  common.Memo[*i18n.Texts, keys]
	core    *app.App // the root's alone: each tab has the part it needs
	cancel  context.CancelFunc
	tabs    []common.Component
	balance *balance.Model
	active  int
	help    help.Model
	helpBar common.Memo[helpKey, string]     // the help bar, drawn again when its keys change
	labels  common.Memo[labelsKey, []string] // the tab labels
	w, h    int
	sub     *tracker.Sub
	health  health.State // the connection light, as of the last event
	// setupErr: the transport Settings chose could not be set up.
	setupErr error
	// Set by Run; nil in tests, which drive the model directly.
	copy func(text string) // writes OSC 52 to the terminal
	// notice is what the agent must see at start (sends a crash
	// interrupted, config warnings), until the first key.
	notice string
	bodyH  int // the tabs' height
	// drawn is the last panic caught while a tab drew, and its report.
	drawn struct{ panic, report string }
}

// NewSession builds the dashboard of session s over the core a, drawing
// with r (one renderer per program: over SSH each session has its own).
// Its language is s.Lang, else the config's.
func NewSession(a *app.App, s app.Session, r *lipgloss.Renderer) *Model {
	if s.Lang == "" {
		s.Lang = a.Lang()
	}
	base, cancel := context.WithCancel(context.Background())
	ctx := &common.Context{
		Session: s,
		T:       i18n.For(s.Lang),
		S:       theme.New(r),
		Now:     time.Now,
		Base:    base,
	}
	m := &Model{ctx: ctx, core: a, cancel: cancel, balance: balance.New(ctx, a, a.Store), help: help.New(), sub: a.Hub.Subscribe()}
	m.help.Styles = ctx.S.Help // the defaults are package-level styles
	where := settings.File{Path: a.ConfigPath, Demo: a.Demo}
	if a.Sim != nil {
		where.SimURL = a.Sim.URL()
	}
	m.tabs = []common.Component{compose.New(ctx, a, a.Store), batch.New(ctx, a, a.Store), status.New(ctx, a, a.Store), m.balance, settings.New(ctx, a, where)}
	// A terminal sends its size at once; 80x24 until then (or for good,
	// when the output is not a terminal).
	m.w, m.h = 80, 24
	m.notice = startNotice(a, ctx.T)
	m.health = a.Health.State()
	m.resize()
	return m
}

// startNotice tells what the last run left: sends whose outcome is
// unknown must be checked before anything is sent again.
func startNotice(a *app.App, t *i18n.Texts) string {
	var parts []string
	if a.Recovered > 0 {
		parts = append(parts, t.NoticeRecovered.N(a.Recovered))
	}
	if a.NeverLeft > 0 {
		parts = append(parts, t.NoticeNeverLeft.N(a.NeverLeft))
	}
	parts = append(parts, a.Warnings...)
	return strings.Join(parts, " · ")
}

// SetClock replaces the clock (tests: fixed times make stable views).
// The connection light's record takes it too: its "since" is drawn.
func (m *Model) SetClock(now func() time.Time) {
	m.ctx.Now = now
	m.core.Health.SetClock(now)
}

// Close ends the model's background work: its commands' context and its
// subscription to the tracker.
func (m *Model) Close() {
	m.cancel()
	m.sub.Close()
}

func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.waitEvent(), clock()}
	for _, t := range m.tabs {
		cmds = append(cmds, t.Init())
	}
	return tea.Batch(cmds...)
}

// eventMsg carries what the tracker published; the wait re-arms after it.
type eventMsg struct {
	ev tracker.Event
	ok bool
}

// waitEvent waits for the tracker's stream. Events merge while the UI is
// busy, so a burst of receipts arrives as one message and one redraw.
func (m *Model) waitEvent() tea.Cmd {
	sub, done := m.sub, m.ctx.Base.Done()
	return func() tea.Msg {
		select {
		case <-sub.C():
			ev, ok := sub.Take()
			return eventMsg{ev, ok}
		case <-done:
			return nil
		}
	}
}

// clockMsg redraws now and then, so that "20 s ago" and "in 10 min"
// stay true while nothing else happens.
type clockMsg struct{}

func clock() tea.Cmd {
	return tea.Tick(10*time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}

// keys are the global keys.
type keys struct {
	tabs, tabsAlt, quit, quitQ, help key.Binding
}

// keys are made once per language: the help bar asks for them at every
// frame.
func (m *Model) keys() keys { return m.keyset.Get(m.ctx.T, m.newKeys) }

func (m *Model) newKeys() keys {
	t := m.ctx.T
	return keys{
		tabs:    key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1…5", t.Tabs)),
		tabsAlt: key.NewBinding(key.WithKeys("alt+1", "alt+2", "alt+3", "alt+4", "alt+5"), key.WithHelp("alt+1…5", t.Tabs)),
		quit:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", t.Quit)),
		quitQ:   key.NewBinding(key.WithKeys("q"), key.WithHelp("q", t.Quit)),
		help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", t.MoreKeys)),
	}
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		if m.notice != "" {
			m.notice = ""
			m.resize()
		}
		return m, m.key(msg)
	case tea.MouseMsg:
		return m, m.mouse(msg)
	case eventMsg:
		cmd := m.waitEvent()
		if !msg.ok {
			return m, cmd
		}
		if msg.ev.Health {
			m.health = m.core.Health.State()
			m.resize() // the header's height may have changed
		}
		cmds := []tea.Cmd{cmd, m.broadcast(common.Event{Event: msg.ev})}
		if msg.ev.Config { // an admin's save, this session's or another's
			m.resize()
			cmds = append(cmds, m.broadcast(common.ConfigChanged{}))
		}
		return m, tea.Batch(cmds...)
	case clockMsg:
		return m, clock()
	case common.Copy:
		if m.copy != nil {
			m.copy(msg.Text)
		}
		return m, nil
	case common.ConfigSaved:
		m.apply(msg)
	case common.ShowBatch:
		m.setTab(TabStatus)
	case common.Leave:
		if msg.Quit {
			return m, m.quit()
		}
		m.setTab(msg.To)
		return m, nil
	case interruptMsg:
		if i := m.sendingTab(); i >= 0 {
			return m, m.tabs[i].Update(common.StopSend{Quit: true})
		}
		return m, tea.Quit
	case abortMsg:
		if i := m.sendingTab(); i >= 0 {
			return m, m.tabs[i].Update(common.AbortSend{})
		}
		return m, tea.Quit
	}
	return m, m.broadcast(msg)
}

// drain lets a send still under way when the program ends (its terminal
// gone) finish gracefully before the history closes.
func (m *Model) drain() {
	for _, t := range m.tabs {
		if d, ok := t.(interface{ Drain() }); ok {
			d.Drain()
		}
	}
}

// sendingTab is the tab with a send under way, or -1: quitting then
// stops that send first, and the program ends once it has.
func (m *Model) sendingTab() int {
	for i, t := range m.tabs {
		if s, ok := t.(interface{ Sending() bool }); ok && s.Sending() {
			return i
		}
	}
	return -1
}

// quit ends the program, asking first about unsaved edits, then
// stopping a send under way.
func (m *Model) quit() tea.Cmd {
	for i, t := range m.tabs {
		if unsaved(t) {
			m.setTab(i)
			return t.Update(common.AskLeave{Quit: true})
		}
	}
	if i := m.sendingTab(); i >= 0 {
		m.setTab(i)
		return m.tabs[i].Update(common.StopSend{Ask: true, Quit: true})
	}
	return tea.Quit
}

// unsaved: the tab holds edits that leaving it would lose.
func unsaved(t common.Component) bool {
	u, ok := t.(interface{ Unsaved() bool })
	return ok && u.Unsaved()
}

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, len(m.tabs))
	for i, t := range m.tabs {
		cmds[i] = t.Update(msg)
	}
	return tea.Batch(cmds...)
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.keys()
	free := !m.tabs[m.active].Capturing()
	switch {
	case key.Matches(msg, k.quit), free && key.Matches(msg, k.quitQ):
		return m.quit()
	case key.Matches(msg, k.tabsAlt), free && key.Matches(msg, k.tabs):
		return m.goTab(int(msg.Runes[0] - '1'))
	case free && key.Matches(msg, k.help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()
		return nil
	}
	cmd := m.tabs[m.active].Update(msg)
	m.resize() // the help bar's height may have changed
	return cmd
}

// mouse: a click on the tab bar chooses a tab; what happens in the body
// goes to the active tab alone, counted from the body's first line.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	bar := lipgloss.Height(m.header()) // the tab bar's line: the header may wrap
	top := bar + 1
	if m.notice != "" {
		top += lipgloss.Height(m.noticeView())
	}
	var cmd tea.Cmd
	switch {
	case msg.Y == bar:
		if i := m.tabAt(msg.X); i >= 0 && (common.Mouse{MouseMsg: msg}).Click() {
			cmd = m.goTab(i)
		}
	case msg.Y >= top && msg.Y < m.h-lipgloss.Height(m.helpView()):
		msg.Y -= top
		cmd = m.tabs[m.active].Update(common.Mouse{MouseMsg: msg})
	}
	if m.notice != "" && msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
		m.notice = "" // as a key does; after the click, which was aimed with it shown
	}
	m.resize()
	return cmd
}

// goTab shows tab to, once the tab shown lets it go (unsaved edits ask).
func (m *Model) goTab(to int) tea.Cmd {
	if to != m.active && unsaved(m.tabs[m.active]) {
		return m.tabs[m.active].Update(common.AskLeave{To: to})
	}
	m.setTab(to)
	return nil
}

func (m *Model) setTab(i int) {
	if i >= 0 && i < len(m.tabs) {
		m.active = i
		m.resize()
	}
}

// Active is the tab shown.
func (m *Model) Active() int { return m.active }

// apply takes this session's save (the core has put it to work,
// app.App.SaveConfig): the session speaks the language saved, and says
// when the transport could not be set up.
func (m *Model) apply(s common.ConfigSaved) {
	m.setupErr = s.Err
	m.ctx.SetLang(sms.Lang(s.Config.UI.Lang))
	m.resize()
}

// resize gives the tabs the rows the frame leaves: the header (its
// lines of what fails, if any) and the tab bar above, help below.
func (m *Model) resize() {
	m.help.Width = m.w
	bodyH := m.h - lipgloss.Height(m.header()) - 1 - lipgloss.Height(m.helpView())
	if m.notice != "" {
		bodyH -= lipgloss.Height(m.noticeView())
	}
	m.bodyH = max(bodyH, 1)
	for _, t := range m.tabs {
		t.SetSize(m.w, m.bodyH)
	}
}

func (m *Model) View() string {
	body := m.drawTab()
	if m.notice != "" {
		body = m.noticeView() + "\n" + body
	}
	return m.header() + "\n" + m.tabBar() + "\n" + body + "\n" + m.helpView()
}

func (m *Model) noticeView() string {
	return m.ctx.S.Warn.Width(m.w).Render("⚠ " + m.notice)
}

// header: the account, the transport, the connection light and the
// balance, and the DEMO badge, inverse and in words, when on the
// simulator; below, wrapped, what fails and since when.
func (m *Model) header() string {
	t, s, a := m.ctx.T, m.ctx.S, m.core
	cfg := a.Config()
	var b strings.Builder
	b.WriteString(s.App.Render("smsdash"))
	if a.Demo {
		badge := " " + t.DemoBadge + " "
		if s.Plain {
			badge = "*** " + t.DemoBadge + " ***"
		}
		b.WriteString(" " + s.Demo.Render(badge))
	}
	login := sms.Safe(cfg.Account.Login)
	if login == "" {
		login = t.NoLogin
	}
	b.WriteString("  " + login + " · " + cfg.API.Transport + " · ")
	// What gives way when the line is too long: the reading's age (or
	// that there is none yet), then since when the light shows what it
	// shows.
	var line string
	for _, c := range []struct{ since, age bool }{{true, true}, {true, false}, {false, false}} {
		line = b.String() + m.light(c.since)
		if bal := m.balanceView(c.age); bal != "" {
			line += " · " + bal
		}
		if ansi.StringWidth(line) <= m.w {
			break
		}
	}
	lines := []string{common.Trunc(line, m.w)}
	if d := m.failures(); d != "" {
		lines = append(lines, d)
	}
	return strings.Join(lines, "\n")
}

// light is the connection light: online, degraded or offline in words
// and a mark (not colour alone), since when if asked.
func (m *Model) light(since bool) string {
	t, s, h := m.ctx.T, m.ctx.S, m.health
	var st lipgloss.Style
	var text string
	switch h.Level {
	case health.Unknown:
		return s.Faint.Render("… " + t.Connecting)
	case health.Online:
		st, text = s.OK, "● "+t.Online
	case health.Degraded:
		st, text = s.Warn, "◐ "+t.Degraded
	default:
		st, text = s.Err, "✗ "+t.Offline
	}
	if since {
		text += " " + m.since(h.Since)
	}
	return st.Render(text)
}

// since says when, in Minsk time: the hour today, the date before.
func (m *Model) since(at time.Time) string {
	layout := "15:04"
	if common.Minsk(at, "2006-01-02") != common.Minsk(m.ctx.Now(), "2006-01-02") {
		layout = "01-02 15:04"
	}
	return fmt.Sprintf(m.ctx.T.Since, common.Minsk(at, layout))
}

// failures says what fails, kinds with the same reason together:
// "✗ send, balance since 15:03: nothing listens at …: check the URL and
// port", wrapped, never cut, up to a quarter of the screen.
func (m *Model) failures() string {
	s, l := m.ctx.S, m.ctx.Lang()
	var texts, order []string
	kinds := map[string][]string{}
	since := map[string]time.Time{}
	for _, f := range m.health.Failed {
		why := common.ErrText(f.Err, l)
		if _, ok := kinds[why]; !ok {
			order = append(order, why)
			since[why] = f.Since
		} else if f.Since.Before(since[why]) {
			since[why] = f.Since
		}
		kinds[why] = append(kinds[why], f.Kind.Text(l))
	}
	for _, why := range order {
		texts = append(texts, "✗ "+strings.Join(kinds[why], ", ")+" "+m.since(since[why])+": "+why)
	}
	if m.setupErr != nil {
		texts = append(texts, "✗ "+common.ErrText(m.setupErr, l))
	}
	if len(texts) == 0 {
		return ""
	}
	lines := strings.Split(common.Message(s.Err, strings.Join(texts, "\n"), m.w), "\n")
	if room := max(m.h/4, 1); len(lines) > room { // a screen too small for it all
		lines[room-1] = common.Trunc(lines[room-1]+" …", m.w)
		lines = lines[:room]
	}
	return strings.Join(lines, "\n")
}

// balanceView: the last reading and, if asked, its age or that there is
// no reading yet (a failed reading shows in the light's failures, its
// reason on the Balance tab).
func (m *Model) balanceView(age bool) string {
	t, s := m.ctx.T, m.ctx.S
	p, read := m.balance.Latest()
	switch {
	case !read && !age:
		return ""
	case !read:
		return s.Faint.Render(t.NoBalanceShort)
	}
	v := fmt.Sprintf(t.CreditsShort, p.Credits)
	if m.balance.Low() {
		v = s.Warn.Render("⚠ " + v)
	}
	if !age {
		return v
	}
	return v + " " + s.Faint.Render(common.Ago(t, p.At, m.ctx.Now()))
}

// tabBar names the tabs with their keys. While a field takes the keys,
// plain digits would be typed into it, so the bar says how to get out.
func (m *Model) tabBar() string {
	bar := strings.Join(m.tabLabels(), " ")
	if m.tabs[m.active].Capturing() {
		bar += "  " + m.ctx.S.Faint.Render(m.ctx.T.TabsTyping)
	}
	return common.Trunc(bar, m.w)
}

func (m *Model) tabLabels() []string {
	return m.labels.Get(labelsKey{m.ctx.T, m.active}, m.drawLabels)
}

type labelsKey struct {
	t      *i18n.Texts // the language
	active int
}

func (m *Model) drawLabels() []string {
	t, s := m.ctx.T, m.ctx.S
	names := []string{t.TabCompose, t.TabBatch, t.TabStatus, t.TabBalance, t.TabSettings}
	parts := make([]string, len(names))
	for i, n := range names {
		label := fmt.Sprintf("%d %s", i+1, n)
		if i == m.active {
			parts[i] = s.ActiveTab.Render("[" + label + "]")
		} else {
			parts[i] = s.Tab.Render(" " + label + " ")
		}
	}
	return parts
}

// tabAt is the tab whose label covers column x of the tab bar, or -1.
func (m *Model) tabAt(x int) int {
	left := 0
	for i, p := range m.tabLabels() {
		right := left + lipgloss.Width(p)
		if x >= left && x < right {
			return i
		}
		left = right + 1 // the space between labels
	}
	return -1
}

// helpView is the help bar, each line cut to the screen: bubbles' help
// adds one more key past the edge when its "…" would not fit there.
func (m *Model) helpView() string {
	k := keyMap{m}
	return m.helpBar.Get(helpKey{k.shown(m.help.ShowAll), m.w}, func() string {
		lines := strings.Split(m.help.View(k), "\n")
		for i, l := range lines {
			lines[i] = common.Trunc(l, m.w)
		}
		return strings.Join(lines, "\n")
	})
}

type helpKey struct {
	keys  string // the keys shown, helpKey.shown
	width int
}

// shown names the keys the help bar shows (the short or full list), the
// columns of the full one apart: what the bar looks like hangs on it.
func (k keyMap) shown(full bool) string {
	var b strings.Builder
	add := func(bs []key.Binding) {
		for _, kb := range bs {
			if kb.Enabled() {
				h := kb.Help()
				b.WriteString(h.Key + "\x00" + h.Desc + "\x00")
			}
		}
		b.WriteString("\x01")
	}
	if !full {
		add(k.ShortHelp())
		return b.String()
	}
	for _, col := range k.FullHelp() {
		add(col)
	}
	return "full\x01" + b.String()
}

// keyMap joins the active tab's keys and the global ones that work now.
type keyMap struct{ m *Model }

// global: while a field has focus only alt+N and ctrl+c work; plain
// 1…5, q and ? are typed into the field. The short list leaves out what
// the frame already shows (the tab bar numbers its tabs) to fit 80
// columns.
func (k keyMap) global(full bool) []key.Binding {
	g := k.m.keys()
	typing := k.m.tabs[k.m.active].Capturing()
	switch {
	case typing && full:
		return []key.Binding{g.tabsAlt, g.quit}
	case typing:
		return []key.Binding{g.tabsAlt}
	case full:
		return []key.Binding{g.tabs, g.tabsAlt, g.quitQ, g.quit, g.help}
	}
	return []key.Binding{g.quitQ, g.help}
}

func (k keyMap) ShortHelp() []key.Binding {
	return append(k.m.tabs[k.m.active].ShortHelp(), k.global(false)...)
}

func (k keyMap) FullHelp() [][]key.Binding {
	return append(k.m.tabs[k.m.active].FullHelp(), k.global(true))
}
