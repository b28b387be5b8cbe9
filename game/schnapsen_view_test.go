package game

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// §9, DECIDED 8: a seat's view shows its own score and pending marriage
// points, never the opponent's; an observer sees neither. The trump, the
// talon, the closer and the marriages are public; the talon options are
// the viewer's own.
func TestSchnapsenViewShowsOnlyTheOwnScore(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	want := SchnapsenView{TrumpSuit: Hearts, TrumpCard: schnapsenCard(t, "AH"), Talon: 10, ClosedBy: -1, CanClose: true}
	if sv := g.view("N").Schnapsen; !reflect.DeepEqual(*sv, want) {
		t.Fatalf("N's view at the start %+v, want %+v", *sv, want)
	}
	g.run(schnapsenLowOpen[0]) // D 6
	nv, dv, ov := g.view("N"), g.view("D"), g.tbl.View(-1)
	if nv.Schnapsen.Score != 0 || dv.Schnapsen.Score != 6 || ov.Schnapsen.Score != 0 {
		t.Fatalf("scores: N sees %d, D sees %d, observer %d; want 0, 6, 0", nv.Schnapsen.Score, dv.Schnapsen.Score, ov.Schnapsen.Score)
	}
	if !dv.Schnapsen.CanExchange || !dv.Schnapsen.CanClose || nv.Schnapsen.CanClose || ov.Schnapsen.CanClose {
		t.Fatal("only D, to lead with the trump jack, may exchange and close")
	}
	// N's view must not leak D's score anywhere.
	b, err := json.Marshal(nv)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"Score":6`) || ov.Hand != nil || ov.Legal != nil {
		t.Fatalf("N's view leaks: %s", b)
	}
	if !reflect.DeepEqual(nv.Tricks, []int{0, 1}) {
		t.Fatalf("tricks %v are public", nv.Tricks)
	}
}

// Legal lists exactly the moves the table accepts: every listed move is
// accepted, every other card, marriage, exchange and closing is refused
// without a change. Whole deals from fixed seeds.
func TestSchnapsenLegalMatchesHandle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for deal := 0; deal < 40; deal++ {
		g := newSchnapsenIdle(t, deal%2)
		var seed Seed
		seed[0], seed[1] = byte(deal), byte(deal>>8)
		if _, err := g.tbl.Handle(Action{Seat: SystemSeat, Cmd: StartDeal{Seed: seed}, Now: 1}); err != nil {
			t.Fatal(err)
		}
		for steps := 0; g.tbl.Playing(); steps++ {
			if steps > 40 {
				t.Fatalf("deal %d does not end", deal)
			}
			turn := g.tbl.d.Deal.Turn
			legal := g.tbl.Legal(turn)
			if len(legal) == 0 || g.tbl.Legal(1-turn) != nil {
				t.Fatalf("deal %d: seat %d has moves %v, the other %v", deal, turn, legal, g.tbl.Legal(1-turn))
			}
			for _, cmd := range schnapsenAllMoves(g.tbl.d.Deal.Hands[turn]) {
				ok := false
				for _, l := range legal {
					ok = ok || l == cmd
				}
				c := g.tbl.Clone()
				before, _ := c.MarshalJSON()
				_, err := c.Handle(Action{Seat: turn, Cmd: cmd, Now: 5})
				after, _ := c.MarshalJSON()
				if ok != (err == nil) || (err != nil && string(before) != string(after)) {
					t.Fatalf("deal %d: %T%+v listed %v, error %v", deal, cmd, cmd, ok, err)
				}
			}
			// The other seat is refused whatever it sends.
			for _, cmd := range schnapsenAllMoves(g.tbl.d.Deal.Hands[1-turn]) {
				if _, err := g.tbl.Clone().Handle(Action{Seat: 1 - turn, Cmd: cmd}); err == nil {
					t.Fatalf("deal %d: seat %d may %+v out of turn", deal, 1-turn, cmd)
				}
			}
			if _, err := g.tbl.Handle(Action{Seat: turn, Cmd: legal[rng.IntN(len(legal))], Now: int64(steps)}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// schnapsenAllMoves is every move a seat holding hand might send.
func schnapsenAllMoves(hand []Card) []Command {
	out := []Command{ExchangeTrump{}, CloseTalon{}}
	for _, c := range hand {
		out = append(out, PlayCard{Card: c}, PlayCard{Card: c, Marriage: true})
	}
	return out
}

// A table cloned mid-deal plays on exactly like the original.
func TestSchnapsenCloneMidDealPlaysOnAlike(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenCloserOutOfCardsDeck(t))
	steps := strings.Fields(schnapsenCloserOutOfCardsPlay)
	g.run(strings.Join(steps[:7], " ")) // closed, mid-trick
	c := &schnapsenGame{t: t, tbl: g.tbl.Clone(), now: g.now}
	a, b := g.run(strings.Join(steps[7:], " ")), c.run(strings.Join(steps[7:], " "))
	if !reflect.DeepEqual(a, b) || string(g.encode()) != string(c.encode()) {
		t.Fatal("the clone played on differently")
	}
}

// Every refusal code of the play stage, each leaving the table untouched.
func TestSchnapsenRefusals(t *testing.T) {
	low := strings.Join(schnapsenLowOpen, " ")
	tests := []struct {
		name  string
		deck  func(testing.TB) []Card
		setup string
		step  string
		code  string
	}{
		{"the dealer may not lead the first trick", schnapsenLowDeck, "", "D:KS", "notYourTurn"},
		{"the leader may not play twice", schnapsenLowDeck, "N:JS", "N:QS", "notYourTurn"},
		{"a card the player does not hold", schnapsenLowDeck, "", "N:AS", "cardNotInHand"},
		{"a card the opponent holds", schnapsenLowDeck, "N:JS", "D:JS", "cardNotInHand"},
		{"strict: follow suit", schnapsenLowDeck, low + " D:AC", "N:AH", "mustFollowSuit"},
		{"strict: head the trick", schnapsenCloserOutOfCardsDeck, "N:JS D:QS D:JD N:XD N:close N:KC", "D:JC", "mustHeadTrick"},
		{"strict: trump when void in the led suit", func(t testing.TB) []Card {
			return schnapsenDeckOf(t, "AS JC QC KC AC", "AH XH XD KD QH", "JD", "")
		}, "N:close N:AS", "D:AH", "mustTrump"},
		{"exchange with 2 talon cards", schnapsenLowDeck, strings.Join(schnapsenLowOpen[:4], " "), "D:swap", "talonTooSmall"},
		{"close with 2 talon cards", schnapsenLowDeck, strings.Join(schnapsenLowOpen[:4], " "), "D:close", "talonTooSmall"},
		{"exchange after closing", schnapsenLowDeck, schnapsenLowOpen[0] + " D:close", "D:swap", "talonClosed"},
		{"close twice", schnapsenLowDeck, "N:close", "N:close", "talonClosed"},
		{"close when exhausted", schnapsenLowDeck, low, "D:close", "talonClosed"},
		{"exchange without the trump jack", schnapsenLowDeck, "", "N:swap", "noTrumpJack"},
		{"marriage with a jack", schnapsenLowDeck, "", "N:JS+", "noMarriage"},
		{"marriage without the partner", schnapsenSchwarzDeck, "", "N:AS+", "noMarriage"},
		{"exchange by the seat not to lead", schnapsenLowDeck, schnapsenLowOpen[0], "N:swap", "wrongStage"},
		{"close by the seat not to lead", schnapsenLowDeck, "", "D:close", "wrongStage"},
		{"exchange by the follower", schnapsenLowDeck, schnapsenLowOpen[0] + " D:JD", "N:swap", "wrongStage"},
		{"exchange after leading", schnapsenLowDeck, schnapsenLowOpen[0] + " D:JD", "D:swap", "wrongStage"},
		{"close after leading", schnapsenLowDeck, "N:JS", "N:close", "wrongStage"},
		{"marriage with a follow", schnapsenCloserWonOneDeck, "N:XS", "D:QC+", "wrongStage"},
		{"another game's command", schnapsenLowDeck, "", "N:knock", "wrongStage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newSchnapsenGame(t, 1, tt.deck(t))
			g.run(tt.setup)
			g.refused(tt.step, tt.code)
		})
	}
}
