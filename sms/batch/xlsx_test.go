package batch

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// workbook writes an XLSX file with archive/zip, the least that excelize
// reads: its one sheet "Лист1" holds head, then rows copies of row (each
// a <row> element).
func workbook(t testing.TB, head string, row string, rows int) (path string, unpacked int64) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "list.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	part := func(name string, write func(io.Writer)) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	text := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	part("[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`))
	part("_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	part("xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	part("xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`))
	part("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+head)
		block := []byte(strings.Repeat(row, 1000))
		for n := rows; n > 0; n -= 1000 {
			w.Write(block[:min(n, 1000)*len(row)])
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, p := range zr.File {
		unpacked += int64(p.UncompressedSize64)
	}
	return path, unpacked
}

// allocated gives the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const (
	bombHead = `<row><c t="inlineStr"><is><t>Телефон</t></is></c><c t="inlineStr"><is><t>Текст</t></is></c></row>`
	bombRow  = `<row><c t="inlineStr"><is><t>+375291234567</t></is></c><c t="inlineStr"><is><t>Привет</t></is></c></row>`
)

// A workbook that unpacks to far more than it weighs is refused from its
// zip directory, before anything is unpacked; one under that limit with
// too many rows stops at the row limit. Either way the memory used is a
// small part of the sheet's size: the sheet is streamed, not read whole.
func TestReadXLSXBomb(t *testing.T) {
	path, unpacked := workbook(t, bombHead, bombRow, 200_000) // 22 MB in a file of 76 KB
	fi, _ := os.Stat(path)
	if unpacked < 250*fi.Size() || unpacked < xmlInMemory {
		t.Fatalf("%d bytes unpack to %d: not a bomb", fi.Size(), unpacked)
	}
	t.Run("unpacked size", func(t *testing.T) {
		var err error
		n := allocated(func() { _, err = Read(path, ReadOptions{MaxUnpacked: 10 << 20}) })
		if err == nil || !strings.Contains(err.Error(), "list.xlsx: the workbook unpacks to 21.") ||
			!strings.Contains(err.Error(), "workbooks that unpack to at most 10.0 MB are read") ||
			!strings.Contains(err.Error(), "split its rows into 3 files or more, or save it as CSV") {
			t.Fatal(err)
		}
		if ru := asSMSError(err).RU; !strings.Contains(ru, "книга распаковывается в 21.") || !strings.Contains(ru, "не меньше 3") {
			t.Error(ru)
		}
		if n > 1<<20 {
			t.Errorf("%d bytes allocated to refuse it", n)
		}
	})
	t.Run("rows", func(t *testing.T) {
		var err error
		n := allocated(func() { _, err = Read(path, ReadOptions{MaxRows: 1000}) })
		if err == nil || err.Error() != `list.xlsx: sheet "Лист1", row 1001: the list has more than 1,000 rows, the most that is read: save it as several files of at most 1,000 rows each` {
			t.Fatal(err)
		}
		if ru := asSMSError(err).RU; !strings.Contains(ru, "лист \"Лист1\", строка 1001: в списке больше 1\u00a0000 строк") {
			t.Error(ru)
		}
		if n > uint64(unpacked)/4 {
			t.Errorf("%d bytes allocated for 1000 rows of a %d-byte sheet", n, unpacked)
		}
	})
}

// The bomb of the issue, 3.2 MB unpacking to 900 MB, with the default
// limits: its directory says so, and that is all that is read (the data
// is never inflated, so the test writes only the directory's claim).
func TestReadXLSXBombDefaultLimit(t *testing.T) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, size := range map[string]uint64{"xl/workbook.xml": 1000, "xl/worksheets/sheet1.xml": 900 << 20} {
		w, err := z.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CompressedSize64: 1, UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{0})
	}
	z.Close()
	path := writeFile(t, "bomb.xlsx", b.Bytes())
	var err error
	n := allocated(func() { _, err = Read(path, ReadOptions{}) })
	if err == nil || !strings.Contains(err.Error(), "the workbook unpacks to 900.0 MB; workbooks that unpack to at most 512.0 MB are read") ||
		!strings.Contains(err.Error(), "into 2 files or more") {
		t.Fatal(err)
	}
	if n > 1<<20 {
		t.Errorf("%d bytes allocated to refuse it", n)
	}
}

// A line break typed in a cell is saved as CRLF (_x000D_ or &#13;): it
// reads as LF, so that the text passes the check of control characters.
func TestReadXLSXLineBreaks(t *testing.T) {
	path, _ := workbook(t, bombHead, `<row><c t="inlineStr"><is><t>375291234567</t></is></c><c t="inlineStr"><is><t>Привет,&#13;&#10;мир_x000D_
!</t></is></c></row>`, 1)
	tb, err := Read(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.Rows[0].Cell(1); got != "Привет,\nмир\n!" {
		t.Fatalf("%q", got)
	}
	r, err := Check(tb, Plan{PhoneCol: 0, TextCol: 1, Sender: "CMC"})
	if err != nil || len(r.Messages) != 1 || len(r.Invalid) != 0 {
		t.Fatalf("%v %+v", err, r)
	}
}
