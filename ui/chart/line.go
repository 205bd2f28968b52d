package chart

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	tslc "github.com/NimbleMarkets/ntcharts/linechart/timeserieslinechart"
	"github.com/charmbracelet/lipgloss"

	"github.com/smsdash/smsdash/sms"
)

// Point is one reading of a time series.
type Point struct {
	At time.Time
	V  float64
}

// LineStyles are the styles of a line chart: the axes with their labels,
// and the line.
type LineStyles struct{ Axis, Line lipgloss.Style }

// yStep is how many rows apart the value labels stand.
const yStep = 2

// Line draws points (oldest first) as a line w cells wide and h rows
// tall, rows top first: the values on the left against a round axis
// (Axis), the Minsk times below, each label whole and apart from the
// next. ntcharts draws it; nil when there is too little to draw.
func Line(pts []Point, w, h int, st LineStyles) []string {
	if len(pts) < 2 || w < 20 || h < 4 {
		return nil
	}
	// The value rows (h less the axis and the times) come in pairs, so
	// that the top row has its label too.
	h -= h % 2
	lo, hi := pts[0].V, pts[0].V
	for _, p := range pts {
		lo, hi = min(lo, p.V), max(hi, p.V)
	}
	lo, hi, step := Axis(lo, hi, (h-2)/yStep)
	first, last := pts[0].At, pts[len(pts)-1].At
	if !last.After(first) {
		last = first.Add(time.Minute)
	}
	layout := TimeLayout(last.Sub(first))
	decimals := Decimals(step)
	c := tslc.New(w, h,
		tslc.WithYRange(lo, hi),
		tslc.WithTimeRange(first, last),
		tslc.WithXYSteps(len(layout)+3, yStep),
		tslc.WithLineStyle(runes.ThinLineStyle),
		tslc.WithStyle(st.Line),
		tslc.WithAxesStyles(st.Axis, st.Axis),
		tslc.WithXLabelFormatter(func(_ int, v float64) string {
			return time.Unix(int64(math.Round(v)), 0).In(sms.Minsk).Format(layout)
		}),
		tslc.WithYLabelFormatter(func(_ int, v float64) string {
			return strconv.FormatFloat(v, 'f', decimals, 64)
		}),
	)
	for _, p := range pts {
		c.Push(tslc.TimePoint{Time: p.At, Value: p.V})
	}
	c.Draw()
	return strings.Split(c.View(), "\n")
}

// TimeLayout is how the time labels of a span read: the time of day
// within a day, the date beyond. Neither has a space, so that labels
// separated by one read apart.
func TimeLayout(span time.Duration) string {
	if span <= 24*time.Hour {
		return "15:04"
	}
	return "01-02"
}

// Axis picks the range of a value axis: ticks equal round steps (1, 2,
// 2.5 or 5 times a power of ten) that hold lo..hi. The range spans at
// least a twentieth of the values' size (and at least 1), centred on
// them, so that a small change does not fill the height and a flat line
// draws in the middle; it stays at or above zero when the values do.
func Axis(lo, hi float64, ticks int) (bottom, top, step float64) {
	ticks = max(ticks, 1)
	floor := max(max(math.Abs(lo), math.Abs(hi))/20, 1)
	if span := hi - lo; span < floor {
		mid := (lo + hi) / 2
		a, b := mid-floor/2, mid+floor/2
		if a < 0 && lo >= 0 {
			a, b = 0, b-a
		}
		lo, hi = a, b
	}
	for step = round((hi - lo) / float64(ticks)); ; step = round(step * 1.01) {
		// Centred on the values, from a whole step, else from half a
		// step (a range across zero in one tick has no whole-step
		// bottom), never below a zero the values do not go under.
		for _, at := range []float64{step, step / 2} {
			bottom = math.Floor(((lo+hi)/2-step*float64(ticks)/2)/at) * at
			if lo >= 0 {
				bottom = max(bottom, 0)
			}
			if top = bottom + step*float64(ticks); bottom <= lo && top >= hi {
				return bottom, top, step
			}
		}
	}
}

// round is the smallest 1, 2, 2.5 or 5 times a power of ten at least x.
func round(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// Decimals is how many decimals the multiples of step need (at most 2).
func Decimals(step float64) int {
	for d := range 2 {
		v := step * math.Pow(10, float64(d))
		if math.Abs(v-math.Round(v)) < 1e-6 {
			return d
		}
	}
	return 2
}
