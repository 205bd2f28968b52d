// Package balance is the Balance tab: the account's credits, their
// history as a chart, and a warning under the configured threshold.
package balance

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/chart"
	"github.com/smsdash/smsdash/ui/common"
)

// keep is how many readings the tab holds: ten days at the tracker's
// one reading in five minutes, for the spending per day.
const keep = 3000

// Model is the Balance tab.
// Core is what Balance needs of the core (sms/app.App is one): the
// config now (its warning level) and a reading on demand.
type Core interface {
	Config() *config.Config
	ReadBalance(ctx context.Context) (tracker.Balance, error)
}

// History is the balance's past readings.
type History interface {
	Balances(ctx context.Context, since time.Time, limit int) ([]store.BalancePoint, error)
}

type Model struct {
	ctx     *common.Context
	core    Core
	hist    History
	points  []store.BalancePoint // oldest first
	loaded  bool
	loadErr error
	reading bool
	readErr error
	w, h    int
	drawn   struct {
		key  lineKey
		rows []string
	}
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
func New(ctx *common.Context, core Core, hist History) *Model {
	return &Model{ctx: ctx, core: core, hist: hist}
}

func (m *Model) Init() tea.Cmd {
	st, base := m.hist, m.ctx.Base
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

// Low reports a reading under the warning threshold (0 disables it).
func (m *Model) Low() bool {
	p, ok := m.Latest()
	warn := m.core.Config().UI.BalanceWarn
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
			core, base := m.core, m.ctx.Base
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(base, time.Minute)
				defer cancel()
				b, err := core.ReadBalance(ctx)
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
	if warn := m.core.Config().UI.BalanceWarn; m.Low() {
		out = append(out, s.Warn.Render("⚠ "+fmt.Sprintf(t.LowBalance, warn)))
	}
	switch {
	case m.reading:
		out = append(out, s.Faint.Render(t.Reading))
	case m.readErr != nil:
		out = append(out, strings.Split(common.Message(s.Err, "✗ "+t.ReadFailed+": "+common.ErrText(m.readErr, m.ctx.Lang()), m.w), "\n")...)
	case m.loadErr != nil:
		out = append(out, strings.Split(common.Message(s.Err, "✗ "+common.ErrText(m.loadErr, m.ctx.Lang()), m.w), "\n")...)
	}
	if len(m.points) < 2 {
		out = append(out, "", s.Title.Render(t.BalanceHistory), s.Faint.Render(t.NoHistory))
		return common.Fit(strings.Join(out, "\n"), m.w, m.h)
	}
	now := m.ctx.Now()
	out = append(out, m.spentLine(now), "")
	lo, hi := m.points[0].Credits, m.points[0].Credits
	for _, p := range m.points {
		lo, hi = min(lo, p.Credits), max(hi, p.Credits)
	}
	out = append(out, s.Title.Render(t.BalanceHistory)+"  "+s.Faint.Render(fmt.Sprintf(t.BalanceSummary, t.Readings.N(len(m.points)), lo, hi)))
	// The bars take what the line can spare: 3 rows, their labels, a
	// blank and a title.
	rest := m.h - len(out)
	const barsH = 3
	lineH := rest
	if rest >= 10+barsH+3 {
		lineH = rest - barsH - 3
	}
	out = append(out, m.line(lineH)...)
	if lineH < rest {
		out = append(out, "")
		out = append(out, m.bars(now, barsH)...)
	}
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}

// line is the balance history as a line the width of the tab, drawn
// again only when the readings or the size change (ntcharts renders cell
// by cell: milliseconds for a full history).
func (m *Model) line(h int) []string {
	key := lineKey{len(m.points), m.points[0].At, m.points[len(m.points)-1].At, m.w, h}
	if key == m.drawn.key {
		return m.drawn.rows
	}
	pts := make([]chart.Point, len(m.points))
	for i, p := range m.points {
		pts[i] = chart.Point{At: p.At, V: p.Credits}
	}
	s := m.ctx.S
	m.drawn.key, m.drawn.rows = key, chart.Line(pts, m.w, h, chart.LineStyles{Axis: s.Faint, Line: s.OK})
	return m.drawn.rows
}

// lineKey tells one drawing of the line from another: readings only
// come newer, and the oldest go past keep.
type lineKey struct {
	n           int
	first, last time.Time
	w, h        int
}

// spentLine says what today and this hour cost, Minsk time.
func (m *Model) spentLine(now time.Time) string {
	t := m.ctx.T
	today, _ := spending(m.points, day(now), 24*time.Hour, 1)
	thisHour, _ := spending(m.points, hour(now), time.Hour, 1)
	return m.ctx.S.Faint.Render(fmt.Sprintf(t.SpentNow, today[0], thisHour[0]))
}

// bars is the spending per hour, or per day once the history is longer
// than two days, as many as the width holds up to now.
func (m *Model) bars(now time.Time, h int) []string {
	t, s := m.ctx.T, m.ctx.S
	title, unit, pitch, layout, period := t.SpentPerHour, time.Hour, 3, "15", hour
	if now.Sub(m.points[0].At) > 48*time.Hour {
		title, unit, pitch, layout, period = t.SpentPerDay, 24*time.Hour, 6, "01-02", day
	}
	// From the first reading's period at most: before it nothing is known.
	start := period(now)
	n := max(min(m.w/pitch, int(start.Sub(period(m.points[0].At))/unit)+1), 1)
	start = start.Add(-time.Duration(n-1) * unit)
	spent, topUps := spending(m.points, start, unit, n)
	labels := make([]string, n)
	most := 0.0
	for i := range spent {
		labels[i] = common.Minsk(start.Add(time.Duration(i)*unit), layout)
		most = max(most, spent[i])
	}
	head := s.Title.Render(title) + "  "
	if most > 0 {
		head += s.Faint.Render(fmt.Sprintf(t.SpentMost, most))
	} else {
		head += s.Faint.Render(t.NothingSpent)
	}
	if topUps > 0 {
		head += s.Faint.Render(" · " + fmt.Sprintf(t.TopUps, topUps))
	}
	return append([]string{head}, chart.Bars(spent, labels, pitch, h, s.Warn, s.Faint)...)
}

// hour is the start of t's hour (Minsk is a whole number of hours
// ahead of UTC).
func hour(t time.Time) time.Time { return t.Truncate(time.Hour) }

// day is the start of t's day in Minsk.
func day(t time.Time) time.Time {
	y, mo, d := t.In(sms.Minsk).Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, sms.Minsk)
}

// spending adds up what the balance fell by in n periods of unit from
// start: a fall between two readings counts in the period of the later
// one (when it was seen), a rise is a top-up and counts apart, not as
// spending. Minsk keeps one offset all year, so days are 24 hours.
func spending(ps []store.BalancePoint, start time.Time, unit time.Duration, n int) (spent []float64, topUps float64) {
	spent = make([]float64, n)
	from := sort.Search(len(ps), func(i int) bool { return !ps[i].At.Before(start) })
	for i := max(from, 1); i < len(ps); i++ {
		k := int(ps[i].At.Sub(start) / unit)
		if k >= n {
			break
		}
		switch d := ps[i-1].Credits - ps[i].Credits; {
		case d > 0:
			spent[k] += d
		case d < 0:
			topUps -= d
		}
	}
	return spent, topUps
}
