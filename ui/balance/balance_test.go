package balance

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/theme"
)

// minsk is a Minsk wall-clock time on 2026-11-24.
func minsk(hh, mm int) time.Time { return time.Date(2026, 11, 24, hh, mm, 0, 0, sms.Minsk) }

// newTab is the tab without a store, its readings handed in.
func newTab(tb testing.TB, now time.Time, w, h int, ps ...store.BalancePoint) *Model {
	tb.Helper()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	m := New(&common.Context{
		Session: app.Session{Lang: sms.EN}, T: i18n.For(sms.EN), S: theme.New(r),
		Now: func() time.Time { return now }, Base: context.Background(),
	}, offline{config.Default()}, nil)
	m.Update(historyMsg{points: ps})
	m.SetSize(w, h)
	return m
}

// offline is a core whose balance cannot be read.
type offline struct{ cfg *config.Config }

func (o offline) Config() *config.Config { return o.cfg }

func (offline) ReadBalance(context.Context) (tracker.Balance, error) {
	return tracker.Balance{}, errors.New("offline")
}

// every makes readings 5 minutes apart from at.
func every(at time.Time, credits ...float64) []store.BalancePoint {
	ps := make([]store.BalancePoint, len(credits))
	for i, c := range credits {
		ps[i] = store.BalancePoint{At: at.Add(time.Duration(i) * 5 * time.Minute), Credits: c}
	}
	return ps
}

// TestSpending: what the balance fell by, per hour and per Minsk day;
// a top-up is counted apart, never as spending.
func TestSpending(t *testing.T) {
	ps := []store.BalancePoint{
		{At: minsk(9, 50), Credits: 100},
		{At: minsk(10, 5), Credits: 98},   // 10:00 -2
		{At: minsk(10, 40), Credits: 97},  // 10:00 -1
		{At: minsk(11, 10), Credits: 150}, // a top-up of 53
		{At: minsk(11, 30), Credits: 149}, // 11:00 -1
		{At: minsk(11, 35), Credits: 149},
		{At: minsk(13, 0), Credits: 145}, // 13:00 -4 (12:00 had no reading)
	}
	spent, topUps := spending(ps, minsk(9, 0), time.Hour, 5)
	if want := []float64{0, 3, 1, 0, 4}; !equal(spent, want) || topUps != 53 {
		t.Errorf("per hour %v, top-ups %v; want %v, 53", spent, topUps, want)
	}
	// The fall seen at 00:10 is the new day's, Minsk time, whatever the
	// zone of the readings.
	ps = []store.BalancePoint{
		{At: minsk(23, 0).UTC(), Credits: 50},
		{At: minsk(23, 50).UTC(), Credits: 48},
		{At: minsk(24, 10).UTC(), Credits: 45},
		{At: minsk(48, 10).UTC(), Credits: 40},
	}
	spent, topUps = spending(ps, day(minsk(23, 0)), 24*time.Hour, 2)
	if want := []float64{2, 3}; !equal(spent, want) || topUps != 0 {
		t.Errorf("per day %v, top-ups %v; want %v (the third day is left out)", spent, topUps, want)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSpentShown: the tab says today's and this hour's spending and
// shows the hours as bars, the top-up apart.
func TestSpentShown(t *testing.T) {
	ps := append(every(minsk(13, 0), 100, 99, 99, 97), every(minsk(14, 0), 150, 148)...)
	v := newTab(t, minsk(14, 30), 80, 21, ps...).View()
	for _, want := range []string{"Spent today 5.00 · this hour 2.00", "Spent per hour  most 3.00 · topped up +53.00", "13 14"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

// chartRows are the value rows of the line in a view: between the
// History title and the time axis.
func chartRows(t *testing.T, v string) []string {
	t.Helper()
	lines := strings.Split(v, "\n")
	start, end := -1, -1
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "History"):
			start = i + 1
		case start >= 0 && end < 0 && axis.MatchString(l):
			end = i
		}
	}
	if start < 0 || end < 0 {
		t.Fatalf("no chart in\n%s", v)
	}
	return lines[start:end]
}

// marked counts the rows that hold a mark right of the value axis.
func marked(rows []string) int {
	n := 0
	for _, r := range rows {
		if i := strings.IndexAny(r, "├│┤"); i >= 0 && strings.TrimSpace(r[i+len("│"):]) != "" {
			n++
		}
	}
	return n
}

// TestChartAxis: a 2-credit drop from 100 does not fill the height, and
// a flat balance is one flat line, not full bars.
func TestChartAxis(t *testing.T) {
	drop := newTab(t, minsk(15, 0), 80, 21, every(minsk(13, 0), 100, 100, 100, 99, 98, 98)...).View()
	if rows := chartRows(t, drop); marked(rows) > len(rows)/2 {
		t.Errorf("a 2-credit drop marks %d of %d rows:\n%s", marked(rows), len(rows), drop)
	}
	flat := newTab(t, minsk(15, 0), 80, 21, every(minsk(13, 0), 42, 42, 42, 42)...).View()
	if rows := chartRows(t, flat); marked(rows) != 1 || strings.Contains(flat, "█") {
		t.Errorf("a flat balance marks %d of %d rows:\n%s", marked(rows), len(rows), flat)
	}
}

// axis is the time axis of the line: the lowest value, then the corner.
var axis = regexp.MustCompile(`^ *[0-9.]+└─`)

// TestChartWidth: the chart is as wide as the terminal.
func TestChartWidth(t *testing.T) {
	for _, w := range []int{80, 120} {
		v := newTab(t, minsk(15, 0), w, 21, every(minsk(13, 0), 100, 99, 97, 97, 96)...).View()
		axes := 0
		for _, l := range strings.Split(v, "\n") {
			if axis.MatchString(l) {
				axes++
				if got := ansi.StringWidth(strings.TrimRight(l, " ")); got != w {
					t.Errorf("width %d: the time axis is %d wide: %q", w, got, l)
				}
			}
		}
		if axes != 1 {
			t.Errorf("width %d: %d time axes:\n%s", w, axes, v)
		}
	}
}

// TestDaysPast48Hours: a history longer than two days shows spending
// per day.
func TestDaysPast48Hours(t *testing.T) {
	ps := append(every(minsk(10, 0).Add(-72*time.Hour), 100, 90), every(minsk(10, 0), 80, 75)...)
	v := newTab(t, minsk(12, 0), 80, 21, ps...).View()
	if strings.Contains(v, "11-20") {
		t.Errorf("a day before the first reading:\n%s", v)
	}
	if !strings.Contains(v, "Spent per day  most 15.00") || !strings.Contains(v, "11-21 ") || !strings.Contains(v, "11-24") {
		t.Errorf("no days:\n%s", v)
	}
}

// BenchmarkView: the tab with a full history (keep readings) at 120x40.
func BenchmarkView(b *testing.B) {
	credits := make([]float64, keep)
	for i := range credits {
		credits[i] = 5000 - float64(i%700)
	}
	m := newTab(b, minsk(12, 0), 120, 40, every(minsk(12, 0).Add(-keep*5*time.Minute), credits...)...)
	for b.Loop() {
		m.View()
	}
}
