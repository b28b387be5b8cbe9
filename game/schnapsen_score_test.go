package game

import (
	"reflect"
	"strings"
	"testing"
)

// schnapsenDealCase is one whole deal: a deck, its play with dealer seat
// 1 (N is seat 0), and the result it must give.
type schnapsenDealCase struct {
	name       string
	deck       func(testing.TB) []Card
	play       string
	winner     int
	gamePoints int
	reason     string
	scores     []int
}

// playSchnapsenDeal plays c on a fresh table and checks its result and
// that the table is idle afterwards with the next dealer.
func playSchnapsenDeal(t *testing.T, c schnapsenDealCase) (*schnapsenGame, []Event) {
	t.Helper()
	g := newSchnapsenGame(t, 1, c.deck(t))
	evs := g.run(c.play)
	r := schnapsenResultOf(t, evs)
	if r.Winner != c.winner || r.GamePoints != c.gamePoints || r.Reason != c.reason || !reflect.DeepEqual(r.Scores, c.scores) {
		t.Fatalf("result %+v, want winner %d, %d game points, %s, scores %v", r, c.winner, c.gamePoints, c.reason, c.scores)
	}
	if g.tbl.Playing() || g.tbl.Dealer() != 0 || g.tbl.StageName() != "idle" {
		t.Fatalf("after the deal: playing %v, dealer %d, stage %q", g.tbl.Playing(), g.tbl.Dealer(), g.tbl.StageName())
	}
	if _, ok := evs[len(evs)-1].(SchnapsenResult); !ok {
		t.Fatalf("the result is not the last event: %v", evs[len(evs)-1])
	}
	return g, evs
}

// §10.1, §10.4: the deal ends as soon as a score reaches 66; the winner
// scores 3 when the loser has no trick, 2 below 33 points, else 1.
// Credited marriages count in the loser's score.
func TestSchnapsenGamePointsFromLosersScore(t *testing.T) {
	tests := []schnapsenDealCase{
		{"loser without a trick (Schwarz): 3", schnapsenSchwarzDeck, schnapsenSchwarzPlay, 0, 3, ReasonReached66, []int{74, 0}},
		{"loser below 33 (Schneider): 2",
			func(t testing.TB) []Card { return schnapsenDeckOf(t, "JD AC KH QH AH", "AD JC QC KC JS", "JH", "") },
			"N:JD D:AD D:JC N:AC N:KH+ D:QC N:AH D:KC", 0, 2, ReasonReached66, []int{75, 13}},
		{"loser on 33 or more: 1", schnapsenOneDeck, schnapsenOnePlay, 0, 1, ReasonReached66, []int{67, 39}},
		{"loser on 33 with a credited marriage: 1",
			// D: 13 for a trick, then 20 for the club marriage = 33.
			func(t testing.TB) []Card { return schnapsenDeckOf(t, "JD XC KH QH AH", "AD QC KC JS QS", "JH", "") },
			"N:JD D:AD D:QC+ N:XC N:KH+ D:JS N:AH D:QS", 0, 1, ReasonReached66, []int{73, 33}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { playSchnapsenDeal(t, tt) })
	}
}

// §10.1: reaching 66 with a trick ends the deal at once: no draws, no
// further prompt.
func TestSchnapsenReaching66EndsTheDealAtOnce(t *testing.T) {
	_, evs := playSchnapsenDeal(t, schnapsenDealCase{"", schnapsenOneDeck, schnapsenOnePlay, 0, 1, ReasonReached66, []int{67, 39}})
	tail := evs[len(evs)-3:] // the last follow
	if _, ok := tail[0].(CardPlayed); !ok {
		t.Fatalf("tail %v", tail)
	}
	if tk, ok := tail[1].(TrickTaken); !ok || tk.Seat != 0 || tk.Points != 14 {
		t.Fatalf("tail %v", tail)
	}
}

// §10.1, DECIDED 5: a marriage credited at once that reaches 66 ends the
// deal before the follower plays; the led card forms no trick.
func TestSchnapsenMarriageReaching66EndsTheDealBeforeTheFollow(t *testing.T) {
	g, evs := playSchnapsenDeal(t, schnapsenDealCase{"", schnapsenSchwarzDeck, schnapsenSchwarzPlay, 0, 3, ReasonReached66, []int{74, 0}})
	tail := evs[len(evs)-3:]
	want := []Event{
		CardPlayed{Seat: 0, Card: schnapsenCard(t, "KH")},
		MarriageAnnounced{Seat: 0, Suit: Hearts, Points: 40},
	}
	if !reflect.DeepEqual(tail[:2], want) {
		t.Fatalf("last events %v, want %v then the result", tail, want)
	}
	if g.tbl.d.Deal.TrickNo != 2 || g.tbl.Legal(1) != nil {
		t.Fatalf("tricks %d, D's moves %v: the deal must be over after two tricks", g.tbl.d.Deal.TrickNo, g.tbl.Legal(1))
	}
	g.refused("D:QD", "notPlaying")
}

// §10.2: talon exhausted, ten tricks, nobody at 66: the winner of the last
// trick wins 1 game point, even with fewer points.
func TestSchnapsenLastTrickWinsWhenNobodyReaches66(t *testing.T) {
	g := newSchnapsenGame(t, 1, schnapsenLastTrickDeck(t))
	var evs []Event
	for i, trick := range schnapsenLastTrickPlay {
		evs = g.run(trick)
		if i < 9 && !g.tbl.Playing() {
			t.Fatalf("the deal ended after trick %d", i+1)
		}
	}
	r := schnapsenResultOf(t, evs)
	if r.Winner != 1 || r.GamePoints != 1 || r.Reason != ReasonLastTrick || !reflect.DeepEqual(r.Scores, []int{62, 58}) {
		t.Fatalf("result %+v, want D (1) winning 1 by the last trick, 62:58", r)
	}
}

// §10.3 and DECIDED 6: after closing, the closer C who reaches 66 scores
// from the opponent's score and tricks at the moment of closing (3 without
// a trick, 2 below 33, else 1); when O reaches 66 first or C runs out of
// cards short of 66, O scores 3 if O had no trick at closing, else 2. The
// last-trick rule does not apply.
func TestSchnapsenClosingOutcomes(t *testing.T) {
	tests := []schnapsenDealCase{
		{"C wins, O had no trick at closing: 3 though O took one later",
			schnapsenCloserWonSchwarzDeck, schnapsenCloserWonSchwarzPlay, 0, 3, ReasonCloserWon, []int{82, 13}},
		{"C wins, O below 33 at closing: 2",
			schnapsenCloserWonSchneiderDeck, schnapsenCloserWonSchneiderPlay, 0, 2, ReasonCloserWon, []int{74, 5}},
		{"C wins, O on 33 or more at closing: 1",
			schnapsenCloserWonOneDeck, schnapsenCloserWonOnePlay, 0, 1, ReasonCloserWon, []int{68, 41}},
		{"O reaches 66 first, O had no trick at closing: 3",
			schnapsenCloserFailedSchwarzDeck, schnapsenCloserFailedSchwarzPlay, 1, 3, ReasonCloserFailed, []int{0, 73}},
		{"O reaches 66 first, O had a trick at closing: 2",
			schnapsenCloserFailedDeck, schnapsenCloserFailedPlay, 1, 2, ReasonCloserFailed, []int{5, 66}},
		{"C runs out of cards short of 66 though C took the last trick: O gets 2",
			schnapsenCloserOutOfCardsDeck, schnapsenCloserOutOfCardsPlay, 1, 2, ReasonCloserFailed, []int{53, 26}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { playSchnapsenDeal(t, tt) })
	}
}

// The §10.3 and §10.4 tables themselves, at their edges.
func TestSchnapsenGamePointTables(t *testing.T) {
	for _, tt := range []struct{ score, tricks, want int }{
		{0, 0, 3}, {4, 1, 2}, {32, 3, 2}, {33, 1, 1}, {65, 5, 1},
	} {
		if got := schnapsenGamePoints(tt.score, tt.tricks); got != tt.want {
			t.Errorf("loser on %d with %d tricks: %d game points, want %d", tt.score, tt.tricks, got, tt.want)
		}
	}
}

// §11, DECIDED 7: game points add up per seat; at 7 or more the other seat
// gets the Bummerl (2 when still on 0: Schneider-Bummerl), the totals
// restart at 0:0 and the excess is dropped.
func TestSchnapsenBummerl(t *testing.T) {
	tests := []struct {
		name         string
		totals       []int
		bummerls     []int
		winner       int // the forehand wins the deal played
		deal         func(testing.TB) []Card
		play         string
		wantTotals   []int
		wantLoser    int
		wantBummerl  int
		wantBummerls []int
	}{
		{"points add up below 7", []int{5, 3}, []int{0, 0}, 0, schnapsenOneDeck, schnapsenOnePlay, []int{6, 3}, -1, 0, []int{0, 0}},
		{"reaching 7 gives the other seat the Bummerl", []int{6, 3}, []int{1, 0}, 0, schnapsenOneDeck, schnapsenOnePlay, []int{0, 0}, 1, 1, []int{1, 1}},
		{"excess over 7 is dropped", []int{4, 5}, []int{0, 0}, 0, schnapsenSchwarzDeck, schnapsenSchwarzPlay, []int{0, 0}, 1, 1, []int{0, 1}},
		{"Schneider-Bummerl when the loser is on 0 counts 2", []int{6, 0}, []int{0, 0}, 0, schnapsenOneDeck, schnapsenOnePlay, []int{0, 0}, 1, 2, []int{0, 2}},
		{"seat 1 wins a Schneider-Bummerl", []int{0, 4}, []int{0, 3}, 1, schnapsenSchwarzDeck, schnapsenSchwarzPlay, []int{0, 0}, 0, 2, []int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newSchnapsenIdle(t, 1-tt.winner) // the winner is forehand
			copy(g.tbl.d.Balances, tt.totals)
			copy(g.tbl.d.Bummerl, tt.bummerls)
			g.start(tt.deal(t))
			r := schnapsenResultOf(t, g.run(tt.play))
			if r.Winner != tt.winner || !reflect.DeepEqual(r.Totals, tt.wantTotals) || r.BummerlLoser != tt.wantLoser ||
				r.Bummerl != tt.wantBummerl || !reflect.DeepEqual(r.Bummerls, tt.wantBummerls) {
				t.Fatalf("result %+v, want totals %v, Bummerl %d to %d, Bummerls %v", r, tt.wantTotals, tt.wantBummerl, tt.wantLoser, tt.wantBummerls)
			}
			if !reflect.DeepEqual(g.tbl.Balances(), tt.wantTotals) || !reflect.DeepEqual(g.tbl.View(0).Bummerl, tt.wantBummerls) {
				t.Fatalf("table totals %v, Bummerls %v", g.tbl.Balances(), g.tbl.View(0).Bummerl)
			}
		})
	}
}

// §2, §11, DECIDED 1: the caller's first dealer deals first, the dealer
// alternates every deal and goes on alternating across a Bummerl.
func TestSchnapsenDealerAlternatesAcrossBummerl(t *testing.T) {
	g := newSchnapsenIdle(t, 1)
	wantTotals := [][]int{{3, 0}, {3, 3}, {6, 3}, {6, 6}, {0, 0}, {0, 3}}
	for i, want := range wantTotals {
		dealer := (1 + i) % 2
		if g.tbl.Dealer() != dealer {
			t.Fatalf("deal %d: dealer %d, want %d", i+1, g.tbl.Dealer(), dealer)
		}
		started, _ := schnapsenLastEvent[GameStarted](g.start(schnapsenSchwarzDeck(t)))
		if started.Dealer != dealer || started.Deal != i+1 {
			t.Fatalf("deal %d: gameStarted %+v", i+1, started)
		}
		r := schnapsenResultOf(t, g.run(schnapsenSchwarzPlay)) // forehand wins 3
		if r.Winner != 1-dealer || !reflect.DeepEqual(r.Totals, want) {
			t.Fatalf("deal %d: %+v, want forehand %d to win, totals %v", i+1, r, 1-dealer, want)
		}
		if i == 4 && (r.BummerlLoser != 1 || r.Bummerl != 1) {
			t.Fatalf("deal 5 should give seat 1 the Bummerl: %+v", r)
		}
	}
}

// §6, §10.4: a marriage left pending because its announcer never won a
// trick is lost, and the loser still counts as without a trick.
func TestSchnapsenPendingMarriageIsLostWithoutATrick(t *testing.T) {
	deck := func(t testing.TB) []Card { return schnapsenDeckOf(t, "KS QS JC QC JD", "AS KH QH AH XH", "JH", "") }
	playSchnapsenDeal(t, schnapsenDealCase{"", deck, "N:KS+ D:AS D:KH+ N:QC D:AH N:JC", 1, 3, ReasonReached66, []int{0, 75}})
}

// Every seat reads the same result; it holds nothing private.
func TestSchnapsenResultIsPublic(t *testing.T) {
	_, evs := playSchnapsenDeal(t, schnapsenDealCase{"", schnapsenOneDeck, schnapsenOnePlay, 0, 1, ReasonReached66, []int{67, 39}})
	r := schnapsenResultOf(t, evs)
	if got := VisibleTo(r, 1); !reflect.DeepEqual(got, r) || r.Type() != "dealResult" {
		t.Fatalf("seat 1 sees %+v", got)
	}
	if !strings.Contains(ReasonReached66+ReasonLastTrick+ReasonCloserWon+ReasonCloserFailed, r.Reason) {
		t.Fatalf("unknown reason %q", r.Reason)
	}
}
