package game

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomPlay starts a deal at a new table of cfg and sends random legal
// commands (the timer's Timeout when no seat has one) until stop says so
// or the deal ends. It returns nil when the deal ended first.
func randomPlay(tb *testing.T, cfg Config, seed uint64, stop func(*Table) bool) *Table {
	tb.Helper()
	tbl := mustTable(tb, cfg)
	rng := rand.New(rand.NewPCG(seed, 7))
	now := int64(1_700_000_000_000)
	var s Seed
	s[0], s[1] = byte(seed), byte(seed>>8)
	mustHandle(tb, tbl, Action{Seat: SystemSeat, Cmd: StartDeal{Seed: s}, Now: now})
	for step := 0; step < 200 && tbl.Playing(); step++ {
		if stop(tbl) {
			return tbl
		}
		now += 1000
		type move struct {
			seat int
			cmd  Command
		}
		var moves []move
		for seat := 0; seat < tbl.Seats(); seat++ {
			for _, c := range tbl.Legal(seat) {
				moves = append(moves, move{seat, c})
			}
		}
		if len(moves) == 0 {
			p := tbl.Prompt()
			mustHandle(tb, tbl, Action{Seat: SystemSeat, Cmd: Timeout{Serial: p.Serial}, Now: now})
			continue
		}
		m := moves[rng.IntN(len(moves))]
		mustHandle(tb, tbl, Action{Seat: m.seat, Cmd: m.cmd, Now: now})
	}
	return nil
}

// reach plays seeds until a deal of cfg gets to a state where stop holds.
func reach(tb *testing.T, cfg Config, stop func(*Table) bool) *Table {
	tb.Helper()
	for seed := uint64(1); seed < 500; seed++ {
		if tbl := randomPlay(tb, cfg, seed, stop); tbl != nil {
			return tbl
		}
	}
	tb.Fatalf("no deal of %s reached the wanted state", cfg.Game)
	return nil
}

// The points of deals the refusal cases corrupt.
var (
	skCfg = Config{Game: KindSchafkopf}
	snCfg = Config{Game: KindSchnapsen}
	bsCfg = Config{Game: KindBauernschnapsen, FirstDealer: 1}

	atStage = func(name string) func(*Table) bool {
		return func(t *Table) bool { return t.StageName() == name }
	}
	// midTrick: a later trick with cards in it.
	midTrick = func(t *Table) bool {
		return t.StageName() == "play" && t.d.Deal.TrickNo >= 1 && len(t.d.Deal.Trick) >= 1
	}
	snAfterTrick = func(t *Table) bool {
		return t.StageName() == "play" && t.d.Deal.TrickNo == 1 && len(t.d.Deal.Trick) == 0
	}
	skSauspielPlay = func(t *Table) bool {
		return midTrick(t) && t.d.Deal.Schafkopf.Game == Sauspiel
	}
	skCalled = func(t *Table) bool {
		return t.StageName() == "negotiation" && len(t.d.Deal.Schafkopf.Calls) >= 2 && t.d.Deal.Schafkopf.Declarer >= 0
	}
	bsSpecialPlay = func(t *Table) bool {
		return midTrick(t) && t.d.Deal.Bauernschnapsen.special()
	}
	bsCutCall = func(t *Table) bool {
		return t.StageName() == "callTrump" && !t.d.Deal.Bauernschnapsen.Knocked
	}
	bsInAuction = func(t *Table) bool {
		return t.StageName() == "negotiation" && len(t.d.Deal.Bauernschnapsen.Calls) >= 1
	}
)

func TestUnmarshalRefusesImpossibleStates(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		at      func(*Table) bool // nil: the idle table
		corrupt func(d *tableData)
		want    string
	}{
		// Common to every game.
		{"unknown game", snCfg, nil, func(d *tableData) { d.Game = "poker" }, "unknown game"},
		{"negative turn timeout", snCfg, nil, func(d *tableData) { d.Options.TurnTimeoutMs = -1 }, "turnTimeoutMs"},
		{"short deck outside schafkopf", snCfg, nil, func(d *tableData) { d.Options.ShortDeck = true }, "shortDeck"},
		{"dealer beyond the seats", snCfg, nil, func(d *tableData) { d.Dealer = 2 }, "dealer 2"},
		{"negative serial", snCfg, nil, func(d *tableData) { d.Serial = -1 }, "serial"},
		{"balances for too few seats", snCfg, nil, func(d *tableData) { d.Balances = d.Balances[:1] }, "balances"},
		{"negative Bummerl", snCfg, nil, func(d *tableData) { d.Bummerl[1] = -1 }, "Bummerl"},
		{"a foreign match", snCfg, nil, func(d *tableData) { d.Match.Bauernschnapsen = &bauernMatch{OppAtReach: []int{0, 0}} }, "Bauernschnapsen match"},
		{"stage out of range", snCfg, midTrick, func(d *tableData) { d.Stage = 9 }, "stage 9 out of range"},
		{"playing before any deal", snCfg, midTrick, func(d *tableData) { d.DealNo = 0 }, "none was started"},
		{"a card twice in the deck", snCfg, midTrick, func(d *tableData) { d.Deal.Deck[1] = d.Deal.Deck[0] }, "the deck is not the 20 cards"},
		{"a short deck", skCfg, midTrick, func(d *tableData) { d.Deal.Deck = d.Deal.Deck[:24] }, "the deck is not the 32 cards"},
		{"next index beyond the deck", snCfg, midTrick, func(d *tableData) { d.Deal.Next = 21 }, "next deck index 21"},
		{"forehand not left of the dealer", skCfg, midTrick, func(d *tableData) { d.Deal.Forehand = d.Dealer }, "forehand"},
		{"a hand missing", bsCfg, midTrick, func(d *tableData) { d.Deal.Hands = d.Deal.Hands[:3] }, "3 hands"},
		{"turn beyond the seats", skCfg, midTrick, func(d *tableData) { d.Deal.Turn = 4 }, "turn 4"},
		{"a seat in the trick that does not exist", skCfg, midTrick, func(d *tableData) { d.Deal.Trick[0].Seat = 9 }, "seat 9 in the current trick"},
		{"tricks won do not add up", snCfg, midTrick, func(d *tableData) { d.Deal.Tricks[0]++ }, "tricks"},
		{"points without a trick", bsCfg, atStage("negotiation"), func(d *tableData) { d.Deal.Points[0] = 10 }, "points without a trick"},
		{"the game's part missing", snCfg, midTrick, func(d *tableData) { d.Deal.Schnapsen = nil }, "schnapsen part is missing"},
		{"a foreign part", snCfg, midTrick, func(d *tableData) { d.Deal.Schafkopf = newSchafkopfDeal(4) }, "schafkopf part"},

		// Schnapsen.
		{"schnapsen: points beyond the Bummerl", snCfg, nil, func(d *tableData) { d.Balances[0] = 7 }, "7 game points"},
		{"schnapsen: a dealing stage", snCfg, midTrick, func(d *tableData) { d.Stage = 0 }, "not one a deal waits in"},
		{"schnapsen: a hand of six", snCfg, snAfterTrick, func(d *tableData) {
			d.Deal.Hands[1] = append(d.Deal.Hands[1], d.Deal.Deck[d.Deal.Next])
		}, "hand of seat 1 holds 6 cards, want 5"},
		{"schnapsen: a card in hand and stock", snCfg, snAfterTrick, func(d *tableData) {
			d.Deal.Hands[0][0] = d.Deal.Deck[len(d.Deal.Deck)-1]
		}, "is both in the stock and in the hand of seat 0"},
		{"schnapsen: a card of another deck", snCfg, snAfterTrick, func(d *tableData) {
			d.Deal.Hands[0][0] = Card{Rank: Nine, Suit: Hearts}
		}, "no card of this deck"},
		{"schnapsen: a stranger as trump card", snCfg, snAfterTrick, func(d *tableData) {
			d.Deal.Schnapsen.TrumpCard = d.Deal.Deck[d.Deal.Next]
		}, "trump card is neither"},
		{"schnapsen: trump card drawn with stock left", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Schnapsen.TrumpCard = NoCard }, "the stock ends"},
		{"schnapsen: trump suit of another card", snCfg, snAfterTrick, func(d *tableData) {
			d.Deal.Schnapsen.TrumpSuit = (d.Deal.Schnapsen.TrumpSuit + 1) % NumSuits
		}, "trump suit"},
		{"schnapsen: an even stock position", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Next = 12 }, "no stock position"},
		{"schnapsen: draws without tricks", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Next = 15 }, "draws after"},
		{"schnapsen: closed by nobody seated", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Schnapsen.ClosedBy = 2 }, "closed by seat 2"},
		{"schnapsen: closing score on an open talon", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Schnapsen.OppScore = 10 }, "score at closing"},
		{"schnapsen: the wrong seat to play", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Turn = 1 - d.Deal.Turn }, "is to play"},
		{"schnapsen: a score beside the tricks", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Schnapsen.Score[d.Deal.Leader] += 10 }, "scores"},
		{"schnapsen: points that are no tricks' points", snCfg, snAfterTrick, func(d *tableData) {
			d.Deal.Points[d.Deal.Leader]++
		}, "card points"},
		{"schnapsen: an impossible marriage", snCfg, snAfterTrick, func(d *tableData) {
			d.Deal.Schnapsen.Marriages = append(d.Deal.Schnapsen.Marriages, SchnapsenMarriage{Seat: 0, Suit: 9, Points: 20})
		}, "marriage"},
		{"schnapsen: an outcome in play", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Schnapsen.Winner = 0 }, "outcome"},
		{"schnapsen: scores for one seat", snCfg, snAfterTrick, func(d *tableData) { d.Deal.Schnapsen.Score = []int{0} }, "1 scores"},

		// Schafkopf.
		{"schafkopf: balances that do not balance", skCfg, nil, func(d *tableData) { d.Balances[0] = 30 }, "add up to 30"},
		{"schafkopf: a Bummerl", skCfg, nil, func(d *tableData) { d.Bummerl[2] = 1 }, "Bummerl"},
		{"schafkopf: a dealing stage", skCfg, atStage("knocking"), func(d *tableData) { d.Stage = 0 }, "not one a deal waits in"},
		{"schafkopf: knock answers for three", skCfg, atStage("knocking"), func(d *tableData) {
			d.Deal.Schafkopf.Answered = d.Deal.Schafkopf.Answered[:3]
		}, "knock answers"},
		{"schafkopf: a knock without an answer", skCfg, atStage("knocking"), func(d *tableData) { d.Deal.Schafkopf.Knocks = []int{0} }, "knocks"},
		{"schafkopf: the window open after every answer", skCfg, atStage("knocking"), func(d *tableData) {
			d.Deal.Schafkopf.Answered = []bool{true, true, true, true}
		}, "every seat answered"},
		{"schafkopf: a turn in the knock window", skCfg, atStage("knocking"), func(d *tableData) { d.Deal.Turn = 0 }, "turn in the knock window"},
		{"schafkopf: all cards dealt in the knock window", skCfg, atStage("knocking"), func(d *tableData) { d.Deal.Next = 32 }, "dealt before the knock window"},
		{"schafkopf: a card of another seat", skCfg, skCalled, func(d *tableData) {
			h := d.Deal.Hands
			h[0][0], h[1][0] = h[1][0], h[0][0]
		}, "which was dealt to seat"},
		{"schafkopf: a call out of turn", skCfg, skCalled, func(d *tableData) {
			c := d.Deal.Schafkopf.Calls
			c[0].Seat = (c[0].Seat + 1) % 4
		}, "call 1 is seat"},
		{"schafkopf: a pass naming a suit", skCfg, skCalled, func(d *tableData) {
			d.Deal.Schafkopf.Calls = append(d.Deal.Schafkopf.Calls[:0], SchafkopfCall{Seat: d.Deal.Forehand, Suit: Hearts})
			d.Deal.Turn = (d.Deal.Forehand + 1) % 4
		}, "pass 1"},
		{"schafkopf: a game that is not the best call", skCfg, skCalled, func(d *tableData) {
			d.Deal.Schafkopf.Declarer = (d.Deal.Schafkopf.Declarer + 1) % 4
		}, "not the best call"},
		{"schafkopf: the wrong seat to announce", skCfg, skCalled, func(d *tableData) { d.Deal.Turn = (d.Deal.Turn + 1) % 4 }, "is to announce"},
		{"schafkopf: the trick stage of another trick", skCfg, midTrick, func(d *tableData) { d.Stage++ }, "tricks completed in the stage"},
		{"schafkopf: a thrown-in deal in play", skCfg, midTrick, func(d *tableData) { d.Deal.Schafkopf.ThrownIn = true }, "thrown-in"},
		{"schafkopf: the wrong partner", skCfg, skSauspielPlay, func(d *tableData) {
			d.Deal.Schafkopf.Partner = d.Deal.Schafkopf.Declarer
		}, "the partner is seat"},
		{"schafkopf: Kontra by the declarer", skCfg, midTrick, func(d *tableData) {
			d.Deal.Schafkopf.Kontra = d.Deal.Schafkopf.Declarer
		}, "gave Kontra"},
		{"schafkopf: Re without Kontra", skCfg, midTrick, func(d *tableData) {
			d.Deal.Schafkopf.Kontra, d.Deal.Schafkopf.Re = -1, d.Deal.Schafkopf.Declarer
		}, "gave Re"},
		{"schafkopf: a card played out of turn", skCfg, midTrick, func(d *tableData) { d.Deal.Leader = (d.Deal.Leader + 1) % 4 }, "card 1 of the current trick"},
		{"schafkopf: a card lost", skCfg, midTrick, func(d *tableData) {
			for i, h := range d.Deal.Hands {
				if len(h) > 1 {
					d.Deal.Hands[i] = h[1:]
					return
				}
			}
		}, "cards, want"},

		// Bauernschnapsen.
		{"bauernschnapsen: partners with different totals", bsCfg, nil, func(d *tableData) { d.Balances[0] = 5 }, "match points"},
		{"bauernschnapsen: a match total of 24", bsCfg, nil, func(d *tableData) { d.Balances[1], d.Balances[3] = 24, 24 }, "match points"},
		{"bauernschnapsen: the match missing in play", bsCfg, atStage("cutting"), func(d *tableData) { d.Match.Bauernschnapsen = nil }, "without its match"},
		{"bauernschnapsen: match totals for one team", bsCfg, atStage("cutting"), func(d *tableData) {
			d.Match.Bauernschnapsen.OppAtReach = []int{0}
		}, "match totals at reach"},
		{"bauernschnapsen: the wrong cutter", bsCfg, atStage("cutting"), func(d *tableData) { d.Deal.Bauernschnapsen.Cutter = d.Dealer }, "the cutter is seat"},
		{"bauernschnapsen: cards before the cut", bsCfg, atStage("cutting"), func(d *tableData) { d.Deal.Next = 12 }, "the cut window"},
		{"bauernschnapsen: a dealing stage", bsCfg, atStage("callTrump"), func(d *tableData) { d.Stage = 1 }, "not one a deal waits in"},
		{"bauernschnapsen: all cards dealt after a cut", bsCfg, bsCutCall, func(d *tableData) { d.Deal.Next = 20 }, "cards dealt, want 12"},
		{"bauernschnapsen: trump called before the call", bsCfg, bsCutCall, func(d *tableData) { d.Deal.Bauernschnapsen.Called = true }, "trump is called before"},
		{"bauernschnapsen: passes for three", bsCfg, bsInAuction, func(d *tableData) {
			d.Deal.Bauernschnapsen.Passed = d.Deal.Bauernschnapsen.Passed[:3]
		}, "3 passes"},
		{"bauernschnapsen: trump not called in the auction", bsCfg, bsInAuction, func(d *tableData) { d.Deal.Bauernschnapsen.Called = false }, "trump is not called"},
		{"bauernschnapsen: a pass not in the calls", bsCfg, bsInAuction, func(d *tableData) {
			b := d.Deal.Bauernschnapsen
			for seat := range b.Passed {
				if seat != d.Deal.Turn {
					b.Passed[seat] = !b.Passed[seat]
					return
				}
			}
		}, "pass does not match"},
		{"bauernschnapsen: a call out of turn", bsCfg, bsInAuction, func(d *tableData) {
			c := d.Deal.Bauernschnapsen.Calls
			c[0].Seat = (c[0].Seat + 1) % 4
		}, "call 1 is seat"},
		{"bauernschnapsen: a contract nobody may announce", bsCfg, bsInAuction, func(d *tableData) {
			b := d.Deal.Bauernschnapsen
			b.Calls[0].Game, b.Contract, b.Declarer = NormalGame, NormalGame, b.Calls[0].Seat
		}, "call 1 (normal"},
		{"bauernschnapsen: a card of another seat", bsCfg, bsInAuction, func(d *tableData) {
			h := d.Deal.Hands
			h[0][0], h[1][0] = h[1][0], h[0][0]
		}, "which was dealt to seat"},
		{"bauernschnapsen: the partner still in", bsCfg, bsSpecialPlay, func(d *tableData) {
			b := d.Deal.Bauernschnapsen
			d.Deal.Hands[b.SittingOut], b.SetAside = b.SetAside, nil
			b.SittingOut = -1
		}, "sits out"},
		{"bauernschnapsen: an outcome in play", bsCfg, midTrick, func(d *tableData) { d.Deal.Bauernschnapsen.Decided = true }, "outcome"},
		{"bauernschnapsen: a team score beside the tricks", bsCfg, midTrick, func(d *tableData) {
			d.Deal.Bauernschnapsen.Score[0] += 20
		}, "team 0 scores"},
		{"bauernschnapsen: Kontra from the sitting-out seat", bsCfg, bsSpecialPlay, func(d *tableData) {
			d.Deal.Bauernschnapsen.Kontra = d.Deal.Bauernschnapsen.SittingOut
		}, "gave Kontra"},
		{"bauernschnapsen: a marriage where none count", bsCfg, bsSpecialPlay, func(d *tableData) {
			b := d.Deal.Bauernschnapsen
			b.Marriages = append(b.Marriages, BauernschnapsenMarriage{Seat: b.SittingOut, Suit: Hearts, Points: 20})
		}, "marriage"},
	}
	// The live table each corrupted state is decoded into.
	target := reach(t, snCfg, midTrick)
	live := mustEncode(t, target)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := mustTable(t, tt.cfg)
			if tt.at != nil {
				tbl = reach(t, tt.cfg, tt.at)
			}
			var d tableData
			if err := json.Unmarshal(mustEncode(t, tbl), &d); err != nil {
				t.Fatal(err)
			}
			tt.corrupt(&d)
			bad, err := json.Marshal(&d)
			if err != nil {
				t.Fatal(err)
			}
			// Decode into a live table: a refusal must leave it as it was.
			var target Table
			if err := target.UnmarshalJSON(live); err != nil {
				t.Fatal(err)
			}
			err = target.UnmarshalJSON(bad)
			if err == nil {
				t.Fatalf("accepted:\n%s", bad)
			}
			if !strings.HasPrefix(err.Error(), "decode table: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to say %q", err, tt.want)
			}
			if !bytes.Equal(live, mustEncode(t, &target)) {
				t.Fatal("a refused table changed the table decoded into")
			}
		})
	}
}

// TestCloneSkipsValidation: Clone copies the table's own state without
// judging it (a wrong refusal there would be a crash).
func TestCloneSkipsValidation(t *testing.T) {
	tbl := reach(t, snCfg, midTrick)
	tbl.d.Deal.Schnapsen.Winner = 0 // not reachable in play, but Clone must not care
	if c := tbl.Clone(); c.d.Deal.Schnapsen.Winner != 0 {
		t.Fatal("the clone differs")
	}
}
