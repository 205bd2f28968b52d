package batch

import (
	"context"
	"fmt"
	"strings"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/store"
)

// Caution is something the agent should see before a batch leaves. The
// tab and the command line show the same list, computed here; one that
// Confirms needs the explicit y (enter, or a habit, is not enough).
type Caution struct {
	*sms.Error
	Confirm bool
}

// Cautions lists what to see before sending r: the balance covers only
// part of it (Covered), a list of the same name and size went out before
// (prev, from store.SameBatch), numbers outside Belarus, numbers getting
// more than one text, an unknown balance, and PLAIN in the config (a list
// goes through JSON).
func (r *Report) Cautions(prev *store.Batch, transport string) []Caution {
	var out []Caution
	add := func(confirm bool, en, ru string) { out = append(out, Caution{&sms.Error{EN: en, RU: ru}, confirm}) }
	if n, all := r.Covered(), len(r.Messages); n < all {
		add(true, fmt.Sprintf("the balance %s covers the first %d of %d messages: those go, the other %d stay not sent, to resume after a top-up", money(r.Balance), n, all, all-n),
			fmt.Sprintf("баланса %s хватает на первые %d из %d сообщений: уйдут они, остальные %d останутся неотправленными, их можно возобновить после пополнения", money(r.Balance), n, all, all-n))
	}
	if prev != nil {
		when := prev.CreatedAt.In(sms.Minsk).Format(sms.TypedLayout)
		add(true, fmt.Sprintf("a list of this name and size went out as batch %d on %s: confirming sends it again", prev.ID, when),
			fmt.Sprintf("список с таким именем и размером уже ушёл пакетом %d %s: подтверждение отправит его ещё раз", prev.ID, when))
	}
	foreign := 0
	for _, m := range r.Messages {
		if !strings.HasPrefix(m.To, "375") {
			foreign++
		}
	}
	if foreign > 0 {
		add(false, fmt.Sprintf("%d numbers are outside Belarus: their price may differ", foreign),
			fmt.Sprintf("номеров за пределами Беларуси: %d; цена для них может отличаться", foreign))
	}
	if r.SharedNumbers > 0 {
		add(false, fmt.Sprintf("%d numbers get more than one text", r.SharedNumbers),
			fmt.Sprintf("номеров, которым уйдёт больше одного текста: %d", r.SharedNumbers))
	}
	if !r.BalanceKnown {
		add(false, "the balance is not known: the cost is not checked against it", "баланс неизвестен: стоимость с ним не сверена")
	}
	if transport == config.TransportPlain {
		add(false, "the config sends through PLAIN, one message a request: a list goes through JSON, in packages",
			"в настройках PLAIN, по сообщению на запрос: список уйдёт через JSON, пакетами")
	}
	return out
}

// NeedsYes reports whether a caution asks for the explicit y.
func NeedsYes(cs []Caution) bool {
	for _, c := range cs {
		if c.Confirm {
			return true
		}
	}
	return false
}

// ResumePlan is what a resume of the batch would send, as a Report, so
// that the balance it covers and the cautions are computed as for a new
// send: the messages not sent, in the order Resume takes them, with
// their parts and cost at price a part (0 counts 1).
func ResumePlan(ctx context.Context, st *store.Store, batchID int64, price, balance float64, known bool) (*Report, error) {
	rows, err := st.Latest(ctx, store.Filter{BatchID: batchID, Status: string(store.StateNotSent)})
	if err != nil {
		return nil, err
	}
	if price <= 0 {
		price = 1
	}
	r := &Report{Price: price, Balance: balance, BalanceKnown: known}
	for i := len(rows) - 1; i >= 0; i-- { // Latest is newest first
		parts := sms.Measure(rows[i].Text).Parts
		r.Messages = append(r.Messages, Message{To: rows[i].Recipient, Text: rows[i].Text, Parts: parts})
		r.Parts += parts
	}
	r.Cost = float64(r.Parts) * price
	r.Enough = known && r.Cost <= balance
	return r, nil
}
