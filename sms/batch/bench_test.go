package batch

import (
	"context"
	"testing"

	"github.com/smsdash/smsdash/sms/config"
)

const benchRows = 100_000

// BenchmarkImportCheck100k reads a 100,000-row semicolon CSV of messy
// numbers, fills a template and checks every row. Target: < 0.5 s, < 150 MB.
func BenchmarkImportCheck100k(b *testing.B) {
	path := writeFile(b, "list.csv", messyCSV(benchRows, 1))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t, err := Read(path, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		tpl, err := ParseTemplate("Здравствуйте, {Имя}! К оплате {Сумма} руб. до 25.12.", t.Columns)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Check(t, Plan{PhoneCol: GuessPhoneColumn(t), TextCol: -1, Template: tpl, Sender: "CMC"})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Messages) < benchRows*9/10 || len(r.Invalid) == 0 || r.Duplicates == 0 {
			b.Fatalf("%d messages, %d invalid, %d duplicates", len(r.Messages), len(r.Invalid), r.Duplicates)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSend100k sends 100,000 checked messages through the JSON API
// to the in-process simulator, recorded in a temporary history. Target:
// < 1.5 s.
func BenchmarkSend100k(b *testing.B) {
	t, err := Read(writeFile(b, "list.csv", messyCSV(benchRows, 2)), ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	tpl, err := ParseTemplate("Здравствуйте, {Имя}! К оплате {Сумма} руб.", t.Columns)
	if err != nil {
		b.Fatal(err)
	}
	r, err := Check(t, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		a, _ := testApp(b, simOptions(), config.DefaultBatchSize)
		b.StartTimer()
		sum, err := Send(context.Background(), a, a.Store, r, SendOptions{Name: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Accepted != len(r.Messages) {
			b.Fatalf("accepted %d of %d: %v", sum.Accepted, len(r.Messages), sum.Err)
		}
	}
	b.ReportMetric(float64(len(r.Messages)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}
