package theme

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Without colour a bucket is told by its mark: each has its own, one cell wide.
func TestSymbolsDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, b := range Buckets {
		s := Symbol(b)
		if s == " " || ansi.StringWidth(s) != 1 {
			t.Errorf("bucket %s: mark %q", b, s)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("buckets %s and %s share the mark %q", other, b, s)
		}
		seen[s] = b
	}
	if len(symbols) != len(Buckets) {
		t.Errorf("%d marks for %d buckets", len(symbols), len(Buckets))
	}
}
