package sms

import (
	"strings"
	"testing"
)

func TestPerPart(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"Hello", 160}, {strings.Repeat("a", 161), 153},
		{"Привет", 70}, {strings.Repeat("я", 71), 67},
	} {
		if got := Measure(tc.text).PerPart(); got != tc.want {
			t.Errorf("PerPart of %d runes %q…: %d, want %d", len([]rune(tc.text)), tc.text[:3], got, tc.want)
		}
	}
}
