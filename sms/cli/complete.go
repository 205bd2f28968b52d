package cli

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/store"
)

// completeWords completes a flag's value from a fixed list.
func completeWords(c *cobra.Command, flag string, words ...string) {
	_ = c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(words, cobra.ShellCompDirectiveNoFileComp))
}

// completeBatches completes a flag's value with batch ids from the
// history, each with its name: list picks them.
func completeBatches(c *cobra.Command, e *Env, g *globals, flag string, list func(context.Context, *store.Store) ([]store.Unfinished, error)) {
	_ = c.RegisterFlagCompletionFunc(flag, func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Second)
		defer cancel()
		var out []string
		for _, b := range historyBatches(ctx, g.config, list) {
			out = append(out, fmt.Sprintf("%d\t%s, %d not sent, %d unknown", b.ID, sms.Safe(b.Name), b.NotSent, b.Unknown))
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	})
}

// historyBatches reads the batches list gives from the config's history
// without starting anything (no DEMO simulator, no recovery, no
// transport); a completion never fails: nothing then.
func historyBatches(ctx context.Context, path string, list func(context.Context, *store.Store) ([]store.Unfinished, error)) []store.Unfinished {
	if path == "" {
		var err error
		if path, err = config.DefaultPath(); err != nil {
			return nil
		}
	}
	cfg, _, err := config.Load(path)
	if err != nil {
		return nil
	}
	st, err := store.Open(cfg.StoreTarget())
	if err != nil {
		return nil
	}
	defer st.Close()
	out, _ := list(ctx, st)
	return out
}

// resumable are the batches --resume finishes: with messages not sent.
func resumable(ctx context.Context, st *store.Store) ([]store.Unfinished, error) {
	return st.UnfinishedBatches(ctx)
}

// unknownBatches are the batches settle --batch decides on: with
// messages of unknown outcome, newest first.
func unknownBatches(ctx context.Context, st *store.Store) ([]store.Unfinished, error) {
	rows, err := st.Latest(ctx, store.Filter{Status: string(store.StateUnknown), Limit: 10_000})
	if err != nil {
		return nil, err
	}
	var out []store.Unfinished
	for _, r := range rows {
		if r.BatchID == 0 {
			continue
		}
		i := slices.IndexFunc(out, func(b store.Unfinished) bool { return b.ID == r.BatchID })
		if i < 0 {
			b, err := st.Batch(ctx, r.BatchID)
			if err != nil {
				return nil, err
			}
			out, i = append(out, store.Unfinished{Batch: b}), len(out)
		}
		out[i].Unknown++
	}
	slices.SortFunc(out, func(a, b store.Unfinished) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}
