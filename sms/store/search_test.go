package store

import (
	"fmt"
	"slices"
	"testing"

	"github.com/smsdash/smsdash/sms"
)

// searchFixture records 40 messages: even ones in a batch, every fifth
// to a 33 number, the texts in Russian with capitals; ids 1..40. Odd ids
// are Delivered, even ones Sent.
func searchFixture(t *testing.T) (*Store, int64) {
	t.Helper()
	s := openTest(t)
	batch, err := s.CreateBatch(ctx, "b", "ann", "json", 20)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 40; i++ {
		to := fmt.Sprintf("3752967%05d", i)
		if i%5 == 0 {
			to = fmt.Sprintf("3753312%05d", i)
		}
		text := fmt.Sprintf("Ваш КОД подтверждения: %04d", i)
		if i%3 == 0 {
			text = fmt.Sprintf("Заказ №%d готов. Hello", i)
		}
		var b int64
		if i%2 == 0 {
			b = batch
		}
		ids, err := addPending(s, ctx, b, "ann", "json", []sms.Message{{To: to, Text: text, Sender: "CMC"}})
		if err != nil || ids[0] != int64(i) {
			t.Fatalf("message %d: %v, %v", i, ids, err)
		}
		if err := s.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: int64(1000 + i), Parts: 1}}); err != nil {
			t.Fatal(err)
		}
		st := sms.Sent
		if i%2 == 1 {
			st = sms.Delivered
		}
		if _, err := s.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: int64(1000 + i), Status: st, Parts: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	return s, batch
}

func ids(t *testing.T, s *Store, f Filter) []int64 {
	t.Helper()
	rows, err := s.Latest(ctx, f)
	if err != nil {
		t.Fatalf("Latest(%+v): %v", f, err)
	}
	out := []int64{}
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// want lists the ids 40..1 for which keep holds.
func want(keep func(i int64) bool) []int64 {
	out := []int64{}
	for i := int64(40); i >= 1; i-- {
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}

func TestSearchNumber(t *testing.T) {
	s, _ := searchFixture(t)
	to33 := func(i int64) bool { return i%5 == 0 }
	for _, c := range []struct {
		typed string
		want  []int64
	}{
		// A whole number in any typed form.
		{"8(029)670-00-07", []int64{7}},
		{"+375 29 670 00 07", []int64{7}},
		// The start of a number: 80… and (0… stand for 375.
		{"8033", want(to33)},
		{"8 (033) 12", want(to33)},
		{"(033) 1", want(to33)},
		{"+375 33", want(to33)},
		{"37533", want(to33)},
		{"80", want(func(int64) bool { return true })},
		{"8029 670 000", want(func(i int64) bool { return i < 10 && !to33(i) })},
		// Other digits are found anywhere.
		{"0012", []int64{12}},
		{"3312", want(to33)},
		{"2967 00003", []int64{3}},
		// Neither a prefix nor digits: nothing.
		{"+44", []int64{}},
		{"abc", []int64{}},
	} {
		if got := ids(t, s, Filter{Recipient: c.typed}); !slices.Equal(got, c.want) {
			t.Errorf("number %q: %v, want %v", c.typed, got, c.want)
		}
	}
}

func TestSearchText(t *testing.T) {
	s, _ := searchFixture(t)
	order := func(i int64) bool { return i%3 == 0 }
	code := func(i int64) bool { return i%3 != 0 }
	for _, c := range []struct {
		search string
		want   []int64
	}{
		{"код подтверждения", want(code)}, // Cyrillic, case folded
		{"КОД ПОДТВ", want(code)},
		{"ПОДТВЕРЖДЕНИЯ: 0007", []int64{7}},
		{"заказ", want(order)},
		{"hello", want(order)},
		{"№12 ", []int64{12}},
		{"готов. h", want(order)},
		{`"`, []int64{}}, // an FTS5 quote is a character like any other
		{`a"b"c`, []int64{}},
		{"NEAR(", []int64{}},
		// Shorter than a trigram: as typed, lower, upper or capitalised.
		{"ко", want(code)},
		{"№1", []int64{18, 15, 12}},
		{"зА", want(order)},
		{"яЗ", []int64{}},
		{"z", []int64{}},
	} {
		if got := ids(t, s, Filter{Search: c.search}); !slices.Equal(got, c.want) {
			t.Errorf("search %q: %v, want %v", c.search, got, c.want)
		}
	}
}

// The filters combine, the counts agree with the rows, and the pages
// walk the matching rows without a gap or an overlap in both directions.
func TestSearchCombinedAndPaged(t *testing.T) {
	s, batch := searchFixture(t)
	f := Filter{BatchID: batch, Recipient: "8029", Search: "код"}
	match := func(i int64) bool { return i%2 == 0 && i%5 != 0 && i%3 != 0 }
	all := want(match)
	if got := ids(t, s, f); !slices.Equal(got, all) {
		t.Fatalf("batch, number and text: %v, want %v", got, all)
	}
	counts, err := s.CountsFor(ctx, f)
	if err != nil || counts["Sent"] != len(all) || len(counts) != 1 {
		t.Errorf("CountsFor = %v, %v; want Sent %d", counts, err, len(all))
	}
	g := f
	g.Status = "Delivered"
	if got := ids(t, s, g); len(got) != 0 {
		t.Errorf("with status Delivered (the batch's are Sent): %v", got)
	}
	g = Filter{Status: "delivered", Search: "заказ"}
	if got, w := ids(t, s, g), want(func(i int64) bool { return i%3 == 0 && i%2 == 1 }); !slices.Equal(got, w) {
		t.Errorf("status and text: %v, want %v", got, w)
	}

	for _, page := range []int{1, 2, 3, 100} {
		var down []int64
		p := f
		p.Limit = page
		for range 100 {
			got := ids(t, s, p)
			down = append(down, got...)
			if len(got) < page {
				break
			}
			p.BeforeID = got[len(got)-1]
		}
		if !slices.Equal(down, all) {
			t.Errorf("pages of %d down: %v, want %v", page, down, all)
		}
		var up []int64
		p = f
		p.Limit, p.OldestFirst = page, true
		for range 100 {
			got := ids(t, s, p)
			up = append(up, got...)
			if len(got) < page {
				break
			}
			p.AfterID = got[len(got)-1]
		}
		slices.Reverse(up)
		if !slices.Equal(up, all) {
			t.Errorf("pages of %d up: %v, want %v", page, up, all)
		}
	}
	// Counting the rows above one, as a list does to know where it is.
	above := f
	above.AfterID = all[2]
	if c, _ := s.CountsFor(ctx, above); c["Sent"] != 2 {
		t.Errorf("rows above %d: %v, want 2", all[2], c)
	}
}

// Messages recorded after a search are found by the next one, also when
// another process recorded them; a new file indexes its old texts at the
// first search.
func TestSearchIndexFollows(t *testing.T) {
	path := newTarget(t)
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.AddQueued(ctx, 0, "ann", "json", []sms.Message{{To: "375291111111", Text: "Первое СООБЩЕНИЕ", Sender: "CMC"}}); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, a, Filter{Search: "сообщение"}); !slices.Equal(got, []int64{1}) {
		t.Fatalf("first search: %v", got)
	}
	if _, err := b.AddQueued(ctx, 0, "bob", "json", []sms.Message{{To: "375292222222", Text: "Второе сообщение", Sender: "CMC"}}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Store{a, b} {
		if got := ids(t, s, Filter{Search: "сообщение"}); !slices.Equal(got, []int64{2, 1}) {
			t.Errorf("after another process's send: %v", got)
		}
	}
	var upto int64
	if err := a.r.QueryRow(`SELECT upto FROM text_indexed`).Scan(&upto); err != nil || upto != 2 {
		t.Errorf("indexed up to %d, %v", upto, err)
	}
	// Steps of textIndexStep: a history longer than one is indexed whole.
	long := msgs(textIndexStep + 10)
	if _, err := a.AddQueued(ctx, 0, "ann", "json", long); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, b, Filter{Search: "text " + itoa(textIndexStep+9)}); !slices.Equal(got, []int64{textIndexStep + 12}) {
		t.Errorf("the last of a long send: %v", got)
	}
}

func TestReadNote(t *testing.T) {
	for _, c := range []struct {
		note, kind string
		id         int64
		agent      string
	}{
		{resentNote(12, ""), "resent", 12, ""},
		{resentNote(12, "ann lee"), "resent", 12, "ann lee"},
		{markedNote(""), "marked", 0, ""},
		{markedNote("bob"), "marked", 0, "bob"},
		{Interrupted, "", 0, ""},
		{"resent as #x", "", 0, ""},
	} {
		kind, id, agent := ReadNote(c.note)
		if kind != c.kind || id != c.id || agent != c.agent {
			t.Errorf("ReadNote(%q) = %q, %d, %q", c.note, kind, id, agent)
		}
	}
}
