package batch

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"

	"github.com/smsdash/smsdash/sms"
)

// list is the same small list in every file form below.
var list = [][]string{
	{"Телефон", "Имя", "Сумма"},
	{"8(029)671-72-59", "Иван", "12,50"},
	{"+375 33 123-45-67", "Ольга; Петровна", "7"},
	{"296717258", "Сергей \"Серый\"", "0"},
	{"(44)765-43-21", "Анна\nМария", "100"},
}

// csvText writes list with a delimiter, quoting as Excel does.
func csvText(rows [][]string, delim string) string {
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString(delim)
			}
			if strings.ContainsAny(c, delim+"\"\n,;\t") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

func TestReadEncodingsAndDelimiters(t *testing.T) {
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, delim := range []string{",", ";", "\t"} {
		text := csvText(list, delim)
		for _, c := range []struct {
			enc  string
			data []byte
		}{
			{"UTF-8", []byte(text)},
			{"UTF-8 with BOM", append([]byte("\xEF\xBB\xBF"), text...)},
			{"Windows-1251", cp1251(t, text)},
			{"UTF-16LE", utf16(text)},
		} {
			t.Run(fmt.Sprintf("%s/%q", c.enc, delim), func(t *testing.T) {
				tb, err := Read(writeFile(t, "list.csv", c.data), ReadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if tb.Encoding != c.enc || tb.Delimiter != delimName(rune(delim[0])) || !tb.Header || tb.Format != "csv" {
					t.Errorf("encoding %q delimiter %q header %v", tb.Encoding, tb.Delimiter, tb.Header)
				}
				if !reflect.DeepEqual(tb.Columns, list[0]) {
					t.Errorf("columns %q", tb.Columns)
				}
				if len(tb.Rows) != len(list)-1 {
					t.Fatalf("%d rows", len(tb.Rows))
				}
				for i, r := range tb.Rows {
					if !reflect.DeepEqual(r.Cells, list[i+1]) {
						t.Errorf("row %d: %q, want %q", i, r.Cells, list[i+1])
					}
				}
				// A quoted cell with a line break makes the next row start a line later.
				if lines := []int{tb.Rows[0].Line, tb.Rows[3].Line}; lines[0] != 2 || lines[1] != 5 {
					t.Errorf("lines %v", lines)
				}
			})
		}
	}
}

func TestReadDetails(t *testing.T) {
	t.Run("no header", func(t *testing.T) {
		tb, err := Parse([]byte("375296717259;Иван\n375331234567;Ольга\n"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tb.Header || !reflect.DeepEqual(tb.Columns, []string{"A", "B"}) || len(tb.Rows) != 2 || tb.Rows[0].Line != 1 {
			t.Fatalf("%+v", tb)
		}
		if GuessPhoneColumn(tb) != 0 {
			t.Error("phone column")
		}
	})
	t.Run("declared header", func(t *testing.T) {
		yes, no := true, false
		tb, _ := Parse([]byte("a;b\n1;2\n"), ReadOptions{Header: &yes})
		if !tb.Header || tb.Columns[0] != "a" || len(tb.Rows) != 1 {
			t.Errorf("%+v", tb)
		}
		tb, _ = Parse([]byte("Телефон;Имя\n375296717259;x\n"), ReadOptions{Header: &no})
		if tb.Header || len(tb.Rows) != 2 {
			t.Errorf("%+v", tb)
		}
	})
	t.Run("sep line", func(t *testing.T) {
		tb, err := Parse([]byte("sep=|\nТелефон|Имя\n375296717259|Иван, Петрович\n"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tb.Delimiter != "|" || tb.Rows[0].Cells[1] != "Иван, Петрович" || tb.Rows[0].Line != 3 {
			t.Errorf("%+v", tb)
		}
	})
	t.Run("cells from a spreadsheet", func(t *testing.T) {
		// Copied cells arrive tab-separated; here every row's name has
		// a comma, as consistent as the tab: the tab is the delimiter.
		tb, err := Parse([]byte("+375296717259\tИванов, Иван\n+375331234567\tПетров, Пётр\n"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tb.Delimiter != "tab" || len(tb.Columns) != 2 || tb.Rows[0].Cells[1] != "Иванов, Иван" {
			t.Errorf("%+v", tb)
		}
	})
	t.Run("bare CR", func(t *testing.T) {
		tb, err := Parse([]byte("Телефон,Имя\r375296717259,Иван\r375331234567,Ольга\r"), ReadOptions{})
		if err != nil || len(tb.Rows) != 2 {
			t.Fatalf("%v %+v", err, tb)
		}
	})
	t.Run("one column", func(t *testing.T) {
		tb, err := Parse([]byte("+375 29 671-72-59\n80336717259\n"), ReadOptions{})
		if err != nil || len(tb.Columns) != 1 || len(tb.Rows) != 2 || tb.Header {
			t.Fatalf("%v %+v", err, tb)
		}
	})
	t.Run("blank rows and trailing delimiters", func(t *testing.T) {
		tb, err := Parse([]byte("Телефон;Имя;;;\n;;;;\n375296717259;Иван;;;\n\n375331234567;;;;\n"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(tb.Columns) != 2 || len(tb.Rows) != 2 || tb.Blank != 1 || len(tb.Rows[1].Cells) != 1 || tb.Rows[1].Line != 5 {
			t.Fatalf("%+v", tb)
		}
	})
	t.Run("lazy quotes", func(t *testing.T) {
		tb, err := Parse([]byte("Телефон;Имя\n375296717259;ООО \"Ромашка\"\n"), ReadOptions{})
		if err != nil || tb.Rows[0].Cells[1] != `ООО "Ромашка"` {
			t.Fatalf("%v %+v", err, tb)
		}
	})
	t.Run("column by name, letter, number", func(t *testing.T) {
		tb, _ := Parse([]byte(csvText(list, ";")), ReadOptions{})
		for name, want := range map[string]int{"имя": 1, " Сумма ": 2, "C": 2, "a": 0, "2": 1} {
			if got, err := tb.Column(name); got != want || err != nil {
				t.Errorf("Column(%q) = %d, %v", name, got, err)
			}
		}
		_, err := tb.Column("Адрес")
		if err == nil || !strings.Contains(err.Error(), `"Телефон" (A), "Имя" (B), "Сумма" (C)`) {
			t.Errorf("%v", err)
		}
	})
}

func TestReadBadFiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 1<<16)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	noNUL := bytes.ReplaceAll(garbage, []byte{0}, []byte{1})
	wide := "Телефон" + strings.Repeat(";x", 9999) + "\n"
	rows64K := "Телефон;Текст\n" + strings.Repeat("375296717259;Привет, мир!\n", 1900) // 64 KB and a bit
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "the file is empty"},
		{"spaces", []byte(" \r\n\t\n"), "the file is empty"},
		{"only delimiters", []byte(";;;\n;;\n"), "no filled cells"},
		{"garbage", garbage, "this is neither a CSV (text) nor an XLSX file"},
		{"garbage without NUL", noNUL, "looks binary"},
		{"png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), garbage[:100]...), "line 3 has a NUL character"},
		// Past the first 64 KB, which the detection looks at, as well.
		{"NUL far on", []byte(rows64K + "375296717259;При\x00вет\n"), "line 1902 has a NUL character, which no text list has"},
		{"binary tail", []byte(rows64K + "375296717259;" + strings.Repeat("\x01\x02\x03\x04", 2000)), "it looks binary from line 1902"},
		{"not UTF-8 far on", []byte(rows64K + "375296717259;\xcf\xf0\xe8\xe2\xe5\xf2\n"), "line 1902 has the byte 0xCF, which is not UTF-8"},
		{"10000 columns", []byte("375296717259;a\n" + wide), "line 2 has 10000 columns; at most 1000"},
		{"old xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), "old Excel .xls"},
		{"zip that is not xlsx", zipOf(t, "a.txt", "hello"), "not an XLSX workbook"},
		{"damaged zip", []byte("PK\x03\x04garbage"), "XLSX"},
		{"unclosed quote", []byte("Телефон;Текст\n375296717259;\"Привет\n" + strings.Repeat("375296717259;x\n", 200)), "line 2: a quoted cell runs over"},
		{"huge cell", []byte("Телефон;Текст\n375296717259;" + strings.Repeat("x", MaxCellBytes+1) + "\n"), "line 2, column B: a cell of"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb, err := Read(writeFile(t, "list.csv", c.data), ReadOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v (a table: %v), want an error with %q", err, tb != nil, c.want)
			}
			var se *sms.Error
			if !errors.As(err, &se) || se.RU == "" || !strings.HasPrefix(se.EN, "list.csv: ") {
				t.Errorf("not a bilingual error naming the file: %#v", err)
			}
		})
	}
	t.Run("header only", func(t *testing.T) {
		tb, err := Read(writeFile(t, "list.csv", []byte("Телефон;Имя\n")), ReadOptions{})
		if err != nil || len(tb.Rows) != 0 || !tb.Header || len(tb.Columns) != 2 {
			t.Fatalf("%v %+v", err, tb)
		}
		tpl, _ := ParseTemplate("Привет, {Имя}", tb.Columns)
		r, err := Check(tb, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC"})
		if err != nil || len(r.Messages) != 0 || r.Rows != 0 {
			t.Fatalf("%v %+v", err, r)
		}
	})
	t.Run("missing", func(t *testing.T) {
		_, err := Read(filepath.Join(t.TempDir(), "nope.csv"), ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "nope.csv: no such file") {
			t.Fatal(err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		_, err := Read(t.TempDir(), ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "directory") {
			t.Fatal(err)
		}
	})
	t.Run("over the size limit", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "big.csv")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Truncate(DefaultMaxBytes + 1) // sparse: instant
		f.Close()
		_, err = Read(p, ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "lists up to 100.0 MB are read") {
			t.Fatal(err)
		}
	})
}

func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	zw.Close()
	return b.Bytes()
}

// A 50 MB list reads in a few seconds and checks as well.
func TestRead50MB(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB")
	}
	var b bytes.Buffer
	b.WriteString("Телефон;Имя;Комментарий\n")
	pad := strings.Repeat("комментарий ", 4) // rows of ~150 bytes
	for i := 0; b.Len() < 50<<20; i++ {
		fmt.Fprintf(&b, "+375 29 %03d-%02d-%02d;Имя %d;%s\n", 100+i/10000%900, i/100%100, i%100, i, pad)
	}
	path := writeFile(t, "big.csv", b.Bytes())
	start := time.Now()
	tb, err := Read(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := ParseTemplate("Здравствуйте, {Имя}!", tb.Columns)
	r, err := Check(tb, Plan{PhoneCol: GuessPhoneColumn(tb), TextCol: -1, Template: tpl, Sender: "CMC"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("50 MB: %d rows, %d messages, %d duplicates in %v", len(tb.Rows), len(r.Messages), r.Duplicates, time.Since(start))
	if len(tb.Rows) < 50_000 || len(r.Invalid) != 0 {
		t.Fatalf("%d rows, %d invalid", len(tb.Rows), len(r.Invalid))
	}
}

func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Клиенты")
	for r, row := range list {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+3) // two blank rows first
			f.SetCellValue("Клиенты", cell, v)
		}
	}
	f.SetCellValue("Клиенты", "A10", 375291234567) // a number, as Excel keeps typed digits
	f.SetCellValue("Клиенты", "B10", "Число")
	f.NewSheet("Другой")
	f.SetCellValue("Другой", "A1", "phone")
	f.SetCellValue("Другой", "A2", "+375447654321")
	p := filepath.Join(t.TempDir(), "list.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	tb, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Format != "xlsx" || tb.Sheet != "Клиенты" || !reflect.DeepEqual(tb.Sheets, []string{"Клиенты", "Другой"}) || !tb.Header {
		t.Fatalf("%+v", tb)
	}
	if !reflect.DeepEqual(tb.Columns, list[0]) || len(tb.Rows) != 5 || tb.Rows[0].Line != 4 || tb.Rows[4].Line != 10 {
		t.Fatalf("columns %q rows %+v", tb.Columns, tb.Rows)
	}
	if tb.Rows[3].Cells[1] != "Анна\nМария" || tb.Rows[4].Cells[0] != "375291234567" {
		t.Errorf("cells %q %q", tb.Rows[3].Cells, tb.Rows[4].Cells)
	}
	other, err := Read(p, ReadOptions{Sheet: "другой"})
	if err != nil || other.Sheet != "Другой" || len(other.Rows) != 1 || GuessPhoneColumn(other) != 0 {
		t.Fatalf("%v %+v", err, other)
	}
	_, err = Read(p, ReadOptions{Sheet: "Лист9"})
	if err == nil || !strings.Contains(err.Error(), `no sheet "Лист9" in the workbook; its sheets: "Клиенты", "Другой"`) {
		t.Fatal(err)
	}
	// The name does not matter: the content says XLSX.
	data, _ := os.ReadFile(p)
	if tb, err := Read(writeFile(t, "list.csv", data), ReadOptions{}); err != nil || tb.Format != "xlsx" {
		t.Fatal(err)
	}
	// An empty sheet.
	e := excelize.NewFile()
	ep := filepath.Join(t.TempDir(), "empty.xlsx")
	e.SaveAs(ep)
	e.Close()
	if _, err := Read(ep, ReadOptions{}); err == nil || !strings.Contains(err.Error(), `sheet "Sheet1" is empty`) {
		t.Fatal(err)
	}
}

func TestGuessColumns(t *testing.T) {
	for _, c := range []struct {
		csv         string
		phone, text int
	}{
		{"Имя;Телефон;Текст\nИван;375296717259;Привет\n", 1, 2},
		{"№;Номер договора;Моб. телефон\n1;Д-15;80296717259\n", 2, -1},
		{"name;contact;message\nIvan;+375 29 671-72-59;hi\n", 1, 2},
		{"Name;Phone\nIvan;bad number\n", 1, -1}, // header alone, so the report says why it is bad
		{"a;b\nx;y\n", -1, -1},
		{"Иван;Д-15;296717259\n", 2, -1},
	} {
		tb, err := Parse([]byte(c.csv), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := GuessPhoneColumn(tb); got != c.phone {
			t.Errorf("%q: phone column %d, want %d", c.csv, got, c.phone)
		}
		if got := GuessTextColumn(tb); got != c.text {
			t.Errorf("%q: text column %d, want %d", c.csv, got, c.text)
		}
	}
}

func TestColLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := colLetter(i); got != want || letterIndex(want) != i {
			t.Errorf("%d: %q %d", i, got, letterIndex(want))
		}
	}
}

// The detection looks at a prefix; what follows is read as it streams.
func TestReadPastThePrefix(t *testing.T) {
	ascii := strings.Repeat("375296717259;Ivan\r\n", 4000) // 76 KB of ASCII first
	t.Run("Windows-1251 after ASCII", func(t *testing.T) {
		tb, err := Parse(cp1251(t, "Телефон;Имя\r\n"+ascii+"375296717258;Ольга\r\n"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		last := tb.Rows[len(tb.Rows)-1]
		if tb.Encoding != "Windows-1251" || tb.Columns[1] != "Имя" || last.Cell(1) != "Ольга" || last.Line != 4002 {
			t.Fatalf("%s %q %+v", tb.Encoding, tb.Columns, last)
		}
	})
	t.Run("UTF-8 after ASCII", func(t *testing.T) {
		tb, err := Parse([]byte("phone;name\r\n"+ascii+"375296717258;Ольга\r\n"), ReadOptions{})
		if err != nil || tb.Encoding != "UTF-8" || tb.Rows[len(tb.Rows)-1].Cell(1) != "Ольга" {
			t.Fatalf("%v %+v", err, tb)
		}
	})
	t.Run("UTF-16", func(t *testing.T) {
		// NUL bytes in every ASCII character: the check reads decoded text.
		text := "Телефон;Имя\r\n" + ascii + "375296717258;Ольга\r\n"
		for _, order := range []unicode.Endianness{unicode.LittleEndian, unicode.BigEndian} {
			data, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			tb, err := Parse(data, ReadOptions{})
			if err != nil || len(tb.Rows) != 4001 || tb.Rows[4000].Cell(1) != "Ольга" || !strings.HasPrefix(tb.Encoding, "UTF-16") {
				t.Fatalf("%v %+v", err, tb != nil)
			}
		}
	})
	t.Run("bare CR", func(t *testing.T) {
		tb, err := Parse([]byte(strings.ReplaceAll("Телефон;Имя\r\n"+ascii+"375296717258;\"Ольга\rПетровна\"\r\n", "\r\n", "\r")), ReadOptions{})
		if err != nil || len(tb.Rows) != 4001 || tb.Rows[4000].Cell(1) != "Ольга\nПетровна" || tb.Rows[4000].Line != 4002 {
			t.Fatalf("%v %+v", err, tb != nil)
		}
	})
	t.Run("a stray control character is left to Check", func(t *testing.T) {
		tb, err := Parse([]byte("Телефон;Текст\n"+ascii+"375296717258;При\x1b[2Jвет\n"), ReadOptions{})
		if err != nil || tb.Rows[len(tb.Rows)-1].Cell(1) != "При\x1b[2Jвет" {
			t.Fatalf("%v %+v", err, tb != nil)
		}
	})
}

func TestReadRowLimit(t *testing.T) {
	csv := "Телефон;Имя\n375296717259;Иван\n\n375296717258;Ольга\n375296717257;Пётр\n"
	// Three rows with content, the header among them; blank lines do not count.
	if tb, err := Parse([]byte(csv[:strings.LastIndex(csv[:len(csv)-1], "\n")+1]), ReadOptions{MaxRows: 3}); err != nil || len(tb.Rows) != 2 {
		t.Fatalf("%v %+v", err, tb)
	}
	_, err := Read(writeFile(t, "list.csv", []byte(csv)), ReadOptions{MaxRows: 3})
	if err == nil || err.Error() != "list.csv: line 5: the list has more than 3 rows, the most that is read: save it as several files of at most 3 rows each" {
		t.Fatal(err)
	}
	if ru := asSMSError(err).RU; ru != "list.csv: строка 5: в списке больше 3 строк, а читается не больше 3: сохраните его в несколько файлов, не больше 3 строк в каждом" {
		t.Error(ru)
	}
	if got := thousands(DefaultMaxRows, ","); got != "1,000,000" {
		t.Error(got)
	}
}

// A CSV file is read as a stream: what the read allocates is what the
// table keeps (its cells, one string a row, and the rows, in one slice
// sized from the prefix), and little more; the whole file is never in
// memory at once.
func TestReadCSVMemory(t *testing.T) {
	for _, eol := range []string{"\r\n", "\r"} {
		var b bytes.Buffer
		b.WriteString("Телефон;Имя;Текст" + eol)
		for i := 0; b.Len() < 8<<20; i++ {
			fmt.Fprintf(&b, "+375 29 %03d-%02d-%02d;Клиент %d;Оплатите счёт %d до 25.12, спасибо%s", 100+i/10000%900, i/100%100, i%100, i, i, eol)
		}
		path := writeFile(t, "big.csv", b.Bytes())
		size := uint64(b.Len())
		b = bytes.Buffer{}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tb, err := Read(path, ReadOptions{})
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept := after.HeapAlloc - before.HeapAlloc
		if err != nil {
			t.Fatal(err)
		}
		// The margin is wide (a quarter of the file) so that the GC's own
		// noise never decides; reading the whole file would be 3× over.
		if kept > 5*size/2 || allocated-kept > size/4 {
			t.Errorf("%q: %d rows, a file of %d KB: allocated %d KB, kept %d KB", eol, len(tb.Rows), size>>10, allocated>>10, kept>>10)
		}
		runtime.KeepAlive(tb)
	}
}
