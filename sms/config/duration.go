package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes as text in TOML
// ("30s", "1m30s"). A bare integer (TOML integer or "30" string) means
// seconds, because that is what people type for a timeout.
type Duration struct {
	time.Duration
}

// MarshalText renders the duration in time.Duration.String form, which
// ParseDuration reads back exactly.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.Duration.String()), nil
}

// UnmarshalText accepts a Go duration ("30s", "1m30s", "1.5h") or a whole
// number of seconds ("30").
func (d *Duration) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return d.setSeconds(n)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q (use e.g. \"30s\", \"1m30s\" or a number of seconds)", s)
	}
	d.Duration = v
	return nil
}

// UnmarshalTOML lets the TOML decoder hand over a bare integer (seconds)
// as well as a string; the text path alone would reject integers.
func (d *Duration) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case int64:
		return d.setSeconds(v)
	case string:
		return d.UnmarshalText([]byte(v))
	default:
		return fmt.Errorf("invalid duration: expected a string like \"30s\" or an integer number of seconds, got %s", tomlKind(v))
	}
}

// tomlKind names a decoded TOML value's type as the TOML spec does.
func tomlKind(v any) string {
	switch v.(type) {
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date/time"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return fmt.Sprintf("a %T", v)
	}
}

func (d *Duration) setSeconds(n int64) error {
	const maxSec = math.MaxInt64 / int64(time.Second)
	if n > maxSec || n < -maxSec {
		return fmt.Errorf("invalid duration: %d seconds is out of range", n)
	}
	d.Duration = time.Duration(n) * time.Second
	return nil
}
