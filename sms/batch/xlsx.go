package batch

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// unzipLimit caps what an XLSX file may unpack to (a zip bomb would
// otherwise fill the memory); sheets over excelize's chunk size are
// unpacked to a temporary file.
const unzipLimit = 1 << 30

func readXLSX(data []byte, opt ReadOptions) (t *Table, err error) {
	// A damaged file must give a report, not a crash, whatever the
	// library does with it.
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, errf(fmt.Sprintf("the XLSX file is damaged (%v)", p), fmt.Sprintf("файл XLSX повреждён (%v)", p))
		}
	}()
	if err := isWorkbook(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipLimit})
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
	maxCols := opt.maxColumns()
	var rows []Row
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
			if len(rows) > 0 {
				t.Blank++ // blank rows before the list are no news
			}
			continue
		}
		rows = append(rows, Row{Line: line, Cells: cells})
	}
	if err := it.Error(); err != nil {
		return nil, errf("sheet "+quote(t.Sheet)+": "+err.Error(), "лист "+quote(t.Sheet)+": "+err.Error())
	}
	if len(rows) == 0 {
		if len(t.Sheets) > 1 {
			list := quoteList(t.Sheets)
			return nil, errf("sheet "+quote(t.Sheet)+" is empty; choose another of the workbook's sheets: "+list,
				"лист "+quote(t.Sheet)+" пуст; выберите другой лист книги: "+list)
		}
		return nil, errf("sheet "+quote(t.Sheet)+" is empty", "лист "+quote(t.Sheet)+" пуст")
	}
	finish(t, rows, opt.Header)
	return t, nil
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = quote(v)
	}
	return strings.Join(q, ", ")
}

// isWorkbook tells a damaged zip, and a zip of something else (an .ods,
// a .docx), from an XLSX workbook.
func isWorkbook(data []byte) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return errf("the file starts as a zip archive (XLSX) but is damaged: "+err.Error(),
			"файл начинается как zip-архив (XLSX), но повреждён: "+err.Error())
	}
	for _, f := range z.File {
		if strings.EqualFold(f.Name, "xl/workbook.xml") {
			return nil
		}
	}
	return errf("this zip archive is not an XLSX workbook: save the list as .xlsx or CSV",
		"этот zip-архив не книга XLSX: сохраните список как .xlsx или CSV")
}
