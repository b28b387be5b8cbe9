package game

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// schnapsenCards parses space-separated Schnapsen card codes ("AH XS").
func schnapsenCards(t testing.TB, s string) []Card {
	t.Helper()
	var out []Card
	for _, f := range strings.Fields(s) {
		c, err := SchnapsenNotation.Parse(f)
		if err != nil {
			t.Fatalf("bad card in %q: %v", s, err)
		}
		out = append(out, c)
	}
	return out
}

// schnapsenCard parses one card code.
func schnapsenCard(t testing.TB, s string) Card {
	t.Helper()
	cs := schnapsenCards(t, s)
	if len(cs) != 1 {
		t.Fatalf("want one card, got %q", s)
	}
	return cs[0]
}

// schnapsenDeckOf builds the deck that deals n to the non-dealer and d to
// the dealer (in deal order), turns up trump and stacks stock with its
// first card on top (§3). Hands of fewer than five cards and the rest of
// the stock are filled with the cards not named, in canonical order.
func schnapsenDeckOf(t testing.TB, n, d, trump, stock string) []Card {
	t.Helper()
	nh, dh, st := schnapsenCards(t, n), schnapsenCards(t, d), schnapsenCards(t, stock)
	named := append(append(append(append([]Card(nil), nh...), dh...), st...), schnapsenCard(t, trump))
	var rest []Card
	for _, c := range SchnapsenDeck() {
		if !hasCard(named, c) {
			rest = append(rest, c)
		}
	}
	for len(nh) < 5 && len(rest) > 0 {
		nh, rest = append(nh, rest[0]), rest[1:]
	}
	for len(dh) < 5 && len(rest) > 0 {
		dh, rest = append(dh, rest[0]), rest[1:]
	}
	if len(nh) != 5 || len(dh) != 5 {
		t.Fatalf("hands must have 5 cards: %q, %q", n, d)
	}
	deck := make([]Card, 0, 20)
	deck = append(deck, nh[:3]...)
	deck = append(deck, dh[:3]...)
	deck = append(deck, schnapsenCard(t, trump))
	deck = append(deck, nh[3:]...)
	deck = append(deck, dh[3:]...)
	deck = append(deck, st...)
	deck = append(deck, rest...)
	if !isPermutation(deck, SchnapsenDeck()) {
		t.Fatalf("not a Schnapsen deck (a card named twice?): %v", deck)
	}
	return deck
}

// schnapsenGame drives one table through scripted moves. Steps name the
// seat by its role in the running deal: N (non-dealer, forehand) or D
// (dealer).
type schnapsenGame struct {
	t   *testing.T
	tbl *Table
	now int64
}

// schnapsenTestTimeout is the turn timer of the test tables.
const schnapsenTestTimeout = 20_000

// newSchnapsenGame makes a table whose first dealer is dealer and starts a
// deal with deck.
func newSchnapsenGame(t *testing.T, dealer int, deck []Card) *schnapsenGame {
	t.Helper()
	g := newSchnapsenIdle(t, dealer)
	g.start(deck)
	return g
}

// newSchnapsenIdle makes a table whose first dealer is dealer, no deal
// started.
func newSchnapsenIdle(t *testing.T, dealer int) *schnapsenGame {
	t.Helper()
	tbl, err := NewTable(Config{Game: KindSchnapsen, FirstDealer: dealer, Options: Options{TurnTimeoutMs: schnapsenTestTimeout}})
	if err != nil {
		t.Fatal(err)
	}
	return &schnapsenGame{t: t, tbl: tbl, now: 1_000_000}
}

// start starts the next deal with deck and returns its events.
func (g *schnapsenGame) start(deck []Card) []Event {
	g.t.Helper()
	g.now += 1000
	evs, err := g.tbl.Handle(Action{Seat: SystemSeat, Cmd: StartDeal{Deck: deck}, Now: g.now})
	if err != nil {
		g.t.Fatalf("start deal: %v", err)
	}
	return evs
}

// seat resolves a role letter of the running deal.
func (g *schnapsenGame) seat(role string) int {
	g.t.Helper()
	n := (g.tbl.Dealer() + 1) % 2
	switch role {
	case "N":
		return n
	case "D":
		return 1 - n
	}
	g.t.Fatalf("bad role %q", role)
	return -1
}

// action parses a step: "N:AS" plays AS, "N:KH+" leads KH announcing the
// marriage, "N:swap" exchanges the trump jack, "N:close" closes the
// talon, "N:knock" is a command of another game.
func (g *schnapsenGame) action(step string) Action {
	g.t.Helper()
	role, move, ok := strings.Cut(step, ":")
	if !ok {
		g.t.Fatalf("bad step %q", step)
	}
	g.now += 1000
	a := Action{Seat: g.seat(role), Now: g.now}
	switch move {
	case "swap":
		a.Cmd = ExchangeTrump{}
	case "close":
		a.Cmd = CloseTalon{}
	case "knock":
		a.Cmd = Knock{}
	default:
		marriage := strings.HasSuffix(move, "+")
		a.Cmd = PlayCard{Card: schnapsenCard(g.t, strings.TrimSuffix(move, "+")), Marriage: marriage}
	}
	return a
}

// do applies one step, which must be accepted, and returns its events.
func (g *schnapsenGame) do(step string) []Event {
	g.t.Helper()
	evs, err := g.tbl.Handle(g.action(step))
	if err != nil {
		g.t.Fatalf("step %q refused: %v", step, err)
	}
	return evs
}

// run applies space-separated steps and returns all their events.
func (g *schnapsenGame) run(script string) []Event {
	g.t.Helper()
	var out []Event
	for _, step := range strings.Fields(script) {
		out = append(out, g.do(step)...)
	}
	return out
}

// refused checks that step is refused with code and that it changed
// nothing: no events, the encoded table byte for byte the same.
func (g *schnapsenGame) refused(step, code string) {
	g.t.Helper()
	before := g.encode()
	evs, err := g.tbl.Handle(g.action(step))
	if CodeOf(err) != code {
		g.t.Fatalf("step %q: got error %v, want code %q", step, err, code)
	}
	if !errors.Is(err, &Refusal{Code: code}) {
		g.t.Fatalf("step %q: errors.Is does not match %q", step, code)
	}
	if len(evs) != 0 {
		g.t.Fatalf("step %q: refused but emitted %v", step, evs)
	}
	if after := g.encode(); !bytes.Equal(before, after) {
		g.t.Fatalf("step %q: refused but changed the table:\nbefore %s\nafter  %s", step, before, after)
	}
}

// encode is the table's JSON encoding.
func (g *schnapsenGame) encode() []byte {
	g.t.Helper()
	b, err := g.tbl.MarshalJSON()
	if err != nil {
		g.t.Fatal(err)
	}
	return b
}

// view is the view of the seat with role ("N", "D").
func (g *schnapsenGame) view(role string) View { return g.tbl.View(g.seat(role)) }

// deal is the running deal's Schnapsen state.
func (g *schnapsenGame) deal() *schnapsenDeal { return g.tbl.d.Deal.Schnapsen }

// hand is the hand of the seat with role.
func (g *schnapsenGame) hand(role string) []Card { return g.tbl.d.Deal.Hands[g.seat(role)] }

// schnapsenEventsOf returns the events of type T in evs.
func schnapsenEventsOf[T Event](evs []Event) []T {
	var out []T
	for _, e := range evs {
		if x, ok := e.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

// schnapsenLastEvent returns the last event of type T in evs; ok is false when
// there is none.
func schnapsenLastEvent[T Event](evs []Event) (T, bool) {
	var zero T
	for i := len(evs) - 1; i >= 0; i-- {
		if x, ok := evs[i].(T); ok {
			return x, true
		}
	}
	return zero, false
}

// schnapsenResultOf returns the deal result in evs.
func schnapsenResultOf(t *testing.T, evs []Event) SchnapsenResult {
	t.Helper()
	r, ok := schnapsenLastEvent[SchnapsenResult](evs)
	if !ok {
		t.Fatalf("no dealResult in %v", evs)
	}
	return r
}

// schnapsenSameCards reports whether a and b hold the same cards in the same order.
func schnapsenSameCards(a, b []Card) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// The decks below are shared by several tests; each comment gives the
// deal's story, trump suit first. Dealer is seat 1 unless a test says
// otherwise, so N is seat 0.

// schnapsenLowDeck: hearts, trump card AH; D holds the trump jack. D wins
// the five low open-phase tricks of schnapsenLowOpen (35:0), draws XD
// last, and N takes AH, exhausting the talon. D then holds AC AS KH QH XD,
// N KC XS XH AD AH.
func schnapsenLowDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "JS QS JC QC XC", "KS JD QD KD JH", "AH", "AC KC AS XS KH XH QH AD XD")
}

// schnapsenLowOpen plays the open phase of schnapsenLowDeck, one trick a
// line: D wins all five.
var schnapsenLowOpen = []string{"N:JS D:KS", "D:JD N:QC", "D:QD N:JC", "D:KD N:QS", "D:JH N:XC"}

// schnapsenLastTrickDeck: spades, trump card KS. Played as
// schnapsenLastTrickPlay, nobody reaches 66: N ends on 62, D on 58 and D
// wins the tenth trick.
func schnapsenLastTrickDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "AH JH JD AD KH", "QH XH XD KD QD", "KS", "AC QC JC XC AS KC QS XS JS")
}

// schnapsenLastTrickPlay plays schnapsenLastTrickDeck, one trick a line.
var schnapsenLastTrickPlay = []string{
	"N:AH D:QH", "N:JH D:XH", "D:XD N:JD", "D:KD N:AD", "N:KH D:QD", // open: N 36, D 24
	"N:AC D:QC", "N:XC D:JC", "N:KC D:KS", "D:AS N:QS", "D:XS N:JS", // strict: N +26, D +34
}

// schnapsenSchwarzDeck: hearts. N takes two tricks (34) and ends the deal
// by announcing the trump marriage: 74:0.
func schnapsenSchwarzDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "AS AC KH QH JD", "XS JC QS KS QD", "JH", "")
}

// schnapsenSchwarzPlay plays schnapsenSchwarzDeck.
const schnapsenSchwarzPlay = "N:AS D:XS N:AC D:JC N:KH+"

// schnapsenOneDeck: hearts. D takes three tricks (39), N wins with the
// trump marriage: 67:39, one game point.
func schnapsenOneDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "JD JC QS AH KH", "AD XD AS JS XS", "JH", "AC QH")
}

// schnapsenOnePlay plays schnapsenOneDeck.
const schnapsenOnePlay = "N:JD D:AD D:XD N:JC D:AS N:QS D:JS N:AH N:KH+ D:XS"

// The closing decks (hearts, trump card JH, dealer seat 1 so N is seat 0)
// with their plays; N closes each time.

// schnapsenCloserWonSchwarzDeck: N closes before the first lead; D wins a
// trick after closing but none before: N wins with 3.
func schnapsenCloserWonSchwarzDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "QH KH AH XH JC", "KD AC XC AD XD", "JH", "")
}

const schnapsenCloserWonSchwarzPlay = "N:close N:QH+ D:KD N:JC D:AC D:XC N:KH N:AH D:XD"

// schnapsenCloserWonSchneiderDeck: D has one trick (5) when N closes: N
// wins with 2.
func schnapsenCloserWonSchneiderDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "JS QC KH QH AH", "QS JC AD XD KD", "JH", "AS XH XS AC")
}

const schnapsenCloserWonSchneiderPlay = "N:JS D:QS D:JC N:QC N:close N:KH+ D:KD N:AH D:XD"

// schnapsenCloserWonOneDeck: D has 41 with one trick when N closes: N
// wins with 1.
func schnapsenCloserWonOneDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "XS AC KH QH AH", "AS QC KC AD XD", "JH", "KS XH QS JC")
}

const schnapsenCloserWonOnePlay = "N:XS D:AS D:QC+ N:AC N:close N:KH+ D:XD"

// schnapsenCloserFailedSchwarzDeck: N closes before the first lead and D
// reaches 66 first: D wins with 3.
func schnapsenCloserFailedSchwarzDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "JS QS KS JC QC", "AH XH KH QH AS", "JH", "")
}

const schnapsenCloserFailedSchwarzPlay = "N:close N:JS D:AS D:KH+ N:QC D:AH N:JC"

// schnapsenCloserFailedDeck: D has one trick when N closes and D reaches
// 66 first: D wins with 2.
func schnapsenCloserFailedDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "JS QC JD QD KS", "QS JC AH KH QH", "JH", "AD XS AC XD")
}

const schnapsenCloserFailedPlay = "N:JS D:QS D:JC N:QC N:close N:JD D:AD D:KH+ N:KS"

// schnapsenCloserOutOfCardsDeck: D has one trick when N closes; N wins
// the last trick but ends on 53: D wins with 2.
func schnapsenCloserOutOfCardsDeck(t testing.TB) []Card {
	return schnapsenDeckOf(t, "JS XD AS KC KH", "QS JD XS XC QH", "JH", "KD QD AH JC")
}

const schnapsenCloserOutOfCardsPlay = "N:JS D:QS D:JD N:XD N:close N:AS D:XS N:KC D:XC D:QH N:KH N:QD D:KD D:JC N:AH"
