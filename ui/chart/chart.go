// Package chart draws the dashboard's charts: a stacked bar (statuses),
// bars (spending) and a time series line (the balance, through ntcharts).
package chart

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Part is one segment of a stacked bar. Fill is a one-cell mark (the
// status symbol), so that the bar reads without colour too.
type Part struct {
	N     int
	Fill  string
	Style lipgloss.Style
}

// Stacked draws parts side by side in width cells, each as wide as its
// share; a non-empty part gets at least one cell.
func Stacked(parts []Part, width int) string {
	total := 0
	for _, p := range parts {
		total += p.N
	}
	if total == 0 || width <= 0 {
		return ""
	}
	cells := make([]int, len(parts))
	used := 0
	for i, p := range parts {
		if p.N > 0 {
			cells[i] = max(1, p.N*width/total)
			used += cells[i]
		}
	}
	// Hand out what rounding left (or take back what minimums added),
	// largest part first.
	for used != width {
		big := 0
		for i := range parts {
			if parts[i].N > parts[big].N || cells[big] == 0 {
				big = i
			}
		}
		if used > width && cells[big] <= 1 {
			break
		}
		if used < width {
			cells[big]++
			used++
		} else {
			cells[big]--
			used--
		}
	}
	var b strings.Builder
	for i, p := range parts {
		if cells[i] > 0 {
			b.WriteString(p.Style.Render(strings.Repeat(p.Fill, cells[i])))
		}
	}
	return b.String()
}

var eighths = []rune(" ▁▂▃▄▅▆▇█")

// Bars draws one bar per value, from zero, in eighths of a cell: height
// rows of bars and a row of labels, top first. Each bar is pitch-1 cells
// wide with a gap after it; a value above zero shows at least as a
// sliver, zero as nothing. A label stands under the first cell of its
// bar where it ends a cell before the next one begins, so labels never
// collide; the others are left out.
func Bars(values []float64, labels []string, pitch, height int, bar, label lipgloss.Style) []string {
	if len(values) == 0 || pitch < 2 || height < 1 {
		return nil
	}
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	rows := make([]strings.Builder, height)
	for _, v := range values {
		level := 0
		if v > 0 {
			level = max(1, int(v/top*float64(height*8)+0.5))
		}
		for y := range height {
			cell := string(eighths[min(max(level-y*8, 0), 8)])
			rows[height-1-y].WriteString(strings.Repeat(cell, pitch-1) + " ")
		}
	}
	var under []rune
	for i, l := range labels {
		at := i * pitch
		if at < len(under) || at+len([]rune(l)) > len(values)*pitch {
			continue
		}
		under = append(under, []rune(strings.Repeat(" ", at-len(under))+l+" ")...)
	}
	out := make([]string, 0, height+1)
	for i := range rows {
		out = append(out, bar.Render(strings.TrimRight(rows[i].String(), " ")))
	}
	return append(out, label.Render(strings.TrimRight(string(under), " ")))
}
