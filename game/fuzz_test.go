package game_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"tableraft/game"
	"tableraft/game/bot"
)

// The decoder's validation must accept every state the rules reach and
// refuse every state on which the table could fail. These tests hold it to
// both: real deals on one side, arbitrary JSON on the other.

// validationGames are the tables the tests play: every game and option.
var validationGames = []game.Config{
	{Game: game.KindSchafkopf},
	{Game: game.KindSchafkopf, Options: game.Options{ShortDeck: true}, FirstDealer: 2},
	{Game: game.KindSchnapsen, FirstDealer: 1},
	{Game: game.KindBauernschnapsen, FirstDealer: 3},
}

// playStates plays deals at a table of cfg, the bot choosing most moves
// and a random legal command the others (so that Bettel, Aufschlagen, a
// late Re and the other moves the bot does not like happen too), and
// calls visit with the table before the first deal and after every
// action.
func playStates(tb testing.TB, cfg game.Config, seed uint64, deals int, visit func(*game.Table)) {
	tb.Helper()
	tbl, err := game.NewTable(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	now := int64(1_700_000_000_000)
	visit(tbl)
	for deal := 0; deal < deals; deal++ {
		var s game.Seed
		for i := range s {
			s[i] = byte(rng.Uint32())
		}
		if _, err := tbl.Handle(game.Action{Seat: game.SystemSeat, Cmd: game.StartDeal{Seed: s}, Now: now}); err != nil {
			tb.Fatal(err)
		}
		visit(tbl)
		for step := 0; tbl.Playing(); step++ {
			if step > 400 {
				tb.Fatalf("deal did not end in stage %s", tbl.StageName())
			}
			now += 1000
			a, ok := bot.Next(tbl, now)
			if !ok {
				tb.Fatalf("deal stuck in stage %s", tbl.StageName())
			}
			if rng.IntN(4) == 0 {
				seat := rng.IntN(tbl.Seats())
				if legal := tbl.Legal(seat); len(legal) > 0 {
					a = game.Action{Seat: seat, Cmd: legal[rng.IntN(len(legal))], Now: now}
				}
			}
			if a.Now > now {
				now = a.Now
			}
			if _, err := tbl.Handle(a); err != nil {
				tb.Fatalf("seat %d %#v refused: %v", a.Seat, a.Cmd, err)
			}
			visit(tbl)
		}
	}
}

// TestReachedStatesValidate: every state of bot-played deals of every game
// round-trips through MarshalJSON and UnmarshalJSON, accepted and
// unchanged.
func TestReachedStatesValidate(t *testing.T) {
	seeds := uint64(20)
	if testing.Short() {
		seeds = 5
	}
	for _, cfg := range validationGames {
		t.Run(string(cfg.Game), func(t *testing.T) {
			states := 0
			for seed := uint64(1); seed <= seeds; seed++ {
				playStates(t, cfg, seed, 6, func(tbl *game.Table) {
					states++
					enc, err := tbl.MarshalJSON()
					if err != nil {
						t.Fatal(err)
					}
					var back game.Table
					if err := back.UnmarshalJSON(enc); err != nil {
						t.Fatalf("a reached state is refused: %v\n%s", err, enc)
					}
					again, err := back.MarshalJSON()
					if err != nil || !bytes.Equal(enc, again) {
						t.Fatalf("the round trip changed the state (%v):\n%s\n%s", err, enc, again)
					}
				})
			}
			t.Logf("%d states", states)
		})
	}
}

// FuzzTableUnmarshal feeds arbitrary JSON to the table decoder. A refused
// input leaves the table decoded into as it was. A state it accepts must
// work: every seat's and an observer's view, the legal
// commands, the prompt, and each legal command (which the table must
// accept, reaching a state the decoder accepts again) must not panic.
func FuzzTableUnmarshal(f *testing.F) {
	var base []byte // a table in play, which a refused input must leave alone
	for i, cfg := range validationGames {
		n := 0
		playStates(f, cfg, uint64(100+i), 2, func(tbl *game.Table) {
			if n%3 == 0 {
				enc, err := tbl.MarshalJSON()
				if err != nil {
					f.Fatal(err)
				}
				f.Add(enc)
				if base == nil && tbl.Playing() {
					base = enc
				}
			}
			n++
		})
	}
	for _, s := range []string{`{}`, `null`, `{"Game":"schnapsen","Playing":true,"DealNo":1,"Stage":3,"Balances":[0,0],"Bummerl":[0,0]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var tbl game.Table
		if err := tbl.UnmarshalJSON(base); err != nil {
			t.Fatal(err)
		}
		if err := tbl.UnmarshalJSON(data); err != nil {
			if now, _ := tbl.MarshalJSON(); !bytes.Equal(now, base) {
				t.Fatalf("a refused input (%v) changed the table", err)
			}
			return
		}
		enc, err := tbl.MarshalJSON()
		if err != nil {
			t.Fatalf("encode an accepted table: %v", err)
		}
		readAll(&tbl)
		prompt := tbl.Prompt()
		now := prompt.Deadline + 1
		try := func(a game.Action, mustAccept bool) {
			var c game.Table
			if err := c.UnmarshalJSON(enc); err != nil {
				t.Fatalf("an accepted table's encoding is refused: %v", err)
			}
			if _, err := c.Handle(a); err != nil {
				if mustAccept {
					t.Fatalf("seat %d's legal %#v refused: %v", a.Seat, a.Cmd, err)
				}
				return
			}
			after, err := c.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			var again game.Table
			if err := again.UnmarshalJSON(after); err != nil {
				t.Fatalf("seat %d %#v led to a state the decoder refuses: %v\nfrom %s\nto %s", a.Seat, a.Cmd, err, enc, after)
			}
			readAll(&c)
		}
		for seat := 0; seat < tbl.Seats(); seat++ {
			for _, cmd := range tbl.Legal(seat) {
				try(game.Action{Seat: seat, Cmd: cmd, Now: now}, true)
			}
		}
		try(game.Action{Seat: game.SystemSeat, Cmd: game.Timeout{Serial: prompt.Serial}, Now: now}, false)
		try(game.Action{Seat: game.SystemSeat, Cmd: game.StartDeal{}, Now: now}, false)
		if a, ok := bot.Next(&tbl, now); ok {
			try(a, true)
		}
	})
}

// readAll reads tbl the ways servers and bots do.
func readAll(tbl *game.Table) {
	var v game.View
	for seat := -1; seat <= tbl.Seats(); seat++ {
		_ = tbl.View(seat)
		tbl.ViewInto(seat, &v)
		_ = tbl.Legal(seat)
	}
	_ = tbl.Prompt()
	_ = tbl.StageName()
	_ = tbl.Balances()
}
