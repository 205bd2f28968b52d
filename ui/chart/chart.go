// Package chart draws the two small charts of the dashboard with block
// characters: a stacked bar (statuses) and columns (balance history).
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

// Columns draws one column per value, scaled between lo and hi, height
// rows tall, in eighths of a cell. It returns the rows top first.
func Columns(values []float64, lo, hi float64, height int) []string {
	rows := make([][]rune, height)
	for i := range rows {
		rows[i] = make([]rune, len(values))
	}
	for x, v := range values {
		frac := 1.0
		if hi > lo {
			frac = (v - lo) / (hi - lo)
		}
		// Never empty: the lowest reading still shows as a sliver.
		level := max(1, int(frac*float64(height*8)+0.5))
		for y := range height {
			fill := min(max(level-y*8, 0), 8)
			rows[height-1-y][x] = eighths[fill]
		}
	}
	out := make([]string, height)
	for i, r := range rows {
		out[i] = string(r)
	}
	return out
}
