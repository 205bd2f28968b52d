// Package balance is the Balance tab: the account's credits, their
// history as a chart, and a warning under the configured threshold.
package balance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/chart"
	"github.com/smsdash/smsdash/ui/common"
)

// keep is how many readings the tab holds: more than any chart is wide.
const keep = 500

// Model is the Balance tab.
type Model struct {
	ctx     *common.Context
	points  []store.BalancePoint // oldest first
	loaded  bool
	loadErr error
	reading bool
	readErr error
	w, h    int
}

type (
	historyMsg struct {
		points []store.BalancePoint
		err    error
	}
	readMsg struct {
		b   tracker.Balance
		err error
	}
)

// New makes the tab.
func New(ctx *common.Context) *Model { return &Model{ctx: ctx} }

func (m *Model) Init() tea.Cmd {
	st, base := m.ctx.App.Store, m.ctx.Base
	return func() tea.Msg {
		p, err := st.Balances(base, time.Time{}, keep)
		return historyMsg{p, err}
	}
}

func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }
func (m *Model) Capturing() bool  { return false }

// Latest is the newest reading, for the header.
func (m *Model) Latest() (store.BalancePoint, bool) {
	if len(m.points) == 0 {
		return store.BalancePoint{}, false
	}
	return m.points[len(m.points)-1], true
}

// Failed is the last reading's failure, nil once one works.
func (m *Model) Failed() error { return m.readErr }

// Low reports a reading under the warning threshold (0 disables it).
func (m *Model) Low() bool {
	p, ok := m.Latest()
	warn := m.ctx.App.Config.UI.BalanceWarn
	return ok && warn > 0 && p.Credits < warn
}

func (m *Model) refreshKey() key.Binding {
	return key.NewBinding(key.WithKeys("r"), key.WithHelp("r", m.ctx.T.Refresh))
}

func (m *Model) ShortHelp() []key.Binding {
	if m.reading {
		return nil
	}
	return []key.Binding{m.refreshKey()}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case historyMsg:
		m.loaded, m.loadErr = true, msg.err
		// Readings may have come from the tracker meanwhile.
		for _, p := range m.points {
			msg.points = appendNew(msg.points, p)
		}
		m.points = msg.points
	case common.Event:
		if b := msg.Balance; b != nil {
			m.points = appendNew(m.points, store.BalancePoint{At: b.At, Credits: b.Credits})
		}
		if msg.BalanceErrSet { // the tracker's own readings
			m.readErr = msg.BalanceErr
		}
	case readMsg:
		m.reading, m.readErr = false, msg.err
		if msg.err == nil {
			m.points = appendNew(m.points, store.BalancePoint{At: msg.b.At, Credits: msg.b.Credits})
		}
	case tea.KeyMsg:
		if key.Matches(msg, m.refreshKey()) && !m.reading {
			m.reading, m.readErr = true, nil
			tr, base := m.ctx.App.Tracker, m.ctx.Base
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(base, time.Minute)
				defer cancel()
				b, err := tr.ReadBalance(ctx)
				return readMsg{b, err}
			}
		}
	}
	return nil
}

// appendNew adds p unless it is not newer than the last reading (the
// refresh key's reading also arrives from the tracker's stream).
func appendNew(ps []store.BalancePoint, p store.BalancePoint) []store.BalancePoint {
	if n := len(ps); n > 0 && !p.At.After(ps[n-1].At) {
		return ps
	}
	ps = append(ps, p)
	if len(ps) > keep {
		ps = ps[len(ps)-keep:]
	}
	return ps
}

func (m *Model) View() string {
	t, s := m.ctx.T, m.ctx.S
	var out []string
	p, ok := m.Latest()
	switch {
	case ok:
		out = append(out, s.Title.Render(fmt.Sprintf(t.Credits, p.Credits))+"  "+
			s.Faint.Render(fmt.Sprintf(t.ReadAt, common.Minsk(p.At, "2006-01-02 15:04:05"), common.Ago(t, p.At, m.ctx.Now()))))
	case !m.loaded:
		out = append(out, s.Faint.Render(t.Loading))
	default:
		out = append(out, s.Faint.Render(t.NoBalance))
	}
	if warn := m.ctx.App.Config.UI.BalanceWarn; m.Low() {
		out = append(out, s.Warn.Render("⚠ "+fmt.Sprintf(t.LowBalance, warn)))
	}
	switch {
	case m.reading:
		out = append(out, s.Faint.Render(t.Reading))
	case m.readErr != nil:
		out = append(out, s.Err.Render("✗ "+t.ReadFailed+": "+common.ErrText(m.readErr, m.ctx.Lang())))
	case m.loadErr != nil:
		out = append(out, s.Err.Render("✗ "+common.ErrText(m.loadErr, m.ctx.Lang())))
	}
	out = append(out, "", s.Title.Render(t.BalanceHistory))
	out = append(out, m.chart(m.h-len(out)-1)...)
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}

// chart draws the readings as columns with the range on the left and the
// first and last times below.
func (m *Model) chart(height int) []string {
	t, s := m.ctx.T, m.ctx.S
	if len(m.points) < 2 {
		return []string{s.Faint.Render(t.NoHistory)}
	}
	const axisW = 10
	width := max(m.w-axisW-1, 10)
	height = min(max(height-2, 2), 10)
	ps := m.points[max(len(m.points)-width, 0):]
	values := make([]float64, len(ps))
	lo, hi := ps[0].Credits, ps[0].Credits
	for i, p := range ps {
		values[i] = p.Credits
		lo, hi = min(lo, p.Credits), max(hi, p.Credits)
	}
	// Few readings get wider columns, so the chart does not huddle left.
	colW := min(max(width/len(values), 1), 4)
	rows := chart.Columns(values, lo, hi, height)
	out := make([]string, 0, height+3)
	for i, r := range rows {
		label := ""
		switch i {
		case 0:
			label = fmt.Sprintf("%.2f", hi)
		case height - 1:
			label = fmt.Sprintf("%.2f", lo)
		}
		out = append(out, s.Faint.Render(fmt.Sprintf("%*s ┤", axisW-2, label))+s.OK.Render(widen(r, colW)))
	}
	chartW := len(values) * colW
	out = append(out, s.Faint.Render(strings.Repeat(" ", axisW-1)+"└"+strings.Repeat("─", chartW)))
	first, last := common.Minsk(ps[0].At, "01-02 15:04"), common.Minsk(ps[len(ps)-1].At, "01-02 15:04")
	gap := max(chartW-len(first)-len(last), 1)
	out = append(out, s.Faint.Render(strings.Repeat(" ", axisW)+first+strings.Repeat(" ", gap)+last))
	out = append(out, s.Faint.Render(fmt.Sprintf(t.BalanceSummary, t.Readings.N(len(ps)), lo, hi)))
	return out
}

// widen repeats every cell of a chart row n times.
func widen(row string, n int) string {
	if n == 1 {
		return row
	}
	var b strings.Builder
	for _, r := range row {
		b.WriteString(strings.Repeat(string(r), n))
	}
	return b.String()
}
