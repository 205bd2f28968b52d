package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/smsdash/smsdash/sms"
)

// ListExts name the files that are lists: what the picker shows and an
// upload takes. Read tells the format by the content, so a list named
// otherwise loads by typing its path.
var ListExts = []string{".csv", ".tsv", ".txt", ".xlsx"}

// IsList says whether name has one of ListExts; case is ignored (Excel on
// Windows often writes upper-case names).
func IsList(name string) bool {
	return slices.Contains(ListExts, strings.ToLower(filepath.Ext(name)))
}

// Limits of Read. A list is a few thousand rows, rarely a few hundred
// thousand: the limits catch the wrong file, not a big list.
const (
	DefaultMaxBytes   = 100 << 20 // file size
	DefaultMaxColumns = 1000      // cells in one row
	// DefaultMaxRows counts the rows with content, the header among them:
	// the rows are kept in memory, so the limit bounds it.
	DefaultMaxRows = 1_000_000
	// DefaultMaxUnpacked is what an XLSX workbook may unpack to (its
	// parts' sizes added up), checked before anything is unpacked: a zip
	// bomb of a few MB unpacks to GBs. A sheet of a million rows of a
	// few cells unpacks to some 300 MB.
	DefaultMaxUnpacked = 512 << 20
	MaxCellBytes       = 64 << 10 // one cell
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
	// MaxBytes, MaxColumns, MaxRows and MaxUnpacked override
	// DefaultMaxBytes, DefaultMaxColumns, DefaultMaxRows and
	// DefaultMaxUnpacked when positive.
	MaxBytes    int64
	MaxColumns  int
	MaxRows     int
	MaxUnpacked int64
	// Open opens the path for Read (a session that may see only its own
	// folder); nil is os.Open.
	Open func(path string) (*os.File, error)
}

func (o ReadOptions) maxBytes() int64    { return orDefault(o.MaxBytes, DefaultMaxBytes) }
func (o ReadOptions) maxColumns() int    { return orDefault(o.MaxColumns, DefaultMaxColumns) }
func (o ReadOptions) maxRows() int       { return orDefault(o.MaxRows, DefaultMaxRows) }
func (o ReadOptions) maxUnpacked() int64 { return orDefault(o.MaxUnpacked, DefaultMaxUnpacked) }

func orDefault[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
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
// ("") and line breaks. The file is read as a stream: what is kept is the
// cells. Errors name the file and, where there is one, the line; they are
// *sms.Error.
func Read(path string, opt ReadOptions) (*Table, error) {
	name := filepath.Base(path)
	open := opt.Open
	if open == nil {
		open = os.Open
	}
	f, err := open(path)
	if err != nil {
		return nil, openErr(name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, openErr(name, err)
	}
	if fi.IsDir() {
		return nil, inFile(name, errf("is a directory, not a CSV or XLSX file", "это папка, а не файл CSV или XLSX"))
	}
	t, err := parse(f, fi.Size(), opt)
	if err != nil {
		return nil, inFile(name, err)
	}
	return t, nil
}

// Parse imports a list held in memory, as Read does a file: a list pasted
// into the dashboard. Its errors name no file: the caller names the list.
func Parse(data []byte, opt ReadOptions) (*Table, error) {
	return parse(bytes.NewReader(data), int64(len(data)), opt)
}

// ReadStream imports a list from r (standard input) as Read does a file,
// its errors naming the list name: r is read up to the size bound, and a
// longer list refused.
func ReadStream(name string, r io.Reader, opt ReadOptions) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, opt.maxBytes()+1))
	if err != nil {
		return nil, inFile(name, readErr(err))
	}
	t, err := Parse(data, opt)
	if err != nil {
		return nil, inFile(name, err)
	}
	return t, nil
}

// parse reads the first size bytes of r (a file that grows meanwhile is
// read as it was when its size was checked).
func parse(r io.ReaderAt, size int64, opt ReadOptions) (*Table, error) {
	if size > opt.maxBytes() {
		return nil, tooBig(size, opt.maxBytes())
	}
	head := make([]byte, 8)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, readErr(err)
	}
	switch head = head[:n]; {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return readXLSX(r, size, opt)
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return nil, errf("this is an old Excel .xls file, which is not read: save it as .xlsx or CSV",
			"это файл старого Excel (.xls), его формат не читается: сохраните его как .xlsx или CSV")
	}
	return readCSV(io.NewSectionReader(r, 0, size), size, opt)
}

// sampleBytes is how much of a file the detection looks at.
const sampleBytes = 64 << 10

func readCSV(file io.Reader, size int64, opt ReadOptions) (*Table, error) {
	t := &Table{Format: "csv"}
	cs := newCharsetReader(file)
	text := bufio.NewReaderSize(cs, sampleBytes)
	// The detection looks at a prefix of the text; the rest streams.
	prefix, err := text.Peek(sampleBytes)
	if err != nil && err != io.EOF {
		return nil, readErr(err)
	}
	if err == io.EOF && len(bytes.TrimSpace(prefix)) == 0 {
		return nil, errf("the file is empty", "файл пуст")
	}
	lineOffset := 0
	delim := opt.Delimiter
	if d, n, ok := sepLine(prefix); ok {
		// Excel's "sep=;" first line names the delimiter.
		if delim == 0 {
			delim = d
		}
		text.Discard(n)
		prefix, lineOffset = prefix[n:], 1
	}
	// Old Mac Excel ends lines with a bare CR.
	bareCR := bytes.IndexByte(prefix, '\n') < 0 && bytes.IndexByte(prefix, '\r') >= 0
	eol := byte('\n')
	if bareCR {
		eol = '\r'
	}
	// The rows go into one slice sized from the prefix's lines and its
	// share of the file.
	lines := int64(bytes.Count(prefix, []byte{eol}) + 1)
	rows := rowList{hint: int(min(lines*size/max(cs.consumed(), 1)*17/16, int64(opt.maxRows())))}
	if delim == 0 {
		if bareCR {
			prefix = bytes.ReplaceAll(prefix, []byte("\r"), []byte("\n"))
		}
		delim = detectDelimiter(prefix)
	}
	if !validDelim(delim) {
		return nil, errf("delimiter "+strconv.QuoteRune(delim)+" cannot be used: use a comma, a semicolon or a tab",
			"разделитель "+strconv.QuoteRune(delim)+" не подходит: используйте запятую, точку с запятой или табуляцию")
	}
	t.Delimiter = delimName(delim)

	r := csv.NewReader(&textCheck{r: text, bareCR: bareCR, line: 1 + lineOffset})
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	// The record's slice is reused; its cells are slices of one string per
	// record, which is what a row keeps.
	r.ReuseRecord = true
	maxCols, maxRows := opt.maxColumns(), opt.maxRows()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			var se *sms.Error
			switch {
			case errors.As(err, &se):
				return nil, se
			case errors.As(err, &pe):
				return nil, errf(fmt.Sprintf("line %d: %v", pe.StartLine+lineOffset, pe.Err),
					fmt.Sprintf("строка %d: %v", pe.StartLine+lineOffset, pe.Err))
			}
			return nil, readErr(err)
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
		if rows.n == maxRows {
			return nil, tooManyRows(fmt.Sprintf("line %d", line), fmt.Sprintf("строка %d", line), maxRows)
		}
		rows.add(Row{Line: line, Cells: slices.Clone(rec)})
	}
	if rows.n == 0 {
		return nil, errf("the file has no filled cells", "в файле нет заполненных ячеек")
	}
	t.Encoding = cs.name
	finish(t, rows.all(), opt.Header)
	return t, nil
}

var (
	bomUTF8    = []byte("\xEF\xBB\xBF")
	bomUTF16LE = []byte("\xFF\xFE")
	bomUTF16BE = []byte("\xFE\xFF")
)

// charsetReader gives a CSV file's text as UTF-8. A BOM names the
// encoding; without one the file is UTF-8 or Windows-1251, decided at its
// first byte that is not ASCII by whether what follows is UTF-8, so that a
// list whose first thousand rows are digits and Latin letters is still
// told right.
type charsetReader struct {
	raw  *bufio.Reader
	file counter
	text io.Reader // the decoded text, once the encoding is known
	name string
}

func newCharsetReader(file io.Reader) *charsetReader {
	c := &charsetReader{file: counter{r: file}, name: "UTF-8"}
	c.raw = bufio.NewReaderSize(&c.file, sampleBytes)
	head, _ := c.raw.Peek(len(bomUTF8))
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		c.raw.Discard(len(bomUTF8))
		c.text, c.name = c.raw, "UTF-8 with BOM"
	case bytes.HasPrefix(head, bomUTF16LE):
		c.text = transform.NewReader(c.raw, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
		c.name = "UTF-16LE"
	case bytes.HasPrefix(head, bomUTF16BE):
		c.text = transform.NewReader(c.raw, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
		c.name = "UTF-16BE"
	}
	return c
}

func (c *charsetReader) Read(p []byte) (int, error) {
	if c.text != nil {
		return c.text.Read(p)
	}
	if _, err := c.raw.Peek(1); err != nil || len(p) == 0 {
		return 0, err
	}
	buf, _ := c.raw.Peek(min(len(p), c.raw.Buffered()))
	ascii := 0
	for ascii < len(buf) && buf[ascii] < utf8.RuneSelf {
		ascii++
	}
	if ascii > 0 {
		return c.raw.Read(p[:ascii])
	}
	ahead, err := c.raw.Peek(sampleBytes)
	if err == nil {
		ahead = dropPartialRune(ahead) // cut by the window, not by the file
	}
	c.text = c.raw
	if !utf8.Valid(ahead) {
		// Windows-1251 maps every byte but 0x98: any file decodes, and
		// textCheck catches the garbage of a binary one.
		c.text, c.name = transform.NewReader(c.raw, charmap.Windows1251.NewDecoder()), "Windows-1251"
	}
	return c.text.Read(p)
}

// consumed tells how much of the file the text read so far came from.
func (c *charsetReader) consumed() int64 { return c.file.n - int64(c.raw.Buffered()) }

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// dropPartialRune cuts an incomplete UTF-8 sequence off the end of b.
func dropPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// textCheck passes a CSV file's decoded text on and refuses, anywhere in
// it, what no text list has: a NUL, bytes that are not UTF-8, and control
// characters as dense as in a binary file. A stray control character is
// left to Check, which refuses its row. Lines are counted as encoding/csv
// counts them; bare CR line ends become LF.
type textCheck struct {
	r      io.Reader
	bareCR bool
	line   int    // the line being read, 1-based
	tail   []byte // an incomplete UTF-8 sequence, held for the next read
	// the current window: characters, control characters, and the line
	// of its first control character
	runes, bad, badLine int
}

// binaryWindow is how many characters the density of control characters
// is judged over: a binary file has more than one in a hundred (random
// bytes have ten), more than a stray few.
const (
	binaryWindow = 4 << 10
	binaryFew    = 4
)

func (c *textCheck) Read(p []byte) (int, error) {
	n := copy(p, c.tail)
	c.tail = c.tail[:0]
	m, err := c.r.Read(p[n:])
	n += m
	if err == nil {
		whole := dropPartialRune(p[:n])
		c.tail = append(c.tail, p[len(whole):n]...)
		n = len(whole)
	}
	if cerr := c.scan(p[:n]); cerr != nil {
		return 0, cerr
	}
	if err == io.EOF {
		if cerr := c.judge(); cerr != nil {
			return 0, cerr
		}
	}
	return n, err
}

func (c *textCheck) scan(b []byte) error {
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			if r, size = utf8.DecodeRune(b[i:]); r == utf8.RuneError && size == 1 {
				return errf(fmt.Sprintf("line %d has the byte 0x%02X, which is not UTF-8, though the file is UTF-8 before it: save the list again in one encoding (UTF-8)", c.line, b[i]),
					fmt.Sprintf("в строке %d байт 0x%02X не в UTF-8, хотя до него файл в UTF-8: сохраните список заново в одной кодировке (UTF-8)", c.line, b[i]))
			}
		}
		switch {
		case r == '\r' && c.bareCR:
			b[i] = '\n'
			c.line++
		case r == '\n':
			c.line++
		case r == 0:
			return errf(fmt.Sprintf("this is neither a CSV (text) nor an XLSX file: line %d has a NUL character, which no text list has (is the file damaged? A UTF-16 list needs its BOM, or save it as UTF-8)", c.line),
				fmt.Sprintf("это не CSV (текст) и не XLSX: в строке %d символ NUL, которого в текстовом списке не бывает (файл повреждён? Списку в UTF-16 нужен BOM, или сохраните его в UTF-8)", c.line))
		case r < 0x20 && r != '\t' && r != '\r', r == 0x7F, r == utf8.RuneError:
			if c.bad == 0 {
				c.badLine = c.line
			}
			c.bad++
		}
		if c.runes++; c.runes == binaryWindow {
			if err := c.judge(); err != nil {
				return err
			}
		}
		i += size
	}
	return nil
}

// judge closes a window: too many control characters in it say binary.
func (c *textCheck) judge() error {
	binary := c.bad >= binaryFew && c.bad*100 >= c.runes
	c.runes, c.bad = 0, 0
	if binary {
		return errf(fmt.Sprintf("this is neither a CSV (text) nor an XLSX file: it looks binary from line %d", c.badLine),
			fmt.Sprintf("это не CSV (текст) и не XLSX: похоже на двоичный файл, начиная со строки %d", c.badLine))
	}
	return nil
}

// rowList collects rows in blocks: one slice grown row by row to a
// million rows is copied over and over, five times its size in all. The
// first block holds hint rows, when the number is known roughly.
type rowList struct {
	blocks [][]Row
	n      int
	hint   int
}

func (l *rowList) add(r Row) {
	if k := len(l.blocks); k == 0 || len(l.blocks[k-1]) == cap(l.blocks[k-1]) {
		size := min(256<<k, 64<<10)
		if k == 0 {
			size = max(size, l.hint)
		}
		l.blocks = append(l.blocks, make([]Row, 0, size))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, r)
	l.n++
}

func (l *rowList) all() []Row {
	if len(l.blocks) == 1 {
		return l.blocks[0]
	}
	return slices.Concat(l.blocks...)
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

// sepLine reads Excel's "sep=X" first line: the delimiter and the line's
// length.
func sepLine(data []byte) (rune, int, bool) {
	if len(data) < 5 || !bytes.EqualFold(data[:4], []byte("sep=")) {
		return 0, 0, false
	}
	end := bytes.IndexByte(data, '\n')
	if end < 0 {
		end = len(data)
	}
	v := strings.TrimRight(string(data[4:end]), "\r")
	d, size := utf8.DecodeRuneInString(v)
	if size == 0 || size != len(v) {
		return 0, 0, false
	}
	return d, min(end+1, len(data)), true
}

// detectDelimiter picks among comma, semicolon and tab the one that splits
// the first lines (quotes respected) into the same number of cells, more
// than one: the most consistent wins, then the most cells, then the first
// of tab, semicolon, comma (text has commas, sometimes semicolons, hardly
// ever tabs: cells copied from a spreadsheet are tab-separated, and their
// names have commas). A list of one column has none of them: a comma then.
func detectDelimiter(sample []byte) rune {
	cands := [...]rune{'\t', ';', ','}
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

// tooManyRows says where the row over the limit is ("line 12", "sheet
// "A", row 12") and how to split the list.
func tooManyRows(where, whereRU string, limit int) error {
	en, ru := thousands(limit, ","), thousands(limit, "\u00a0")
	return errf(where+": the list has more than "+en+" rows, the most that is read: save it as several files of at most "+en+" rows each",
		whereRU+": в списке больше "+ru+" строк, а читается не больше "+ru+": сохраните его в несколько файлов, не больше "+ru+" строк в каждом")
}

// thousands writes n with its thousands apart: 1,000,000.
func thousands(n int, sep string) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

func readErr(err error) error {
	return errf("reading: "+err.Error(), "чтение: "+err.Error())
}

func tooBig(size, limit int64) error {
	return errf(fmt.Sprintf("the file is %s; lists up to %s are read: split it, or check that it is the right file", Size(size), Size(limit)),
		fmt.Sprintf("файл занимает %s, а читаются списки до %s: разделите его или проверьте, тот ли это файл", Size(size), Size(limit)))
}

// Size is n bytes for a person: KB, or MB with one decimal.
func Size(n int64) string {
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
	var se *sms.Error
	if errors.As(err, &se) { // the opener's own words
		return inFile(name, se)
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
