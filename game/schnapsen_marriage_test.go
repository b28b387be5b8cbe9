package game

import (
	"reflect"
	"testing"
)

// §6: a marriage is announced by leading its K or Q with the partner in
// hand; it is worth 40 in trumps, 20 otherwise. Announced before the
// announcer's first trick it is pending, then credited with that trick;
// the trick's own points stay its card points.
func TestSchnapsenMarriagePendingUntilFirstTrick(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenDeckOf(t, "KS QS AC XD JD", "AS JC KC AD QD", "JH", ""))
	evs := g.do("N:KS+")
	if m, _ := schnapsenLastEvent[MarriageAnnounced](evs); m != (MarriageAnnounced{Seat: 0, Suit: Spades, Points: 20, Pending: true}) {
		t.Fatalf("marriageAnnounced %+v", m)
	}
	if sv := g.view("N").Schnapsen; sv.Score != 0 || sv.Pending != 20 {
		t.Fatalf("N's view: score %d, pending %d; want 0 and 20", sv.Score, sv.Pending)
	}
	want := []SchnapsenMarriage{{Seat: 0, Suit: Spades, Points: 20}}
	if sv := g.view("D").Schnapsen; !reflect.DeepEqual(sv.Marriages, want) || sv.Pending != 0 {
		t.Fatalf("D's view: marriages %v, pending %d; want %v, 0", sv.Marriages, sv.Pending, want)
	}
	g.do("D:AS") // D takes 15; the 20 stays pending
	if sv := g.view("N").Schnapsen; sv.Score != 0 || sv.Pending != 20 {
		t.Fatalf("after losing: score %d, pending %d", sv.Score, sv.Pending)
	}
	g.do("D:JC")
	evs = g.do("N:AC")
	if tk, _ := schnapsenLastEvent[TrickTaken](evs); tk != (TrickTaken{Seat: 0, Points: 13}) {
		t.Fatalf("trickTaken %+v, want N with 13 card points", tk)
	}
	if sv := g.view("N").Schnapsen; sv.Score != 33 || sv.Pending != 0 {
		t.Fatalf("after the first trick: score %d, pending %d; want 33, 0", sv.Score, sv.Pending)
	}
	if g.tbl.d.Deal.Points[0] != 13 {
		t.Fatalf("card points %d, want 13", g.tbl.d.Deal.Points[0])
	}
}

// §6: with a trick already won, the marriage counts at once; the trump
// marriage is worth 40.
func TestSchnapsenMarriageCreditedAtOnceAfterATrick(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenSchwarzDeck(t))
	g.run("N:AS D:XS") // N 21
	evs := g.do("N:AC")
	if _, ok := schnapsenLastEvent[MarriageAnnounced](evs); ok {
		t.Fatal("a lead without Marriage announced one")
	}
	g.do("D:JC") // N 34
	g2 := &schnapsenGame{t: t, tbl: g.tbl.Clone(), now: g.now}
	evs = g2.do("N:QH+") // the queen announces it as well as the king
	if m, _ := schnapsenLastEvent[MarriageAnnounced](evs); m != (MarriageAnnounced{Seat: 0, Suit: Hearts, Points: 40}) {
		t.Fatalf("marriageAnnounced %+v", m)
	}
	if g2.tbl.Playing() {
		t.Fatal("34 + 40 must end the deal")
	}
}

// §6: only a K or Q whose partner is in hand announces a marriage, each
// marriage once (its led card is gone), and only with a lead.
func TestSchnapsenMarriageConditions(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenDeckOf(t, "KS QS KH JS AC", "KC QC AH XH JC", "AD", ""))
	g.refused("N:JS+", "noMarriage") // not a K or Q
	g.refused("N:AC+", "noMarriage")
	g.refused("N:KH+", "noMarriage") // QH not in hand
	g.refused("N:QD+", "cardNotInHand")
	g.do("N:QS+")
	g.refused("D:QC+", "wrongStage") // a follow announces nothing
	g.do("D:JC")                     // N takes 5, and the pending 20
	g.refused("N:KS+", "noMarriage") // the spades marriage is spent
	if sv := g.view("N").Schnapsen; sv.Score != 25 || len(sv.Marriages) != 1 {
		t.Fatalf("N's view %+v, want score 25 and one marriage", sv)
	}
	g.do("N:KS")
}

// §6, DECIDED 3: a marriage may be announced after exhaustion (and after
// closing, see the closing decks); credited at once it can end the deal.
func TestSchnapsenMarriageInStrictPhase(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLowDeck(t))
	for _, trick := range schnapsenLowOpen {
		g.run(trick)
	}
	g.run("D:AC N:KC") // D 50
	if got := g.view("D").Legal; !reflect.DeepEqual(got[len(got)-2:], []Command{
		PlayCard{Card: schnapsenCard(t, "KH"), Marriage: true}, PlayCard{Card: schnapsenCard(t, "QH"), Marriage: true},
	}) {
		t.Fatalf("D's moves %v should end with the hearts marriage", got)
	}
	r := schnapsenResultOf(t, g.do("D:KH+"))
	if r.Winner != 1 || r.GamePoints != 3 || !reflect.DeepEqual(r.Scores, []int{0, 90}) {
		t.Fatalf("result %+v, want D winning 3 with 90:0", r)
	}

	c := newSchnapsenGame(t, 1, schnapsenCloserWonSchwarzDeck(t))
	evs := c.run("N:close N:QH+")
	if m, _ := schnapsenLastEvent[MarriageAnnounced](evs); m != (MarriageAnnounced{Seat: 0, Suit: Hearts, Points: 40, Pending: true}) {
		t.Fatalf("after closing: %+v", m)
	}
}
