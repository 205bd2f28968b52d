package common

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func at(h *Hits, x, y int) int {
	if t, ok := h.At(Mouse{tea.MouseMsg{X: x, Y: y}}); ok {
		return t
	}
	return NoHit
}

// Hits: a whole line, the columns of the parts Join draws (by cells: a
// Cyrillic letter is one), a block placed below, lines cut off.
func TestHits(t *testing.T) {
	var h Hits
	h.Mark(0, 7)
	if line := h.Join(1, Part{"  ", NoHit}, Part{"Тест", 1}, Part{" ", NoHit}, Part{"[ ok ]", 2}); line != "  Тест [ ok ]" {
		t.Fatalf("Join drew %q", line)
	}
	var block Hits
	block.Mark(0, 3)
	block.Mark(2, 4)
	h.Place(block, 5)
	for _, c := range []struct{ x, y, want int }{
		{0, 0, 7}, {79, 0, 7}, {1, 1, NoHit}, {2, 1, 1}, {5, 1, 1}, {6, 1, NoHit}, {7, 1, 2}, {12, 1, 2}, {13, 1, NoHit},
		{0, 2, NoHit}, {0, 5, 3}, {0, 6, NoHit}, {0, 7, 4},
	} {
		if got := at(&h, c.x, c.y); got != c.want {
			t.Errorf("(%d, %d): %d, want %d", c.x, c.y, got, c.want)
		}
	}
	h.Keep(6)
	if at(&h, 0, 7) != NoHit || at(&h, 0, 5) != 3 {
		t.Error("Keep(6) kept line 7 or lost line 5")
	}
	h.Reset()
	if at(&h, 0, 0) != NoHit {
		t.Error("Reset kept a line")
	}
}

func TestMemoDrawsAgainOnlyForANewKey(t *testing.T) {
	var m Memo[int, string]
	draws := 0
	draw := func(s string) func() string { return func() string { draws++; return s } }
	if got := m.Get(1, draw("a")); got != "a" || draws != 1 {
		t.Fatalf("first Get = %q after %d draws", got, draws)
	}
	if got := m.Get(1, draw("b")); got != "a" || draws != 1 {
		t.Fatalf("same key: Get = %q after %d draws, want the kept %q", got, draws, "a")
	}
	if got := m.Get(2, draw("c")); got != "c" || draws != 2 {
		t.Fatalf("new key: Get = %q after %d draws", got, draws)
	}
	if got := m.Get(0, draw("d")); got != "d" || draws != 3 {
		t.Fatalf("zero key after another: Get = %q after %d draws", got, draws)
	}
}
