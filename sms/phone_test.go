package sms

import (
	"strings"
	"testing"
)

func TestParseRecipients(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // Typed; "*" ahead marks a duplicate, "!" a rejected item
	}{
		{"commas, a number with spaces", "8(029)671-72-59, +375 33 123-45-00", []string{"8(029)671-72-59", "+375 33 123-45-00"}},
		{"CR (a terminal's paste)", "291112233\r331234567\r", []string{"291112233", "331234567"}},
		{"CRLF", "291112233\r\n331234567\r\n", []string{"291112233", "331234567"}},
		{"LF", "291112233\n331234567", []string{"291112233", "331234567"}},
		{"semicolons", "291112233;331234567; 447654321", []string{"291112233", "331234567", "447654321"}},
		{"tabs (a spreadsheet row)", "291112233\t331234567", []string{"291112233", "331234567"}},
		{"empty items skipped", " ,\r\n\r\n;291112233,, ", []string{"291112233"}},
		{"a duplicate in another form", "291112233, 80291112233", []string{"291112233", "*80291112233"}},
		{"a rejected item, then its number's twin", "12345, 291112233, 291112233", []string{"!12345", "291112233", "*291112233"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range ParseRecipients(tc.in) {
				mark := ""
				switch {
				case r.Err != nil:
					mark = "!"
				case r.Dup:
					mark = "*"
				}
				got = append(got, mark+r.Typed)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("ParseRecipients(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if r := ParseRecipients("291112233\r331234567"); len(r) != 2 || r[0].Number != "375291112233" || r[1].Number != "375331234567" {
		t.Errorf("numbers: %+v", r)
	}
}

// FuzzParseRecipients: a paste is outside input. Every item is trimmed,
// holds no separator, and is a number or says why not.
func FuzzParseRecipients(f *testing.F) {
	for _, s := range []string{"291112233\r331234567", "8(029)671-72-59;\t+375 33 123-45-00\r\n", ",,;", "+\r\n+", "29111223３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range ParseRecipients(s) {
			if r.Typed == "" || r.Typed != strings.TrimSpace(r.Typed) || strings.ContainsAny(r.Typed, ",;\t\r\n") {
				t.Errorf("item %q of %q", r.Typed, s)
			}
			if (r.Err == nil) == (r.Number == "") || (r.Dup && r.Err != nil) {
				t.Errorf("item %+v of %q", r, s)
			}
		}
	})
}
