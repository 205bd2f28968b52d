package batch

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/smsdash/smsdash/sms"
)

// Limits of Read. A list is a few thousand rows, rarely a few hundred
// thousand: the limits catch the wrong file, not a big list.
const (
	DefaultMaxBytes   = 100 << 20 // file size
	DefaultMaxColumns = 1000      // cells in one row
	MaxCellBytes      = 64 << 10  // one cell
	// maxFieldLines: a quoted cell spanning more lines than this is a
	// quote that was never closed (an SMS is never that long).
	maxFieldLines = 100
)

// ReadOptions tune Read; the zero value detects everything.
type ReadOptions struct {
	// Sheet is the XLSX sheet to read by name (case is ignored); "" reads
	// the first sheet.
	Sheet string
	// Header says whether the first row names the columns; nil detects it.
	Header *bool
	// Delimiter of a CSV file: ',', ';' or '\t' (any other rune but a
	// quote or a line break is accepted too); 0 detects it.
	Delimiter rune
	// MaxBytes and MaxColumns override DefaultMaxBytes and
	// DefaultMaxColumns when positive.
	MaxBytes   int64
	MaxColumns int
}

func (o ReadOptions) maxBytes() int64 {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultMaxBytes
}

func (o ReadOptions) maxColumns() int {
	if o.MaxColumns > 0 {
		return o.MaxColumns
	}
	return DefaultMaxColumns
}

// Table is an imported list.
type Table struct {
	Format    string // "csv" or "xlsx"
	Encoding  string // CSV: "UTF-8", "UTF-8 with BOM", "Windows-1251", "UTF-16LE", "UTF-16BE"
	Delimiter string // CSV: ",", ";", "tab", or the rune given
	Sheet     string // XLSX: the sheet read
	Sheets    []string
	// Header reports whether the first row named the columns (and so is
	// not among Rows).
	Header bool
	// Columns names every column: the header's cell, or the column's
	// letter (A, B, … AA) where there is no header or the cell is empty.
	// No row has more cells than there are columns.
	Columns []string
	// Rows are the data rows in file order. Rows with every cell blank are
	// left out (and counted in Blank).
	Rows  []Row
	Blank int
}

// Row is one data row.
type Row struct {
	// Line is where the row starts: the line of a CSV file (1-based,
	// counting the lines inside quoted cells), the row number in Excel.
	Line  int
	Cells []string // trailing empty cells are dropped
}

// Cell gives cell i, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Read imports a CSV or XLSX file. The format is told by the content, not
// the name: an XLSX file is a zip archive. A CSV file may be UTF-8 (with or
// without a BOM), Windows-1251 or UTF-16 with a BOM; its delimiter is a
// comma, a semicolon or a tab; quoted cells may hold delimiters, quotes
// ("") and line breaks. Errors name the file and, where there is one, the
// line; they are *sms.Error.
func Read(path string, opt ReadOptions) (*Table, error) {
	name := filepath.Base(path)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, openErr(name, err)
	}
	if fi.IsDir() {
		return nil, inFile(name, errf("is a directory, not a CSV or XLSX file", "это папка, а не файл CSV или XLSX"))
	}
	if fi.Size() > opt.maxBytes() {
		return nil, inFile(name, tooBig(fi.Size(), opt.maxBytes()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, openErr(name, err)
	}
	defer f.Close()
	// The size is read again through a limit: the file may grow meanwhile.
	data, err := io.ReadAll(io.LimitReader(f, opt.maxBytes()+1))
	if err != nil {
		return nil, openErr(name, err)
	}
	t, err := Parse(data, opt)
	if err != nil {
		return nil, inFile(name, err)
	}
	return t, nil
}

// Parse imports a list held in memory, as Read does a file.
func Parse(data []byte, opt ReadOptions) (*Table, error) {
	if int64(len(data)) > opt.maxBytes() {
		return nil, tooBig(int64(len(data)), opt.maxBytes())
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errf("the file is empty", "файл пуст")
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, opt)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return nil, errf("this is an old Excel .xls file, which is not read: save it as .xlsx or CSV",
			"это файл старого Excel (.xls), его формат не читается: сохраните его как .xlsx или CSV")
	}
	return readCSV(data, opt)
}

var (
	bomUTF8    = []byte("\xEF\xBB\xBF")
	bomUTF16LE = []byte("\xFF\xFE")
	bomUTF16BE = []byte("\xFE\xFF")
)

// sampleBytes is how much of a file the detection looks at.
const sampleBytes = 64 << 10

func readCSV(data []byte, opt ReadOptions) (*Table, error) {
	t := &Table{Format: "csv", Encoding: "UTF-8"}
	var err error
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data, t.Encoding = data[len(bomUTF8):], "UTF-8 with BOM"
	case bytes.HasPrefix(data, bomUTF16LE):
		data, err = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		t.Encoding = "UTF-16LE"
	case bytes.HasPrefix(data, bomUTF16BE):
		data, err = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		t.Encoding = "UTF-16BE"
	default:
		if bytes.IndexByte(data[:min(len(data), sampleBytes)], 0) >= 0 {
			return nil, notText()
		}
		if !utf8.Valid(data) {
			// Windows-1251 maps every byte but 0x98: any file decodes.
			// Garbage is caught below by its control characters.
			data, err = charmap.Windows1251.NewDecoder().Bytes(data)
			t.Encoding = "Windows-1251"
		}
	}
	if err != nil {
		return nil, errf("cannot decode the file as "+t.Encoding+": "+err.Error(), "не удаётся прочитать файл в кодировке "+t.Encoding+": "+err.Error())
	}
	if binary(data[:min(len(data), sampleBytes)]) {
		return nil, notText()
	}
	lineOffset := 0
	delim := opt.Delimiter
	if d, rest, ok := sepLine(data); ok {
		// Excel's "sep=;" first line names the delimiter.
		if delim == 0 {
			delim = d
		}
		data, lineOffset = rest, 1
	}
	if bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') >= 0 {
		// Old Mac Excel ends lines with a bare CR.
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	if delim == 0 {
		delim = detectDelimiter(data[:min(len(data), sampleBytes)])
	}
	if !validDelim(delim) {
		return nil, errf("delimiter "+strconv.QuoteRune(delim)+" cannot be used: use a comma, a semicolon or a tab",
			"разделитель "+strconv.QuoteRune(delim)+" не подходит: используйте запятую, точку с запятой или табуляцию")
	}
	t.Delimiter = delimName(delim)

	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	maxCols := opt.maxColumns()
	var rows []Row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, errf(fmt.Sprintf("line %d: %v", pe.StartLine+lineOffset, pe.Err),
					fmt.Sprintf("строка %d: %v", pe.StartLine+lineOffset, pe.Err))
			}
			return nil, errf("reading: "+err.Error(), "чтение: "+err.Error())
		}
		line, _ := r.FieldPos(0)
		line += lineOffset
		if err := checkRecord(rec, line, maxCols); err != nil {
			return nil, err
		}
		rec = trimTrailing(rec)
		if len(rec) == 0 {
			t.Blank++
			continue
		}
		rows = append(rows, Row{Line: line, Cells: rec})
	}
	if len(rows) == 0 {
		return nil, errf("the file has no filled cells", "в файле нет заполненных ячеек")
	}
	finish(t, rows, opt.Header)
	return t, nil
}

// checkRecord enforces the limits on one record.
func checkRecord(rec []string, line, maxCols int) error {
	if len(rec) > maxCols {
		return errf(fmt.Sprintf("line %d has %d columns; at most %d are read: is this the right file, and the right delimiter?", line, len(rec), maxCols),
			fmt.Sprintf("в строке %d столбцов: %d, а читается не больше %d: тот ли это файл и тот ли разделитель?", line, len(rec), maxCols))
	}
	for i, c := range rec {
		if len(c) > MaxCellBytes {
			return errf(fmt.Sprintf("line %d, column %s: a cell of %d bytes; cells over %d KB are not read: is this the right file?", line, colLetter(i), len(c), MaxCellBytes>>10),
				fmt.Sprintf("строка %d, столбец %s: ячейка в %d байт, а читаются ячейки до %d КБ: тот ли это файл?", line, colLetter(i), len(c), MaxCellBytes>>10))
		}
		if n := strings.Count(c, "\n"); n > maxFieldLines {
			return errf(fmt.Sprintf("line %d: a quoted cell runs over %d lines: probably a quote (\") that is never closed", line, n+1),
				fmt.Sprintf("строка %d: ячейка в кавычках занимает %d строк: вероятно, кавычка (\") не закрыта", line, n+1))
		}
	}
	return nil
}

// trimTrailing drops trailing cells that are blank (Excel writes ";;;").
func trimTrailing(rec []string) []string {
	n := len(rec)
	for n > 0 && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	return rec[:n]
}

// finish sets the header and the column names.
func finish(t *Table, rows []Row, header *bool) {
	if header != nil {
		t.Header = *header && len(rows) > 0
	} else {
		t.Header = looksLikeHeader(rows)
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r.Cells))
	}
	t.Columns = make([]string, width)
	if t.Header {
		for i, c := range rows[0].Cells {
			t.Columns[i] = strings.TrimSpace(c)
		}
		rows = rows[1:]
	}
	for i := range t.Columns {
		if t.Columns[i] == "" {
			t.Columns[i] = colLetter(i)
		}
	}
	t.Rows = rows
}

// sepLine reads Excel's "sep=X" first line.
func sepLine(data []byte) (rune, []byte, bool) {
	if len(data) < 5 || !bytes.EqualFold(data[:4], []byte("sep=")) {
		return 0, nil, false
	}
	end := bytes.IndexByte(data, '\n')
	if end < 0 {
		end = len(data)
	}
	v := strings.TrimRight(string(data[4:end]), "\r")
	d, size := utf8.DecodeRuneInString(v)
	if size == 0 || size != len(v) {
		return 0, nil, false
	}
	return d, data[min(end+1, len(data)):], true
}

// detectDelimiter picks among comma, semicolon and tab the one that splits
// the first lines (quotes respected) into the same number of cells, more
// than one: the most consistent wins, then the most cells. A list of one
// column has none of them: a comma then.
func detectDelimiter(sample []byte) rune {
	cands := [...]rune{';', ',', '\t'}
	const maxLines = 50
	var counts [len(cands)][maxLines]int
	lines := 0
	inQuote, lineHas := false, false
	for i := 0; i < len(sample) && lines < maxLines; i++ {
		c := sample[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			if lineHas {
				lines++
			}
			lineHas = false
			continue
		case c == '\r':
			continue
		default:
			for k, d := range cands {
				if rune(c) == d {
					counts[k][lines]++
				}
			}
		}
		lineHas = true
	}
	if lineHas && lines < maxLines {
		lines++
	}
	best, bestAgree, bestCells := ',', 0, 0
	for k, d := range cands {
		// the most common non-zero count and how many lines have it
		freq := map[int]int{}
		for _, n := range counts[k][:lines] {
			if n > 0 {
				freq[n]++
			}
		}
		mode, agree := 0, 0
		for n, f := range freq {
			if f > agree || (f == agree && n > mode) {
				mode, agree = n, f
			}
		}
		if agree > bestAgree || (agree == bestAgree && agree > 0 && mode > bestCells) {
			best, bestAgree, bestCells = d, agree, mode
		}
	}
	return best
}

func validDelim(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}

func delimName(r rune) string {
	if r == '\t' {
		return "tab"
	}
	return string(r)
}

// binary reports whether decoded text has the control characters of a
// binary file (more than one in a hundred, beside tab and line breaks).
func binary(text []byte) bool {
	n, bad := 0, 0
	for _, r := range string(text) {
		n++
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7F || r == utf8.RuneError {
			bad++
		}
	}
	return bad > 0 && bad*100 >= n
}

func notText() error {
	return errf("this is neither a CSV (text) nor an XLSX file: it looks binary",
		"это не CSV (текст) и не XLSX: похоже на двоичный файл")
}

func tooBig(size, limit int64) error {
	return errf(fmt.Sprintf("the file is %s; lists up to %s are read: split it, or check that it is the right file", mb(size), mb(limit)),
		fmt.Sprintf("файл занимает %s, а читаются списки до %s: разделите его или проверьте, тот ли это файл", mb(size), mb(limit)))
}

func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func openErr(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return inFile(name, errf("no such file", "файл не найден"))
	case errors.Is(err, fs.ErrPermission):
		return inFile(name, errf("permission denied", "нет прав на чтение"))
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return inFile(name, errf(err.Error(), err.Error()))
}

// inFile puts the file's name before an error's texts.
func inFile(name string, err error) error {
	var e *sms.Error
	if errors.As(err, &e) {
		return &sms.Error{EN: name + ": " + e.EN, RU: name + ": " + e.RU}
	}
	return fmt.Errorf("%s: %w", name, err)
}

func errf(en, ru string) *sms.Error { return &sms.Error{EN: en, RU: ru} }

// colLetter names column i as a spreadsheet does: A … Z, AA, AB, ….
func colLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append(b, byte('A'+(i-1)%26))
	}
	for l, r := 0, len(b)-1; l < r; l, r = l+1, r-1 {
		b[l], b[r] = b[r], b[l]
	}
	return string(b)
}

// letterIndex reads a column letter (case ignored): "A" 0, "AA" 26; -1
// if s is not one.
func letterIndex(s string) int {
	if s == "" || len(s) > 3 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return -1
		}
		n = n*26 + int(c-'a'+1)
	}
	return n - 1
}

// quote quotes a value for a message, cut to a readable length.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}
