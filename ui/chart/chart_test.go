package chart

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms"
)

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func series(values ...float64) []Point {
	pts := make([]Point, len(values))
	for i, v := range values {
		pts[i] = Point{At: t0.Add(time.Duration(i) * 5 * time.Minute), V: v}
	}
	return pts
}

// plotRows are the rows of a Line chart that hold a mark of the line:
// the value rows, right of the axis.
func plotRows(t *testing.T, rows []string) []int {
	t.Helper()
	axis := strings.IndexAny(rows[0], "├│┤")
	if axis < 0 {
		t.Fatalf("no axis in %q", rows[0])
	}
	var marked []int
	for i, r := range rows[:len(rows)-2] { // not the time axis nor its labels
		if strings.TrimSpace(string([]rune(r)[len([]rune(r[:axis]))+1:])) != "" {
			marked = append(marked, i)
		}
	}
	return marked
}

var plain = LineStyles{Axis: lipgloss.NewStyle(), Line: lipgloss.NewStyle()}

// TestAxisDrop: a 2-credit drop from 100 takes at most half the height;
// the axis holds the values and stays above zero.
func TestAxisDrop(t *testing.T) {
	lo, hi, step := Axis(98, 100, 4)
	if lo > 98 || hi < 100 || lo < 0 || hi-lo != 4*step {
		t.Fatalf("Axis(98, 100) = %v..%v step %v", lo, hi, step)
	}
	if 2/(hi-lo) > 0.5 {
		t.Errorf("a 2-credit drop fills %.0f%% of %v..%v", 200/(hi-lo), lo, hi)
	}
	rows := Line(series(100, 100, 100, 99, 98, 98, 98), 80, 10, plain)
	if got := plotRows(t, rows); len(got) > 4 {
		t.Errorf("the drop marks rows %v of 8:\n%s", got, strings.Join(rows, "\n"))
	}
}

// TestAxisFlat: a flat balance is one flat line in the middle rows, not
// full bars.
func TestAxisFlat(t *testing.T) {
	lo, hi, _ := Axis(50, 50, 4)
	if !(lo < 50 && 50 < hi) {
		t.Errorf("Axis(50, 50) = %v..%v: the line would sit on an edge", lo, hi)
	}
	rows := Line(series(50, 50, 50, 50, 50, 50), 80, 10, plain)
	got := plotRows(t, rows)
	if len(got) != 1 || got[0] == 0 || got[0] == 7 {
		t.Errorf("a flat line marks rows %v:\n%s", got, strings.Join(rows, "\n"))
	}
	if v := strings.Join(rows, "\n"); strings.Contains(v, "█") {
		t.Errorf("full bars:\n%s", v)
	}
	// Zero stays the bottom of a flat zero balance.
	if lo, hi, _ := Axis(0, 0, 4); lo != 0 || hi <= 0 {
		t.Errorf("Axis(0, 0) = %v..%v", lo, hi)
	}
}

// TestAxisProperty: over random ranges, the axis holds the values in
// ticks round steps, at or above zero for values that are.
func TestAxisProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := r.Float64()*math.Pow(10, float64(r.IntN(6))), r.Float64()*100
		lo, hi := min(a, a-b*r.Float64()), a
		if r.IntN(4) == 0 {
			lo = hi // flat
		}
		ticks := 1 + r.IntN(8)
		bottom, top, step := Axis(lo, hi, ticks)
		if bottom > lo || top < hi || (lo >= 0 && bottom < 0) {
			t.Fatalf("Axis(%v, %v, %d) = %v..%v", lo, hi, ticks, bottom, top)
		}
		if math.Abs(top-bottom-step*float64(ticks)) > 1e-9*top {
			t.Fatalf("Axis(%v, %v, %d) = %v..%v: not %d steps of %v", lo, hi, ticks, bottom, top, ticks, step)
		}
		if m := step / math.Pow(10, math.Floor(math.Log10(step))); !near(m, 1, 2, 2.5, 5) {
			t.Fatalf("step %v is not round", step)
		}
	}
}

func near(x float64, of ...float64) bool {
	for _, o := range of {
		if math.Abs(x-o) < 1e-9 {
			return true
		}
	}
	return false
}

// TestLineWidth: the chart takes the width it is given, every row.
func TestLineWidth(t *testing.T) {
	for _, w := range []int{80, 120} {
		rows := Line(series(100, 99, 97, 97, 96), w, 10, plain)
		if len(rows) != 10 {
			t.Fatalf("width %d: %d rows", w, len(rows))
		}
		for i, r := range rows {
			if got := ansi.StringWidth(r); got != w {
				t.Errorf("width %d: row %d is %d wide: %q", w, i, got, r)
			}
		}
		if axis := rows[8]; !strings.HasSuffix(axis, "─") {
			t.Errorf("width %d: the time axis stops short: %q", w, axis)
		}
	}
}

// TestLineLabels: over random reading sets, sizes and spans, the time
// labels never run into each other: every word under the axis is one
// whole label, in time order, within the readings' span.
func TestLineLabels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for c := range 300 {
		n := 2 + r.IntN(80)
		span := time.Minute + time.Duration(r.Int64N(int64(20*24*time.Hour)))
		at := t0.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		pts := make([]Point, n)
		for i := range pts {
			pts[i] = Point{At: at.Add(span * time.Duration(i) / time.Duration(n-1)), V: 1000 * r.Float64()}
		}
		w, h := 20+r.IntN(180), 4+r.IntN(20)
		rows := Line(pts, w, h, plain)
		if len(rows) != h-h%2 {
			t.Fatalf("case %d: %d rows for height %d", c, len(rows), h)
		}
		layout := TimeLayout(span)
		first, last := pts[0].At.In(sms.Minsk), pts[n-1].At.In(sms.Minsk)
		lo, _ := time.ParseInLocation(layout, first.Format(layout), sms.Minsk)
		hi, _ := time.ParseInLocation(layout, last.Format(layout), sms.Minsk)
		labels := strings.Fields(rows[len(rows)-1])
		if len(labels) == 0 {
			t.Fatalf("case %d: no time label:\n%s", c, strings.Join(rows, "\n"))
		}
		var prev time.Time
		for i, l := range labels {
			// A label parses alone and lies in the span (by its layout's
			// precision; the year is not shown, so a span across New
			// Year may wrap).
			got, err := time.ParseInLocation(layout, l, sms.Minsk)
			if err != nil {
				t.Fatalf("case %d: %q is not one label (%s):\n%s", c, l, layout, strings.Join(rows, "\n"))
			}
			if wraps := hi.Before(lo); !wraps && (got.Before(lo) || got.After(hi) || (i > 0 && !got.After(prev))) {
				t.Fatalf("case %d: label %q out of order or span %s..%s: %q", c, l, first, last, rows[len(rows)-1])
			}
			prev = got
		}
		for i, row := range rows {
			if got := ansi.StringWidth(row); got != w {
				t.Fatalf("case %d: row %d is %d wide, not %d", c, i, got, w)
			}
		}
	}
}

// TestBars: a bar per value from zero: nothing for zero, a sliver for a
// little, the full height for the most.
func TestBars(t *testing.T) {
	rows := Bars([]float64{0, 0.01, 3, 6}, []string{"12", "13", "14", "15"}, 3, 2, lipgloss.NewStyle(), lipgloss.NewStyle())
	want := []string{
		"         ██",
		"   ▁▁ ██ ██",
		"12 13 14 15",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

// TestBarsLabels: over random bars and labels, each label shown stands
// whole under its own bar, apart from the next.
func TestBarsLabels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for c := range 300 {
		n, pitch := 1+r.IntN(40), 2+r.IntN(6)
		values, labels := make([]float64, n), make([]string, n)
		for i := range values {
			values[i] = r.Float64() * 10
			labels[i] = strings.Repeat(string(rune('a'+i%26)), 1+r.IntN(7))
		}
		rows := Bars(values, labels, pitch, 3, lipgloss.NewStyle(), lipgloss.NewStyle())
		under := rows[len(rows)-1]
		if len(under) > n*pitch {
			t.Fatalf("case %d: labels run past the bars: %q", c, under)
		}
		for at := 0; at < len(under); {
			if under[at] == ' ' {
				at++
				continue
			}
			end := at + strings.IndexByte(under[at:]+" ", ' ')
			word, i := under[at:end], at/pitch
			if at%pitch != 0 || word != labels[i] {
				t.Fatalf("case %d: %q at %d is not bar %d's label %q: %q", c, word, at, i, labels[i], under)
			}
			at = end
		}
	}
}
