package config

import "bytes"

// maxDepth bounds how deeply a config file may nest tables, inline tables
// and arrays. The schema needs 2 ([account] with senders = [...]), but the
// TOML decoder's cost grows with the square of the depth: 4,000 nested
// inline tables in 17 KB took 714 MB to decode.
const maxDepth = 8

// tooDeep returns the line on which data first nests deeper than maxDepth,
// or 0 if it never does. It is a pre-scan, cheap enough to run before the
// decoder: it knows TOML's strings and comments, so brackets and dots
// inside them do not count, and otherwise counts one level for each
// header segment ([a.b] is 2), each dot of a key (a.b = 1 is 1), each
// inline table and each array. An array of tables counts as one level with
// its tables. On a file that is not TOML it returns some answer and the
// decoder then reports the syntax error.
func tooDeep(data []byte) int {
	type frame struct {
		table bool // an inline table: its entries are keys
		depth int
	}
	var stack [maxDepth]frame // each frame is one level deeper than the last
	n := 0
	line := 1
	table := 0 // the depth of the last [header]
	depth := 0 // where the current key or value sits
	inKey := true
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\n':
			line++
			if n == 0 {
				inKey, depth = true, table
			}
		case c == '#':
			if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
				i += j - 1
			} else {
				i = len(data)
			}
		case c == '"' || c == '\'':
			i, line = skipString(data, i, line)
		case inKey && c == '[' && n == 0:
			i, table, line = header(data, i, line)
			if table > maxDepth {
				return line
			}
			depth = table
		case inKey && c == '.':
			if depth++; depth > maxDepth {
				return line
			}
		case inKey && c == '=':
			inKey = false
		case !inKey && (c == '[' || c == '{'):
			if depth++; depth > maxDepth {
				return line
			}
			stack[n] = frame{table: c == '{', depth: depth}
			n++
			inKey = c == '{'
		case (c == ']' || c == '}') && n > 0:
			n--
			depth, inKey = table, false
			if n > 0 {
				depth = stack[n-1].depth
			}
		case c == ',' && n > 0:
			inKey, depth = stack[n-1].table, stack[n-1].depth
		}
	}
	return 0
}

// header reads the table header opening at data[i] and returns the index
// of its last byte, its number of segments and line advanced past any
// newline in its quoted keys. A header ends at "]" or, when it is broken,
// before the newline.
func header(data []byte, i, line int) (end, segments, endLine int) {
	if i+1 < len(data) && data[i+1] == '[' {
		i++
	}
	segments = 1
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\n':
			return i - 1, segments, line
		case '"', '\'':
			i, line = skipString(data, i, line)
		case '.':
			segments++
		case ']':
			if i+1 < len(data) && data[i+1] == ']' {
				i++
			}
			return i, segments, line
		}
	}
	return i, segments, line
}

// skipString returns the index of the closing quote of the string opening
// at data[i], and line advanced by the newlines inside it. A one-line
// string left open ends before the newline.
func skipString(data []byte, i, line int) (int, int) {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if multi {
		i += 2
	}
	for i++; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\\' && q == '"':
			if i++; i < len(data) && data[i] == '\n' {
				line++
			}
		case c == '\n' && !multi:
			return i - 1, line
		case c == '\n':
			line++
		case c == q && !multi:
			return i, line
		case c == q && i+2 < len(data) && data[i+1] == q && data[i+2] == q:
			// Up to two more quotes before the closing three are content.
			i += 2
			for k := 0; k < 2 && i+1 < len(data) && data[i+1] == q; k++ {
				i++
			}
			return i, line
		}
	}
	return i, line
}
