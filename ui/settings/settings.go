// Package settings is the Settings tab: every key of the config file,
// checked as it is typed, and a test of the connection with what is
// typed, saved or not. ctrl+s writes only the keys changed into the file
// (config.SaveKeys keeps the rest of it byte for byte, and the previous
// file as a backup); leaving with changes not saved asks first.
package settings

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
	"github.com/smsdash/smsdash/ui/i18n"
)

// Focus positions after the fields.
var (
	testButton = len(defs)
	saveButton = len(defs) + 1
	nFocus     = len(defs) + 2
)

// Model is the Settings tab.
// Store is the configuration as Settings reads and saves it (sms/app.App
// is one): saving refuses a session that is not an admin's.
type Store interface {
	Config() *config.Config
	SaveConfig(s app.Session, c *config.Config, keys []string) (saved *config.Config, backup string, setup, err error)
}

// File is where the configuration lives, and whether smsdash runs DEMO
// on the built-in simulator (at SimURL, "" when none is known).
type File struct {
	Path   string
	Demo   bool
	SimURL string
}

type Model struct {
	ctx    *common.Context
	keyset common.Memo[*i18n.Texts, keys]
	store  Store
	where  File
	inputs []field.Input // one per def
	// orig is what each field showed when the file was read or saved:
	// a field that differs is marked, and unsaved. file is what the file
	// says, as the fields show it: the keys that differ from it are the
	// ones written. Only with no file yet (DEMO) do they differ: no file
	// is every default.
	orig, file []string
	envPass    bool // SMSDASH_PASSWORD gives account.password: not editable
	focus      int
	cfg        *config.Config    // what is typed now, as it would run
	errs       map[string]string // by key, for what is typed now
	asking     *common.AskLeave  // the question before leaving with edits
	leaving    *common.AskLeave  // answered "save": leave once saved
	testing    bool
	test       string // the last test's outcome, drawn as is
	testOK     bool
	note       string // the last save's outcome
	noteErr    bool
	backup     string // where the last save put the previous file
	demoAsk    bool   // ctrl+d pressed once: the next one moves the file
	w, h       int
	hits       common.Hits // the last view's fields and buttons
	// first is the list's first line drawn; pinned keeps it there (the
	// wheel turned, a field clicked) until a key moves the focus, or is
	// pressed while the focused field is out of sight (shown is false).
	first         int
	pinned, shown bool
}

type (
	testMsg struct {
		credits float64
		err     error
		what    string // transport and login tested
		secrets *secret.Masker
	}
	savedMsg struct {
		cfg    *config.Config
		backup string
		setup  error // the saved config's transport could not be set up
		err    error
	}
)

// New makes the tab with the running configuration.
func New(ctx *common.Context, st Store, where File) *Model {
	m := &Model{ctx: ctx, store: st, where: where, inputs: make([]field.Input, len(defs))}
	m.reset(st.Config())
	if where.Demo {
		m.file = shown(config.Default())
	}
	m.setFocus(common.NoFocus)
	return m
}

// shown is what the fields show for c: "" for an agent or a language
// that follows the environment (saved so, it goes on following it).
func shown(c *config.Config) []string {
	out := make([]string, len(defs))
	for i, d := range defs {
		if d.key == "account.agent" || d.key == "ui.lang" {
			if c.FromEnv(d.key) {
				continue
			}
		}
		out[i] = d.get(c)
	}
	return out
}

// reset fills every field from c, as the file now says.
func (m *Model) reset(c *config.Config) {
	m.orig = shown(c)
	m.file = m.orig
	m.envPass = c.FromEnv("account.password")
	for i, d := range defs {
		m.inputs[i].SetValue(m.orig[i])
		m.inputs[i].Mask = d.kind == secretKind
	}
	m.check()
}

func (m *Model) Init() tea.Cmd    { return nil }
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// Capturing: a text field has the keys, or the question before leaving.
func (m *Model) Capturing() bool {
	return m.asking != nil || m.focus >= 0 && m.focus < len(defs) && defs[m.focus].kind != choice && !m.readOnly(m.focus)
}

// readOnly: the password SMSDASH_PASSWORD gives is not the file's to edit.
func (m *Model) readOnly(i int) bool { return m.envPass && defs[i].key == "account.password" }

// Unsaved reports fields changed and not saved: the root asks before
// leaving the tab or quitting.
func (m *Model) Unsaved() bool { return m.changed() > 0 }

func (m *Model) changed() int {
	n := 0
	for i := range defs {
		if m.modified(i) {
			n++
		}
	}
	return n
}

func (m *Model) modified(i int) bool { return m.inputs[i].Value() != m.orig[i] }
func (m *Model) onChoice() bool {
	return m.focus >= 0 && m.focus < len(defs) && defs[m.focus].kind == choice
}
func (m *Model) onButton() bool { return m.focus == testButton || m.focus == saveButton }
func (m *Model) input() *field.Input {
	if m.asking == nil && m.Capturing() {
		return &m.inputs[m.focus]
	}
	return nil
}

func (m *Model) setFocus(f int) {
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	m.focus, m.pinned = f, false
	if in := m.input(); in != nil {
		in.Focus()
	}
}

// build turns what is typed into a Config as the file is to say it
// (raw: "" for an agent or lang that follows the environment) and as it
// would run (cfg), and collects the problems by key: the field's own
// parse error first, then config.Validate's, then the sender rule
// Compose sends by.
func (m *Model) build() (raw, cfg *config.Config, errs map[string]string) {
	c := *m.store.Config() // keeps what Load remembered about SMSDASH_PASSWORD
	c.Account.Senders = slices.Clone(c.Account.Senders)
	errs = map[string]string{}
	problem := func(k, msg string) {
		if _, ok := errs[k]; !ok {
			errs[k] = sms.Safe(msg) // it may quote the value
		}
	}
	l := m.ctx.Lang()
	for i, d := range defs {
		if err := d.set(&c, m.inputs[i].Value(), m.ctx.T); err != nil {
			problem(d.key, common.ErrText(err, l))
		}
	}
	r := c
	c.Resolve()
	if err := c.Validate(); err != nil {
		for _, e := range unjoin(err) {
			k, msg, _ := strings.Cut(e.Error(), ": ")
			var p *config.Problem
			if errors.As(e, &p) {
				k, msg = p.Key, p.Text(l)
			}
			problem(k, msg)
		}
	}
	for _, s := range c.Account.Senders {
		if err := sms.ValidateSender(s); err != nil {
			problem("account.senders", common.ErrText(err, l))
		}
	}
	if err := sms.ValidateSender(c.Account.Sender); err != nil {
		problem("account.sender", common.ErrText(err, l))
	}
	return &r, &c, errs
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (m *Model) check() {
	_, m.cfg, m.errs = m.build()
	for i, d := range defs {
		if d.key == "account.agent" {
			m.inputs[i].Placeholder = fmt.Sprintf(m.ctx.T.FromUser, m.cfg.Account.Agent)
		}
	}
}

// edited: a field changed, so what was said about the fields before
// (a test, a save) is no longer about them.
func (m *Model) edited() {
	m.check()
	m.test, m.testOK, m.note, m.noteErr = "", false, "", false
}

type keys struct {
	next, prev, save, test, choose, enter, esc, real, demo key.Binding
	askSave, askDiscard, askBack                           key.Binding
}

// keys are made once per language: the help bar asks for them at every
// frame.
func (m *Model) keys() keys { return m.keyset.Get(m.ctx.T, m.newKeys) }

func (m *Model) newKeys() keys {
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

		askSave:    key.NewBinding(key.WithKeys("s", "ctrl+s"), key.WithHelp("s", t.SaveKey)),
		askDiscard: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", t.DiscardKey)),
		askBack:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.LeaveBack)),
	}
}

// ShortHelp lists only the keys that work now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys()
	if m.asking != nil {
		return []key.Binding{k.askSave, k.askDiscard, k.askBack}
	}
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
	if m.asking != nil {
		return [][]key.Binding{m.ShortHelp()}
	}
	col := []key.Binding{k.prev}
	if m.where.Demo {
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
	case common.Mouse:
		return m.mouse(msg)
	case testMsg:
		m.testing, m.testOK = false, msg.err == nil
		if msg.err != nil {
			m.test = fmt.Sprintf(m.ctx.T.TestFailed, msg.what, msg.secrets.Mask(common.ErrText(msg.err, m.ctx.Lang())))
		} else {
			m.test = fmt.Sprintf(m.ctx.T.TestOK, msg.what, msg.credits)
		}
	case savedMsg:
		if msg.err != nil {
			m.leaving = nil
			m.note, m.noteErr = m.ctx.T.NotSaved+": "+common.ErrText(msg.err, m.ctx.Lang()), true
			return nil
		}
		m.backup = msg.backup
		return common.Cmd(common.ConfigSaved{Config: msg.cfg, Err: msg.setup})
	case common.ConfigSaved:
		// Said here, after the root has applied the config: the language
		// may have just changed.
		m.reset(msg.Config)
		t := m.ctx.T
		m.note, m.noteErr = fmt.Sprintf(t.Saved, m.where.Path), false
		if m.backup != "" {
			m.note = fmt.Sprintf(t.SavedBackup, m.where.Path, m.backup)
		}
		if m.where.Demo {
			m.note += " " + t.RestartToLeaveDemo
		}
		return m.leave()
	case common.AskLeave:
		m.asking = &msg
	}
	return nil
}

// leave lets the root go where it was going when asked, if it was.
func (m *Model) leave() tea.Cmd {
	l := m.leaving
	m.leaving = nil
	if l == nil {
		return nil
	}
	return common.Cmd(common.Leave(*l))
}

// answer takes the keys of the question before leaving with edits.
func (m *Model) answer(msg tea.KeyMsg) tea.Cmd {
	k := m.keys()
	a := m.asking
	switch {
	case key.Matches(msg, k.askSave):
		m.asking, m.leaving = nil, a
		cmd := m.save()
		if cmd == nil { // refused: the note says why
			m.leaving = nil
		}
		return cmd
	case key.Matches(msg, k.askDiscard):
		m.asking, m.leaving = nil, a
		for i := range defs {
			m.inputs[i].SetValue(m.orig[i])
		}
		m.edited()
		return m.leave()
	case key.Matches(msg, k.askBack):
		m.asking = nil
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	m.pinned = m.pinned && m.shown
	if m.asking != nil {
		return m.answer(msg)
	}
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
	case m.refuseEdit(msg):
		return nil
	case key.Matches(msg, k.real) && m.where.Demo:
		d := config.Default()
		for i, def := range defs {
			if slices.Contains(realGateway, def.key) {
				m.inputs[i].SetValue(def.get(d))
			}
		}
		m.setFocus(0)
		m.edited()
		m.note = m.ctx.T.RealGatewayNote
	case key.Matches(msg, k.demo) && !m.where.Demo:
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
		m.edited()
	case m.input() != nil:
		if m.input().Update(msg) {
			m.edited()
		}
	}
	return nil
}

// mouse: a click on a field focuses it, on a button presses it as its
// key does; the wheel scrolls the list a line a notch. The list stays
// where it is until a key moves the focus. While the question before
// leaving waits, a click is no answer: only its keys answer it.
func (m *Model) mouse(ms common.Mouse) tea.Cmd {
	if m.asking != nil {
		return nil
	}
	if d := ms.Wheel(); d != 0 {
		m.first, m.pinned = m.first+d, true
		return nil
	}
	f, ok := m.hits.At(ms)
	if !ms.Click() || !ok {
		return nil
	}
	m.setFocus(f)
	m.demoAsk, m.pinned = false, true
	switch f {
	case testButton:
		return m.testConnection()
	case saveButton:
		return m.save()
	}
	return nil
}

// save writes the keys that differ from the file.
func (m *Model) save() tea.Cmd {
	raw, cfg, errs := m.build()
	m.cfg, m.errs = cfg, errs
	t := m.ctx.T
	if len(errs) > 0 {
		m.note, m.noteErr = t.Problems.N(len(errs), strings.Join(sortedKeys(errs), ", ")), true
		return nil
	}
	if w := m.where; w.Demo && w.SimURL != "" && pointsAt(cfg, w.SimURL) {
		m.note, m.noteErr = t.DemoURLs, true
		return nil
	}
	var keys []string
	for i, d := range defs {
		if m.inputs[i].Value() != m.file[i] {
			keys = append(keys, d.key)
		}
	}
	if len(keys) == 0 {
		m.orig = slices.Clone(m.file) // what differed is what the file says already
		m.note, m.noteErr = t.NothingToSave, false
		return m.leave()
	}
	st, session := m.store, m.ctx.Session
	return func() tea.Msg {
		saved, backup, setup, err := st.SaveConfig(session, raw, keys)
		return savedMsg{saved, backup, setup, err}
	}
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

// refuseEdit stops an edit by a session that may not change the settings
// (an agent over smsdash serve), saying why, before anything is typed.
func (m *Model) refuseEdit(msg tea.KeyMsg) bool {
	err := m.ctx.Session.MayConfigure()
	edit := key.Matches(msg, m.keys().real) || m.onChoice() && key.Matches(msg, m.keys().choose) ||
		m.input() != nil && (msg.Type == tea.KeyRunes || msg.Type == tea.KeyBackspace || msg.Type == tea.KeyDelete || msg.Type == tea.KeyCtrlU || msg.Type == tea.KeyCtrlK || msg.Type == tea.KeyCtrlW)
	if err == nil || !edit {
		return false
	}
	m.note, m.noteErr = common.ErrText(err, m.ctx.Lang()), true
	return true
}

// testConnection reads the balance with what is typed now, saved or not.
// A session that may not change the settings tests the saved ones: what
// it types never gets the account's secrets sent to it.
func (m *Model) testConnection() tea.Cmd {
	if m.testing {
		return nil
	}
	_, cfg, _ := m.build()
	if m.ctx.Session.MayConfigure() != nil {
		cfg = m.store.Config()
	}
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
	t, path := m.ctx.T, m.where.Path
	if err := m.ctx.Session.MayConfigure(); err != nil {
		m.note, m.noteErr = t.NotMoved+": "+common.ErrText(err, m.ctx.Lang()), true
		return nil
	}
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
	m.file = shown(config.Default()) // no file: a save writes all that is not a default
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
	head := s.Title.Render(t.SettingsFile) + " " + sms.Safe(m.where.Path)
	if m.where.Demo {
		head += "  " + s.Warn.Render(t.DemoNotSaved)
	}
	var note string
	switch {
	case m.asking != nil:
		note = common.Lines(s.Warn, common.Wrap(fmt.Sprintf(t.LeaveAsk, m.changed()), m.w))
	case m.note != "" && m.noteErr:
		note = common.Lines(s.Err, common.Wrap(m.note, m.w))
	case m.note != "":
		note = common.Lines(s.OK, common.Wrap(m.note, m.w))
	}
	// The list takes what the head and the lines under it leave, one
	// line kept for a note so that the list does not jump for a short one.
	listH := max(m.h-5-max(strings.Count(note, "\n")+1, 1), 3)
	m.hits.Reset()
	out := []string{head}
	out = append(out, m.window(listH, len(out))...)
	out = append(out, m.focusNotes()...)
	buttons := m.buttons(len(out))
	if n := m.changed(); n > 0 {
		buttons += "  " + s.Warn.Render(fmt.Sprintf(t.Unsaved, n))
	}
	out = append(out, buttons)
	switch {
	case m.testing:
		out = append(out, s.Faint.Render(t.Testing))
	case m.test != "" && m.testOK:
		out = append(out, s.OK.Render("✓ "+m.test))
	case m.test != "":
		out = append(out, common.Message(s.Err, "✗ "+m.test, m.w))
	default:
		out = append(out, "")
	}
	out = append(out, note)
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}

// window is h lines of the list around the focus (or where the wheel
// left it), drawn from screen line top; a first or last line says what
// is above or below instead.
func (m *Model) window(h, top int) []string {
	t, s := m.ctx.T, m.ctx.S
	lines, sections, fields, at := m.list()
	first := 0
	switch {
	case len(lines) <= h:
	case m.pinned:
		first = min(max(m.first, 0), len(lines)-h)
	default:
		first = min(max(at-h/2, 0), len(lines)-h)
	}
	m.first = first
	shown := slices.Clone(lines[first:min(first+h, len(lines))])
	of := fields[first : first+len(shown)] // the field each line shows
	if first > 0 {
		shown[0], of[0] = s.Faint.Render(fmt.Sprintf(t.MoreAbove, first+1)), common.NoHit
	}
	if last := first + h - 1; last < len(lines)-1 {
		var below []string
		for i, sec := range sections {
			if i >= last && sec != "" {
				below = append(below, "["+sec+"]")
			}
		}
		shown[h-1], of[h-1] = s.Faint.Render(fmt.Sprintf(t.MoreBelow, len(lines)-last, strings.Join(below, " "))), common.NoHit
	}
	m.shown = m.focus < 0 || m.focus >= len(defs)
	for i, f := range of {
		if f != common.NoHit {
			m.hits.Mark(top+i, f)
			m.shown = m.shown || f == m.focus
		}
	}
	return append(shown, make([]string, h-len(shown))...)
}

// list draws section titles and fields, and says which lines start a
// section, which field each line shows (common.NoHit: a title) and on
// which line the focus is.
func (m *Model) list() (lines, sections []string, fields []int, at int) {
	t, s := m.ctx.T, m.ctx.S
	section := ""
	valueW := max(m.w-labelW-2, 8)
	for i, d := range defs {
		sec, name, _ := strings.Cut(d.key, ".")
		if sec != section {
			section = sec
			lines = append(lines, s.Title.Render("["+sec+"] ")+s.Faint.Render(t.Section(sec)))
			sections, fields = append(sections, sec), append(fields, common.NoHit)
		}
		mark, label := "  ", s.Label
		if _, bad := m.errs[d.key]; bad {
			mark = s.Err.Render("! ")
		}
		if i == m.focus {
			at = len(lines)
			mark, label = s.Focused.Render("› "), s.Focused
		}
		if m.modified(i) {
			name += " *"
		}
		lines = append(lines, mark+label.Render(common.Pad(name, labelW-2))+m.value(i, valueW))
		sections, fields = append(sections, ""), append(fields, i)
	}
	if m.onButton() {
		at = len(lines)
	}
	return lines, sections, fields, at
}

// value draws field i in w cells: the focused one as the field does,
// scrolled to the cursor; the others from their start, cut at the end.
func (m *Model) value(i, w int) string {
	t, s := m.ctx.T, m.ctx.S
	d, in := defs[i], &m.inputs[i]
	v := in.Value()
	switch {
	case m.readOnly(i):
		return s.Faint.Render(t.FromEnvPassword)
	case d.key == "ui.lang" && v == "":
		v = fmt.Sprintf(t.FollowLang, m.cfg.UI.Lang)
	case d.kind == choice:
		v = sms.Safe(v)
	case i == m.focus:
		return in.View(w, 1, s)
	case d.kind == secretKind && v == "":
		return s.Faint.Render(t.NotSet)
	case v == "":
		return s.Faint.Render(common.Trunc(sms.Safe(in.Placeholder), w))
	case d.kind == secretKind:
		v = strings.Repeat("•", utf8.RuneCountInString(v))
	default:
		v = sms.Safe(v)
	}
	if d.kind == choice && i == m.focus {
		return "‹ " + common.Trunc(v, w-4) + " ›"
	}
	return common.Trunc(v, w)
}

// focusNotes: the focused key and what it means, and its problem if any
// (or, on no field, how many keys have one).
func (m *Model) focusNotes() []string {
	t, s := m.ctx.T, m.ctx.S
	desc, problem := "", ""
	if m.focus >= 0 && m.focus < len(defs) {
		k := defs[m.focus].key
		help := t.SettingHelp(k)
		if m.readOnly(m.focus) {
			help = t.EnvPasswordHelp
		}
		desc = k + ": " + help
		if e, ok := m.errs[k]; ok {
			problem = s.Err.Render("✗ " + k + ": " + e)
		}
	}
	if n := len(m.errs); n > 0 && desc == "" {
		problem = s.Err.Render(t.Problems.N(n, strings.Join(sortedKeys(m.errs), ", ")))
	}
	return []string{s.Faint.Render(desc), problem}
}

// buttons draws Test and Save on screen line y.
func (m *Model) buttons(y int) string {
	t, s := m.ctx.T, m.ctx.S
	return m.hits.Join(y, common.Part{Text: s.ButtonView(t.TestConnection+"  ctrl+t", m.focus == testButton), Target: testButton},
		common.Part{Text: " ", Target: common.NoHit},
		common.Part{Text: s.ButtonView(t.Save+"  ctrl+s", m.focus == saveButton), Target: saveButton})
}
