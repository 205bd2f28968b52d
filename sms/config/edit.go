package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// BackupSuffix names the copy of the previous file SaveKeys leaves beside
// the new one.
const BackupSuffix = ".bak"

// SaveKeys writes the values c has for keys ("account.login", …) into the
// file at path and changes nothing else in it: comments, blank lines, the
// order and the keys left out stay as they were. A key in the file gets
// its new value in place; one left out is added after the last key of its
// table, or in a new table at the end. With no file yet one is started.
//
// c holds the values as the file is to say them: "" for an account.agent
// or ui.lang that follows the environment. The password SMSDASH_PASSWORD
// gave is refused: it does not go to disk.
//
// The result is loaded as Load would before anything is written, and must
// hold every value given; the previous file is then kept in path+".bak"
// (mode 0600, returned in backup) and the new one written atomically with
// mode 0600. saved is the configuration the new file gives.
func SaveKeys(path string, c *Config, keys []string) (saved *Config, backup string, err error) {
	var edits []edit
	for _, k := range keys {
		v, ok := field(c, k)
		if !ok {
			return nil, "", fmt.Errorf("config: no key %s", k)
		}
		if k == "account.password" && c.FromEnv(k) {
			return nil, "", fmt.Errorf("config: not writing the %s password to %s", PasswordEnv, path)
		}
		lit, err := literal(v)
		if err != nil {
			return nil, "", err
		}
		sec, name, _ := strings.Cut(k, ".")
		edits = append(edits, edit{sec, name, lit})
	}

	file := target(path)
	old, err := readOld(file)
	if err != nil {
		return nil, "", err
	}
	start := old
	if old == nil {
		start = []byte(fileHeader)
	}
	data, err := setKeys(start, edits)
	if err != nil {
		return nil, "", fmt.Errorf("config: %s cannot be edited in place: %w", path, err)
	}
	saved, _, err = parse(path, data)
	if err != nil {
		return nil, "", fmt.Errorf("config: not saved, the file would not load: %w", err)
	}
	for _, k := range keys {
		got, _ := field(saved, k)
		want, _ := field(c, k)
		if !saved.FromEnv(k) && !reflect.DeepEqual(got.Interface(), want.Interface()) {
			return nil, "", fmt.Errorf("config: not saved: %s would not read back as written", k)
		}
	}

	if old != nil {
		backup = file + BackupSuffix
		if err := writeAtomic(backup, old); err != nil {
			return nil, "", err
		}
	}
	if err := writeAtomic(file, data); err != nil {
		return nil, "", err
	}
	return saved, backup, nil
}

// readOld reads the file SaveKeys edits: nil when there is none yet.
func readOld(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("config: %s is larger than %d KiB: not a config file to edit", path, maxFileSize>>10)
	}
	if data == nil {
		data = []byte{} // an empty file is still a file, with a backup
	}
	return data, nil
}

// field is the value c has for a key ("section.key"), found by the toml
// tags.
func field(c *Config, key string) (reflect.Value, bool) {
	parts := strings.Split(key, ".")
	if len(parts) != 2 {
		return reflect.Value{}, false
	}
	v := reflect.ValueOf(c).Elem()
	for _, part := range parts {
		f, ok := fieldByTag(v.Type(), part)
		if !ok {
			return reflect.Value{}, false
		}
		v = v.FieldByIndex(f.Index)
	}
	return v, true
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); f.Tag.Get("toml") == tag {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// literal writes a value of a Config field as TOML.
func literal(v reflect.Value) (string, error) {
	switch x := v.Interface().(type) {
	case Duration:
		return quoteTOML(x.Duration.String()), nil
	case string:
		return quoteTOML(x), nil
	case int:
		return strconv.Itoa(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		switch {
		case math.IsNaN(x):
			return "nan", nil
		case math.IsInf(x, 0):
			return strings.ToLower(strconv.FormatFloat(x, 'g', -1, 64)), nil // "+inf", "-inf"
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") { // "10" would be an integer
			s += ".0"
		}
		return s, nil
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = quoteTOML(s)
		}
		return "[" + strings.Join(q, ", ") + "]", nil
	}
	return "", fmt.Errorf("config: no TOML form for a %s", v.Type())
}

// quoteTOML writes s as a TOML basic string.
func quoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// edit sets one key of a table to a value written as TOML.
type edit struct{ table, key, value string }

// table is where a table's keys are, and where a new one goes.
type table struct {
	// at: a new key's offset; dotted: the table is made of dotted keys at
	// the top ("account.login = …"), so a new key is written so too;
	// inline: the table is an inline one, at is its first key or, when
	// empty (no key yet), just after its "{".
	at             int
	dotted, inline bool
	empty          bool
}

// splice replaces data[from:to] with text.
type splice struct {
	from, to int
	text     string
}

var bom = []byte("\xef\xbb\xbf")

// setKeys returns data with the edits made and every other byte kept.
func setKeys(data []byte, edits []edit) ([]byte, error) {
	body, hasBOM := bytes.CutPrefix(data, bom)
	values, tables, err := places(body)
	if err != nil {
		return nil, err
	}
	nl := "\n"
	if bytes.Contains(body, []byte("\r\n")) {
		nl = "\r\n"
	}
	var splices []splice
	var appended strings.Builder
	newTables := map[string]*strings.Builder{}
	var order []string
	led := false // a line break put at the end of a file that had none
	for _, e := range edits {
		if r, ok := values[e.table+"."+e.key]; ok {
			splices = append(splices, splice{r[0], r[1], e.value})
			continue
		}
		t, ok := tables[e.table]
		lead := "" // the line before ends the file without a line break
		if ok && !t.inline && !led && t.at == len(body) && len(body) > 0 && body[len(body)-1] != '\n' {
			lead, led = nl, true
		}
		switch {
		case !ok:
			b := newTables[e.table]
			if b == nil {
				b = &strings.Builder{}
				newTables[e.table] = b
				order = append(order, e.table)
			}
			b.WriteString(e.key + " = " + e.value + nl)
		case t.inline && t.empty:
			splices = append(splices, splice{t.at, t.at, e.key + " = " + e.value})
			t.empty = false
		case t.inline:
			splices = append(splices, splice{t.at, t.at, e.key + " = " + e.value + ", "})
		case t.dotted:
			splices = append(splices, splice{t.at, t.at, lead + e.table + "." + e.key + " = " + e.value + nl})
		default:
			splices = append(splices, splice{t.at, t.at, lead + e.key + " = " + e.value + nl})
		}
	}
	for i, name := range order {
		if i > 0 {
			appended.WriteString(nl)
		}
		appended.WriteString("[" + name + "]" + nl + newTables[name].String())
	}

	// Splices apply from the end, so the offsets before them hold; those
	// at one offset keep the edits' order.
	out := slices.Clone(body)
	slices.SortStableFunc(splices, func(a, b splice) int { return a.from - b.from })
	for i := len(splices) - 1; i >= 0; i-- {
		s := splices[i]
		out = slices.Concat(out[:s.from], []byte(s.text), out[s.to:])
	}
	if appended.Len() > 0 {
		// A blank line before the new tables, as between the others.
		if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, nl...)
		}
		if len(out) > 0 && !bytes.HasSuffix(out, []byte(nl+nl)) {
			out = append(out, nl...)
		}
		out = append(out, appended.String()...)
	}
	if hasBOM {
		out = slices.Concat(bom, out)
	}
	return out, nil
}

// places parses a TOML document and finds where the values of two-part
// keys ("account.login") are, and the tables with two-part keys.
func places(data []byte) (values map[string][2]int, tables map[string]*table, err error) {
	values, tables = map[string][2]int{}, map[string]*table{}
	var p unstable.Parser
	p.Reset(data)
	var current []string // the path of the last [table] header
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			var last *unstable.Node
			current, last = keyParts(n)
			if n.Kind == unstable.Table && len(current) == 1 {
				tables[current[0]] = &table{at: lineEnd(data, end(last.Raw)), empty: true}
			}
			if n.Kind == unstable.ArrayTable {
				current = append(current, "[]") // nothing of ours is in an array of tables
			}
		case unstable.KeyValue:
			parts, last := keyParts(n)
			key := slices.Concat(current, parts)
			from, to := valueRange(data, last, n)
			switch {
			case len(key) == 2:
				values[key[0]+"."+key[1]] = [2]int{from, to}
				t := tables[key[0]]
				if t == nil {
					t = &table{dotted: len(current) == 0}
					tables[key[0]] = t
				}
				t.at, t.empty = lineEnd(data, to), false
			case len(key) == 1 && n.Value().Kind == unstable.InlineTable:
				t := &table{inline: true, at: from + 1, empty: true}
				tables[key[0]] = t
				for kids := n.Value().Children(); kids.Next(); {
					kv := kids.Node()
					if kv.Kind != unstable.KeyValue {
						continue
					}
					if t.empty { // a new key goes before the first
						t.at, t.empty = int(kv.Raw.Offset), false
					}
					if parts, last := keyParts(kv); len(parts) == 1 {
						from, to := valueRange(data, last, kv)
						values[key[0]+"."+parts[0]] = [2]int{from, to}
					}
				}
			}
		}
	}
	return values, tables, p.Error()
}

// keyParts is the key of a table header or key/value, part by part, and
// its last part's node.
func keyParts(n *unstable.Node) (parts []string, last *unstable.Node) {
	for it := n.Key(); it.Next(); {
		last = it.Node()
		parts = append(parts, string(last.Data))
	}
	return parts, last
}

// valueRange is where the value of the key/value kv is: after the "="
// that follows its key, to the end of kv.
func valueRange(data []byte, lastKey, kv *unstable.Node) (from, to int) {
	from = end(lastKey.Raw)
	from += bytes.IndexByte(data[from:], '=') + 1
	for from < len(data) && (data[from] == ' ' || data[from] == '\t') {
		from++
	}
	return from, end(kv.Raw)
}

func end(r unstable.Range) int { return int(r.Offset + r.Length) }

// lineEnd is the offset after the line break that ends the line holding
// offset i (the rest of which can only be a comment), or the data's end.
func lineEnd(data []byte, i int) int {
	if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(data)
}
