package session_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/transport/client"
	"tableraft/transport/client/autoplay"
)

// TestNoSnooping: every client records every message it receives over
// many deals (Schafkopf with four players, Schnapsen with two, all
// connected players). No card of another seat's hand may appear in a
// seat's messages before it is played, except what the rules make public
// (Schnapsen's face-up trump card and the cards of a trump exchange; a
// called ace names a card, it does not show one, and is not scanned).
func TestNoSnooping(t *testing.T) {
	b := newBorder(t, fastLimits())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type tbl struct {
		id      int64
		kind    game.Kind
		players []*autoplay.Player
	}
	var tables []tbl
	for i, spec := range []struct {
		kind game.Kind
		n    int
	}{{game.KindSchafkopf, 4}, {game.KindSchnapsen, 2}, {game.KindSchafkopf, 4}, {game.KindSchnapsen, 2}} {
		id, ps := seatPlayers(t, b, ctx, string(spec.kind), fmt.Sprintf("snoop%d", i), spec.n, 0, client.Options{TurnTimeoutMs: 5000})
		tables = append(tables, tbl{id, spec.kind, ps})
	}
	const deals = 8
	waitFor(t, 90*time.Second, fmt.Sprintf("%d deals at every table", deals), func() bool {
		for _, tb := range tables {
			for _, p := range tb.players {
				if p.Results(tb.id) < deals {
					return false
				}
			}
		}
		return true
	})
	cancel()

	// The truth: who holds which card in each deal, from the FSM's
	// unredacted events; and which deal each event number belongs to.
	b.truthMu.Lock()
	truth := append([]fsmEvent(nil), toFsmEvents(b.truth)...)
	b.truthMu.Unlock()
	owner := map[dealKey]map[game.Card]int{}
	dealOf := map[int64]map[int64]int{} // table -> event -> deal
	cur := map[int64]int{}
	for _, e := range truth {
		if g, ok := e.ev.(game.GameStarted); ok {
			cur[e.table] = g.Deal
		}
		if dealOf[e.table] == nil {
			dealOf[e.table] = map[int64]int{}
		}
		dealOf[e.table][e.no] = cur[e.table]
		k := dealKey{e.table, cur[e.table]}
		if owner[k] == nil {
			owner[k] = map[game.Card]int{}
		}
		switch ev := e.ev.(type) {
		case game.CardsDealt:
			for _, c := range ev.Cards {
				owner[k][c] = ev.Seat
			}
		case game.CardsDrawn:
			if !ev.Public {
				for _, c := range ev.Cards {
					owner[k][c] = ev.Seat
				}
			}
		case game.TrumpExchanged:
			delete(owner[k], ev.Took)
			delete(owner[k], ev.Gave)
		}
	}

	checked := 0
	for _, tb := range tables {
		notation := game.SchafkopfNotation
		if tb.kind == game.KindSchnapsen {
			notation = game.SchnapsenNotation
		}
		for seat, p := range tb.players {
			rec := b.streams[p]
			rec.mu.Lock()
			msgs := append([]client.Message(nil), rec.msgs...)
			rec.mu.Unlock()
			played := map[dealKey]map[game.Card]bool{}
			for _, m := range msgs {
				if m.Table != tb.id {
					continue
				}
				var deal int
				if m.Type == "tableState" {
					var s struct{ Deal int }
					_ = json.Unmarshal(m.Raw, &s)
					deal = s.Deal
				} else if m.IsTableEvent() {
					deal = dealOf[tb.id][m.Event]
				} else {
					continue
				}
				k := dealKey{tb.id, deal}
				if played[k] == nil {
					played[k] = map[game.Card]bool{}
				}
				if m.Type == "cardPlayed" {
					var e struct{ Card string }
					_ = json.Unmarshal(m.Raw, &e)
					c, _ := notation.Parse(e.Card)
					played[k][c] = true
				}
				var v any
				_ = json.Unmarshal(m.Raw, &v)
				for _, code := range cardStrings(v, "") {
					c, err := notation.Parse(code)
					if err != nil {
						continue
					}
					checked++
					if o, ok := owner[k][c]; ok && o != seat && !played[k][c] {
						t.Fatalf("table %d seat %d saw %s of seat %d before it was played: %s", tb.id, seat, code, o, m.Raw)
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d card codes checked", checked)
	}
	t.Logf("%d card codes in the clients' messages checked", checked)
}

type dealKey struct {
	table int64
	deal  int
}

type fsmEvent struct {
	table, no int64
	ev        game.Event
}

// cardStrings collects every two-letter string in a decoded message, but
// under "ace" (a called ace names a card another seat holds, by the rules).
func cardStrings(v any, key string) []string {
	switch v := v.(type) {
	case string:
		if len(v) == 2 && key != "ace" {
			return []string{v}
		}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, cardStrings(e, key)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, e := range v {
			out = append(out, cardStrings(e, k)...)
		}
		return out
	}
	return nil
}

func toFsmEvents(evs []fsm.TableEvent) []fsmEvent {
	out := make([]fsmEvent, len(evs))
	for i, e := range evs {
		out[i] = fsmEvent{e.Table, e.No, e.Event}
	}
	return out
}
