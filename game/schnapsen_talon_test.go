package game

import (
	"reflect"
	"strings"
	"testing"
)

// §7: the leader holding the jack of trumps swaps it for the face-up trump
// card before leading, even N before the first lead; the jack becomes the
// face-up card and the trump suit stays.
func TestSchnapsenExchangeTrumpJack(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenDeckOf(t, "AS JH XS QH KS", "", "KH", ""))
	deadline := g.tbl.Prompt().Deadline
	evs := g.do("N:swap")
	ex, _ := schnapsenLastEvent[TrumpExchanged](evs)
	if want := (TrumpExchanged{Seat: 0, Took: schnapsenCard(t, "KH"), Gave: schnapsenCard(t, "JH")}); ex != want {
		t.Fatalf("trumpExchanged %+v, want %+v", ex, want)
	}
	if !schnapsenSameCards(g.hand("N"), schnapsenCards(t, "AS KH XS QH KS")) {
		t.Fatalf("N holds %v", g.hand("N"))
	}
	sv := g.view("N").Schnapsen
	if sv.TrumpCard != schnapsenCard(t, "JH") || sv.TrumpSuit != Hearts || sv.Talon != 10 || sv.CanExchange || !sv.CanClose {
		t.Fatalf("view after the exchange %+v", sv)
	}
	// The leader is prompted again, with the marriage the king completed,
	// on the same turn deadline.
	prompt, _ := schnapsenLastEvent[MustPlayCard](evs)
	want := MustPlayCard{Seat: 0, Deadline: deadline, Legal: schnapsenCards(t, "AS KH XS QH KS"),
		Marriages: []Suit{Hearts}, CanClose: true}
	if !reflect.DeepEqual(prompt, want) || g.tbl.Prompt().Deadline != deadline {
		t.Fatalf("prompt %+v, want %+v", prompt, want)
	}
	g.refused("N:swap", "noTrumpJack")
	g.do("N:KH+")
}

// §7: the exchanged jack lies at the bottom of the talon and is the last
// card drawn, publicly, by the loser of the fifth trick.
func TestSchnapsenExchangedJackIsDrawnLast(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	g.run(schnapsenLowOpen[0])
	g.do("D:swap") // D: JD QD KD JH AC -> JD QD KD AH AC
	g.run("D:JD N:QC D:QD N:JC D:KD N:QS")
	evs := g.run("D:AC N:XC")
	drawn := schnapsenEventsOf[CardsDrawn](evs)
	want := CardsDrawn{Seat: 0, Cards: schnapsenCards(t, "JH"), Count: 1, Public: true}
	if len(drawn) != 2 || !reflect.DeepEqual(drawn[1], want) {
		t.Fatalf("last draws %+v, want the loser N to take JH publicly", drawn)
	}
}

// §7, §8 and DECIDED 4: exchanging and closing need an open talon of at
// least 3 cards. At a lead the talon holds 10, 8, 6, 4, 2 or 0 cards, so
// in play 4 is the smallest talon that allows them and 2 refuses them.
func TestSchnapsenTalonMustHoldThreeCards(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	g.run(strings.Join(schnapsenLowOpen[:3], " "))

	// Four talon cards: D may exchange, close, or both in that order.
	if sv := g.view("D").Schnapsen; sv.Talon != 4 || !sv.CanExchange || !sv.CanClose {
		t.Fatalf("talon of 4: view %+v", sv)
	}
	for _, script := range []string{"D:swap", "D:close", "D:swap D:close"} {
		c := &schnapsenGame{t: t, tbl: g.tbl.Clone(), now: g.now}
		c.run(script)
	}

	// Two talon cards: neither.
	g.run(schnapsenLowOpen[3])
	if sv := g.view("D").Schnapsen; sv.Talon != 2 || sv.CanExchange || sv.CanClose {
		t.Fatalf("talon of 2: view %+v", sv)
	}
	if !hasCard(g.hand("D"), schnapsenCard(t, "JH")) {
		t.Fatal("D should still hold the trump jack")
	}
	g.refused("D:swap", "talonTooSmall")
	g.refused("D:close", "talonTooSmall")

	// Exhausted: the talon is gone.
	g.run(schnapsenLowOpen[4])
	g.refused("D:swap", "talonClosed")
	g.refused("D:close", "talonClosed")
}

// DECIDED 4 at its exact boundary: 3 talon cards (2 stock + trump card)
// allow exchange and closing, 2 do not. Play never reaches a talon of 3 at
// a lead, so the deal is set up by hand.
func TestSchnapsenTalonCountBoundary(t *testing.T) {
	for _, tt := range []struct {
		next  int // deck index of the stock's top
		talon int
		ok    bool
	}{{17, 4, true}, {18, 3, true}, {19, 2, false}, {20, 1, false}} {
		g := newSchnapsenGame(t, 1, schnapsenDeckOf(t, "JH", "", "AH", ""))
		g.tbl.d.Deal.Next = tt.next
		sv := g.view("N").Schnapsen
		if sv.Talon != tt.talon || sv.CanExchange != tt.ok || sv.CanClose != tt.ok {
			t.Fatalf("stock from %d: view %+v, want talon %d, allowed %v", tt.next, sv, tt.talon, tt.ok)
		}
		if tt.ok {
			g.run("N:swap N:close")
		} else {
			g.refused("N:swap", "talonTooSmall")
			g.refused("N:close", "talonTooSmall")
		}
	}
}

// §8: the leader closes; the closer and the opponent's score and tricks
// at that moment are recorded; the trump card stays known but the talon
// is dead (no more draws); the strict phase applies to the very next
// follow; exchanging and closing again are refused.
func TestSchnapsenCloseTalon(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenCloserWonOneDeck(t))
	g.run("N:XS D:AS D:QC+ N:AC") // D 41 with one trick, N 14; N holds KH QH AH XH QS
	g.refused("D:close", "wrongStage")
	deadline := g.tbl.Prompt().Deadline
	evs := g.do("N:close")
	if closed, _ := schnapsenLastEvent[TalonClosed](evs); closed.Seat != 0 {
		t.Fatalf("talonClosed %+v", closed)
	}
	prompt, _ := schnapsenLastEvent[MustPlayCard](evs)
	want := MustPlayCard{Seat: 0, Deadline: deadline, Legal: schnapsenCards(t, "KH QH AH XH QS"), Marriages: []Suit{Hearts}}
	if !reflect.DeepEqual(prompt, want) {
		t.Fatalf("prompt after closing %+v, want %+v", prompt, want)
	}
	if s := g.deal(); s.ClosedBy != 0 || s.OppScore != 41 || s.OppTricks != 1 {
		t.Fatalf("closed by %d with the opponent at %d points, %d tricks; want 0, 41, 1", s.ClosedBy, s.OppScore, s.OppTricks)
	}
	sv := g.view("D").Schnapsen
	if sv.ClosedBy != 0 || sv.TrumpCard != schnapsenCard(t, "JH") || sv.Talon != 6 || !sv.Strict {
		t.Fatalf("view after closing %+v", sv)
	}
	g.refused("N:close", "talonClosed")
	g.refused("N:swap", "talonClosed")
	g.do("N:QS")
	g.refused("D:KC", "mustHeadTrick") // D holds KS
	evs = g.do("D:KS")
	if d := schnapsenEventsOf[CardsDrawn](evs); len(d) != 0 || len(g.hand("N")) != 4 || len(g.hand("D")) != 4 {
		t.Fatalf("drew %v after closing", d)
	}
}
