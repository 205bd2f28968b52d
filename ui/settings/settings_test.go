package settings

import (
	"reflect"
	"slices"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/ui/i18n"
)

// TestEveryKey: Settings edits every key of the config file, each with
// an explanation in both languages, and reads back what it writes.
func TestEveryKey(t *testing.T) {
	var keys []string
	cfg := reflect.TypeOf(config.Config{})
	for i := range cfg.NumField() {
		sec := cfg.Field(i)
		if sec.Tag.Get("toml") == "" {
			continue
		}
		for j := range sec.Type.NumField() {
			keys = append(keys, sec.Tag.Get("toml")+"."+sec.Type.Field(j).Tag.Get("toml"))
		}
	}
	var have []string
	for _, d := range defs {
		have = append(have, d.key)
	}
	if !slices.Equal(keys, have) {
		t.Errorf("config keys %v\nSettings has %v", keys, have)
	}
	c := config.Default()
	c.Account.Senders = []string{"CMC", "Shop_24"}
	for _, l := range []sms.Lang{sms.EN, sms.RU} {
		tx := i18n.For(l)
		for _, d := range defs {
			if tx.SettingHelp(d.key) == "" {
				t.Errorf("%s: no %s help", d.key, l)
			}
			back := *c
			if err := d.set(&back, d.get(c), tx); err != nil || d.get(&back) != d.get(c) {
				t.Errorf("%s: %q does not read back: %q, %v", d.key, d.get(c), d.get(&back), err)
			}
		}
	}
}
