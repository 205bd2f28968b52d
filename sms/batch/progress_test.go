package batch

import (
	"strings"
	"testing"
)

// A bar fills in proportion to the messages done, keeps its width in
// bounds, and never fills past its end or below its start.
func TestProgressBar(t *testing.T) {
	for _, c := range []struct {
		name  string
		p     Progress
		width int
		want  string
	}{
		{"none done", Progress{Done: 0, Total: 10}, 10, "[..........]   0%"},
		{"half", Progress{Done: 5, Total: 10}, 10, "[#####.....]  50%"},
		{"all", Progress{Done: 10, Total: 10}, 10, "[##########] 100%"},
		{"rounds down", Progress{Done: 1, Total: 3}, 10, "[###.......]  33%"},
		{"almost all is not all", Progress{Done: 199, Total: 200}, 10, "[#########.]  99%"},
		{"empty send", Progress{Done: 0, Total: 0}, 4, "[....]   0%"},
		{"more done than total", Progress{Done: 12, Total: 10}, 4, "[####] 100%"},
		{"negative done", Progress{Done: -3, Total: 10}, 4, "[....]   0%"},
		{"zero width", Progress{Done: 1, Total: 2}, 0, "[.]  50%"},
		{"negative width", Progress{Done: 2, Total: 2}, -5, "[#] 100%"},
	} {
		if got := c.p.Bar(c.width); got != c.want {
			t.Errorf("%s: Bar(%d) of %d/%d = %q, want %q", c.name, c.width, c.p.Done, c.p.Total, got, c.want)
		}
	}
	huge := Progress{Done: 1, Total: 2}.Bar(1 << 30)
	if cells := strings.Count(huge, "#") + strings.Count(huge, "."); cells != maxBar {
		t.Errorf("Bar(1<<30) has %d cells, want the bound %d", cells, maxBar)
	}
}

func TestProgressPercent(t *testing.T) {
	for _, c := range []struct {
		p    Progress
		want int
	}{
		{Progress{Done: 0, Total: 0}, 0},
		{Progress{Done: 3, Total: 0}, 0},
		{Progress{Done: 0, Total: 7}, 0},
		{Progress{Done: 7, Total: 7}, 100},
		{Progress{Done: 2, Total: 3}, 66},
		{Progress{Done: 9, Total: 7}, 100},
		{Progress{Done: -1, Total: 7}, 0},
	} {
		if got := c.p.Percent(); got != c.want {
			t.Errorf("Percent of %d/%d = %d, want %d", c.p.Done, c.p.Total, got, c.want)
		}
	}
}
