package batch

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xmlInMemory: excelize unpacks a sheet or the shared strings bigger than
// this to a temporary file and streams it from there.
const xmlInMemory = 16 << 20

func readXLSX(r io.ReaderAt, size int64, opt ReadOptions) (t *Table, err error) {
	// A damaged file must give a report, not a crash, whatever the
	// library does with it.
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, errf(fmt.Sprintf("the XLSX file is damaged (%v)", p), fmt.Sprintf("файл XLSX повреждён (%v)", p))
		}
	}()
	limit := opt.maxUnpacked()
	if err := checkWorkbook(r, size, limit); err != nil {
		return nil, err
	}
	// The same limit for excelize: it checks the sizes again as it unpacks.
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size),
		excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, xmlInMemory)})
	if err != nil {
		return nil, errf("cannot read the XLSX workbook: "+err.Error(), "не удаётся прочитать книгу XLSX: "+err.Error())
	}
	defer f.Close()
	t = &Table{Format: "xlsx", Sheets: f.GetSheetList()}
	if len(t.Sheets) == 0 {
		return nil, errf("the workbook has no sheets", "в книге нет листов")
	}
	t.Sheet = t.Sheets[0]
	if opt.Sheet != "" {
		t.Sheet = ""
		for _, s := range t.Sheets {
			if s == opt.Sheet || (t.Sheet == "" && strings.EqualFold(s, opt.Sheet)) {
				t.Sheet = s
			}
		}
		if t.Sheet == "" {
			list := quoteList(t.Sheets)
			return nil, errf("no sheet "+quote(opt.Sheet)+" in the workbook; its sheets: "+list,
				"в книге нет листа "+quote(opt.Sheet)+"; её листы: "+list)
		}
	}
	it, err := f.Rows(t.Sheet)
	if err != nil {
		return nil, errf("cannot read sheet "+quote(t.Sheet)+": "+err.Error(), "не удаётся прочитать лист "+quote(t.Sheet)+": "+err.Error())
	}
	defer it.Close()
	maxCols, maxRows := opt.maxColumns(), opt.maxRows()
	var rows rowList
	// The iterator yields every row number in turn, blank ones too: the
	// count is Excel's row number.
	for line := 1; it.Next(); line++ {
		cells, err := it.Columns()
		if err != nil {
			return nil, errf(fmt.Sprintf("sheet %s, row %d: %v", quote(t.Sheet), line, err),
				fmt.Sprintf("лист %s, строка %d: %v", quote(t.Sheet), line, err))
		}
		if len(cells) > maxCols {
			return nil, errf(fmt.Sprintf("sheet %s, row %d has %d columns; at most %d are read: is this the right sheet?", quote(t.Sheet), line, len(cells), maxCols),
				fmt.Sprintf("лист %s, строка %d: столбцов %d, а читается не больше %d: тот ли это лист?", quote(t.Sheet), line, len(cells), maxCols))
		}
		if err := checkRecord(cells, line, maxCols); err != nil {
			return nil, err
		}
		cells = trimTrailing(cells)
		if len(cells) == 0 {
			if rows.n > 0 {
				t.Blank++ // blank rows before the list are no news
			}
			continue
		}
		if rows.n == maxRows {
			return nil, tooManyRows(fmt.Sprintf("sheet %s, row %d", quote(t.Sheet), line), fmt.Sprintf("лист %s, строка %d", quote(t.Sheet), line), maxRows)
		}
		for i, c := range cells {
			// A line break typed in a cell is saved as CRLF.
			if strings.Contains(c, "\r\n") {
				cells[i] = strings.ReplaceAll(c, "\r\n", "\n")
			}
		}
		rows.add(Row{Line: line, Cells: cells})
	}
	if err := it.Error(); err != nil {
		return nil, errf("sheet "+quote(t.Sheet)+": "+err.Error(), "лист "+quote(t.Sheet)+": "+err.Error())
	}
	if rows.n == 0 {
		if len(t.Sheets) > 1 {
			list := quoteList(t.Sheets)
			return nil, errf("sheet "+quote(t.Sheet)+" is empty; choose another of the workbook's sheets: "+list,
				"лист "+quote(t.Sheet)+" пуст; выберите другой лист книги: "+list)
		}
		return nil, errf("sheet "+quote(t.Sheet)+" is empty", "лист "+quote(t.Sheet)+" пуст")
	}
	finish(t, rows.all(), opt.Header)
	return t, nil
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = quote(v)
	}
	return strings.Join(q, ", ")
}

// checkWorkbook tells a damaged zip, and a zip of something else (an
// .ods, a .docx), from an XLSX workbook, and refuses one that unpacks to
// more than limit: the zip's directory tells, and archive/zip holds every
// part to the size it declares.
func checkWorkbook(r io.ReaderAt, size, limit int64) error {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return errf("the file starts as a zip archive (XLSX) but is damaged: "+err.Error(),
			"файл начинается как zip-архив (XLSX), но повреждён: "+err.Error())
	}
	workbook, unpacked := false, uint64(0)
	for _, f := range z.File {
		workbook = workbook || strings.EqualFold(f.Name, "xl/workbook.xml")
		unpacked += min(f.UncompressedSize64, 1<<40) // no overflow
	}
	if !workbook {
		return errf("this zip archive is not an XLSX workbook: save the list as .xlsx or CSV",
			"этот zip-архив не книга XLSX: сохраните список как .xlsx или CSV")
	}
	if unpacked > uint64(limit) {
		n, l, parts := Size(int64(unpacked)), Size(limit), strconv.FormatUint((unpacked+uint64(limit)-1)/uint64(limit), 10)
		return errf("the workbook unpacks to "+n+"; workbooks that unpack to at most "+l+" are read: is it the right file? If it is, split its rows into "+parts+" files or more, or save it as CSV",
			"книга распаковывается в "+n+", а читаются книги, которые распаковываются не больше чем в "+l+": тот ли это файл? Если тот, разделите её строки на несколько файлов (не меньше "+parts+") или сохраните её в CSV")
	}
	return nil
}
