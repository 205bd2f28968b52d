// Package settings is the Settings tab: every key of the config file,
// checked as it is typed, saved with ctrl+s (mode 0600), and a test of
// the connection with what is typed, saved or not.
package settings

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
)

// Focus positions after the fields.
var (
	testButton = len(defs)
	saveButton = len(defs) + 1
	nFocus     = len(defs) + 2
)

// Model is the Settings tab.
type Model struct {
	ctx     *common.Context
	inputs  []field.Input // one per def
	focus   int
	errs    map[string]string // by key, for what is typed now
	testing bool
	test    string // the last test's outcome, drawn as is
	testOK  bool
	note    string // the last save's outcome
	noteErr bool
	demoAsk bool // ctrl+d pressed once: the next one moves the file
	w, h    int
}

type (
	testMsg struct {
		credits float64
		err     error
		what    string // transport and login tested
		secrets *secret.Masker
	}
	savedMsg struct {
		cfg *config.Config
		err error
	}
)

// New makes the tab with the running configuration.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, inputs: make([]field.Input, len(defs))}
	m.reset(ctx.App.Config)
	m.setFocus(common.NoFocus)
	return m
}

// reset fills every field from c.
func (m *Model) reset(c *config.Config) {
	for i, d := range defs {
		m.inputs[i].SetValue(d.get(c))
		m.inputs[i].Mask = d.kind == secretKind
	}
	m.check()
}

func (m *Model) Init() tea.Cmd    { return nil }
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }
func (m *Model) Capturing() bool {
	return m.focus >= 0 && m.focus < len(defs) && defs[m.focus].kind != choice
}
func (m *Model) onChoice() bool {
	return m.focus >= 0 && m.focus < len(defs) && defs[m.focus].kind == choice
}
func (m *Model) onButton() bool { return m.focus == testButton || m.focus == saveButton }
func (m *Model) input() *field.Input {
	if m.Capturing() {
		return &m.inputs[m.focus]
	}
	return nil
}

func (m *Model) setFocus(f int) {
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	m.focus = f
	if in := m.input(); in != nil {
		in.Focus()
	}
}

// build turns what is typed into a Config and collects the problems by
// key: the field's own parse error first, then config.Validate's.
func (m *Model) build() (*config.Config, map[string]string) {
	c := *m.ctx.App.Config // keeps what Load remembered about SMSDASH_PASSWORD
	c.Account.Senders = slices.Clone(c.Account.Senders)
	errs := map[string]string{}
	for i, d := range defs {
		if err := d.set(&c, m.inputs[i].Value(), m.ctx.T); err != nil {
			errs[d.key] = common.ErrText(err, m.ctx.Lang())
		}
	}
	if err := c.Validate(); err != nil {
		for _, e := range unjoin(err) {
			k, msg, _ := strings.Cut(e.Error(), ": ")
			var p *config.Problem
			if errors.As(e, &p) {
				k, msg = p.Key, p.Text(m.ctx.Lang())
			}
			msg = sms.Safe(msg) // it may quote the value
			if _, ok := errs[k]; !ok {
				errs[k] = msg
			}
		}
	}
	return &c, errs
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (m *Model) check() { _, m.errs = m.build() }

type keys struct {
	next, prev, save, test, choose, enter, esc, real, demo key.Binding
}

func (m *Model) keys() keys {
	t, fk := m.ctx.T, m.ctx.FormKeys()
	return keys{
		next:   fk.Next,
		prev:   fk.Prev,
		save:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", t.SaveKey)),
		test:   key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", t.TestKey)),
		choose: key.NewBinding(key.WithKeys("left", "right", " "), key.WithHelp("←/→", t.Choose)),
		enter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.Press)),
		esc:    fk.Esc,
		real:   key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", t.RealGateway)),
		demo:   key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", t.BackToDemo)),
	}
}

// ShortHelp lists only the keys that work now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys()
	out := []key.Binding{k.next, k.save}
	if !m.testing {
		out = append(out, k.test)
	}
	switch {
	case m.onChoice():
		out = append(out, k.choose)
	case m.onButton():
		out = append(out, k.enter)
	case m.Capturing():
		out = append(out, k.esc)
	}
	return out
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys()
	col := []key.Binding{k.prev}
	if m.ctx.App.Demo {
		col = append(col, k.real)
	} else {
		col = append(col, k.demo)
	}
	return [][]key.Binding{m.ShortHelp(), col}
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.key(msg)
	case testMsg:
		m.testing, m.testOK = false, msg.err == nil
		if msg.err != nil {
			m.test = fmt.Sprintf(m.ctx.T.TestFailed, msg.what, msg.secrets.Mask(common.ErrText(msg.err, m.ctx.Lang())))
		} else {
			m.test = fmt.Sprintf(m.ctx.T.TestOK, msg.what, msg.credits)
		}
	case savedMsg:
		if msg.err != nil {
			m.note, m.noteErr = m.ctx.T.NotSaved+": "+common.ErrText(msg.err, m.ctx.Lang()), true
			return nil
		}
		return common.Cmd(common.ConfigSaved{Config: msg.cfg})
	case common.ConfigSaved:
		// Said here, after the root has applied the config: the language
		// may have just changed.
		m.note, m.noteErr = fmt.Sprintf(m.ctx.T.Saved, m.ctx.App.ConfigPath), false
		if m.ctx.App.Demo {
			m.note += " " + m.ctx.T.RestartToLeaveDemo
		}
		m.check()
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.keys()
	if !key.Matches(msg, k.demo) {
		m.demoAsk = false
	}
	switch {
	case key.Matches(msg, k.save):
		return m.save()
	case key.Matches(msg, k.test):
		return m.testConnection()
	case key.Matches(msg, k.next), msg.Type == tea.KeyEnter && !m.onButton():
		m.setFocus(common.Step(m.focus, 1, nFocus))
	case key.Matches(msg, k.prev):
		m.setFocus(common.Step(m.focus, -1, nFocus))
	case key.Matches(msg, k.esc):
		m.setFocus(common.NoFocus)
	case key.Matches(msg, k.real) && m.ctx.App.Demo:
		d := config.Default()
		for i, def := range defs {
			if slices.Contains(realGateway, def.key) {
				m.inputs[i].SetValue(def.get(d))
			}
		}
		m.setFocus(0)
		m.check()
		m.note, m.noteErr = m.ctx.T.RealGatewayNote, false
	case key.Matches(msg, k.demo) && !m.ctx.App.Demo:
		return m.backToDemo()
	case m.onButton() && msg.Type == tea.KeyEnter:
		if m.focus == testButton {
			return m.testConnection()
		}
		return m.save()
	case m.onChoice() && key.Matches(msg, k.choose):
		d, in := defs[m.focus], &m.inputs[m.focus]
		step := 1
		if msg.Type == tea.KeyLeft {
			step = -1
		}
		in.SetValue(d.choices[common.Step(slices.Index(d.choices, in.Value()), step, len(d.choices))])
		m.check()
	case m.input() != nil:
		if m.input().Update(msg) {
			m.check()
		}
	}
	return nil
}

func (m *Model) save() tea.Cmd {
	cfg, errs := m.build()
	m.errs = errs
	t := m.ctx.T
	if len(errs) > 0 {
		m.note, m.noteErr = t.Problems.N(len(errs), strings.Join(sortedKeys(errs), ", ")), true
		return nil
	}
	if a := m.ctx.App; a.Demo && a.Sim != nil && pointsAt(cfg, a.Sim.URL()) {
		m.note, m.noteErr = t.DemoURLs, true
		return nil
	}
	path := m.ctx.App.ConfigPath
	return func() tea.Msg { return savedMsg{cfg, config.Save(path, cfg)} }
}

// pointsAt reports a URL on the DEMO simulator, which ends with this
// program: a file pointing there would not work tomorrow.
func pointsAt(c *config.Config, base string) bool {
	for _, u := range []string{c.API.SendPlainURL, c.API.StatusPlainURL, c.API.CreditsPlainURL, c.API.XMLURL, c.API.JSONURL} {
		if strings.HasPrefix(u, base) {
			return true
		}
	}
	return false
}

// testConnection reads the balance with what is typed now, saved or not.
func (m *Model) testConnection() tea.Cmd {
	if m.testing {
		return nil
	}
	cfg, _ := m.build()
	m.testing, m.test = true, ""
	base := m.ctx.Base
	what := sms.Safe(cfg.API.Transport + ", " + cfg.Account.Login)
	secrets := secret.New(cfg.Secrets()...)
	return func() tea.Msg {
		g, err := app.Gateway(cfg, "")
		if err != nil {
			return testMsg{err: err, what: what, secrets: secrets}
		}
		ctx, cancel := context.WithTimeout(base, min(max(cfg.API.Timeout.Duration, time.Second), 30*time.Second))
		defer cancel()
		credits, err := g.Balance(ctx)
		return testMsg{credits: credits, err: err, what: what, secrets: secrets}
	}
}

// backToDemo moves the config file aside (after a second ctrl+d): the
// next start finds no file and runs DEMO.
func (m *Model) backToDemo() tea.Cmd {
	t, path := m.ctx.T, m.ctx.App.ConfigPath
	if !m.demoAsk {
		m.demoAsk = true
		m.note, m.noteErr = fmt.Sprintf(t.BackToDemoAsk, path), false
		return nil
	}
	m.demoAsk = false
	aside := path + ".bak-" + m.ctx.Now().Format("20060102-150405")
	if err := os.Rename(path, aside); err != nil {
		m.note, m.noteErr = t.NotMoved+": "+common.ErrText(err, m.ctx.Lang()), true
		return nil
	}
	m.note, m.noteErr = fmt.Sprintf(t.MovedAside, aside), false
	return nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for _, d := range defs {
		if _, ok := m[d.key]; ok {
			ks = append(ks, d.key)
		}
	}
	for k := range m {
		if !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	return ks
}

const labelW = 24

func (m *Model) View() string {
	t, s := m.ctx.T, m.ctx.S
	head := s.Title.Render(t.SettingsFile) + " " + m.ctx.App.ConfigPath
	if m.ctx.App.Demo {
		head += "  " + s.Warn.Render(t.DemoNotSaved)
	}
	// The list takes what the head and the six lines under it leave.
	listH := max(m.h-8, 3)
	lines, at := m.list()
	first := min(max(at-listH/2, 0), max(len(lines)-listH, 0))
	list := lines[first:min(first+listH, len(lines))]

	out := []string{head}
	out = append(out, list...)
	for len(out) < listH+1 {
		out = append(out, "")
	}
	out = append(out, m.focusNotes()...)
	out = append(out, m.buttons())
	switch {
	case m.testing:
		out = append(out, s.Faint.Render(t.Testing))
	case m.test != "" && m.testOK:
		out = append(out, s.OK.Render("✓ "+m.test))
	case m.test != "":
		out = append(out, s.Err.Render("✗ "+m.test))
	default:
		out = append(out, "")
	}
	switch {
	case m.note != "" && m.noteErr:
		out = append(out, common.Lines(s.Err, common.Wrap(m.note, m.w)))
	case m.note != "":
		out = append(out, common.Lines(s.OK, common.Wrap(m.note, m.w)))
	}
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}

// list draws section titles and fields, and says on which line the
// focus is.
func (m *Model) list() (lines []string, at int) {
	t, s := m.ctx.T, m.ctx.S
	section := ""
	valueW := max(m.w-labelW-2, 8)
	for i, d := range defs {
		sec, name, _ := strings.Cut(d.key, ".")
		if sec != section {
			section = sec
			lines = append(lines, s.Title.Render("["+sec+"] ")+s.Faint.Render(t.Section(sec)))
		}
		mark, label := "  ", s.Label
		if _, bad := m.errs[d.key]; bad {
			mark = s.Err.Render("! ")
		}
		if i == m.focus {
			at = len(lines)
			mark, label = s.Focused.Render("› "), s.Focused
		}
		var value string
		switch {
		case d.kind == choice && i == m.focus:
			value = "‹ " + sms.Safe(m.inputs[i].Value()) + " ›"
		case d.kind == choice:
			value = sms.Safe(m.inputs[i].Value())
		case d.kind == secretKind && m.inputs[i].Value() == "" && i != m.focus:
			value = s.Faint.Render(t.NotSet)
		default:
			value = m.inputs[i].View(valueW, 1, s)
		}
		lines = append(lines, mark+label.Render(common.Pad(name, labelW-2))+value)
	}
	if m.onButton() {
		at = len(lines)
	}
	return lines, at
}

// focusNotes: what the focused key means, and its problem if any (or how
// many other keys have one).
func (m *Model) focusNotes() []string {
	t, s := m.ctx.T, m.ctx.S
	desc, problem := "", ""
	if m.focus >= 0 && m.focus < len(defs) {
		k := defs[m.focus].key
		desc = t.SettingHelp(k)
		if e, ok := m.errs[k]; ok {
			problem = s.Err.Render("✗ " + k + ": " + e)
		} else {
			problem = s.OK.Render("✓ " + k)
		}
	}
	if others := len(m.errs); others > 0 && problem == "" {
		problem = s.Err.Render(t.Problems.N(others, strings.Join(sortedKeys(m.errs), ", ")))
	}
	return []string{s.Faint.Render(desc), problem}
}

func (m *Model) buttons() string {
	t, s := m.ctx.T, m.ctx.S
	return s.ButtonView(t.TestConnection+"  ctrl+t", m.focus == testButton) + " " +
		s.ButtonView(t.Save+"  ctrl+s", m.focus == saveButton)
}
