package game

import (
	"strings"
	"testing"
)

// skCards parses space-separated Schafkopf card codes; "|" separators
// (between tricks) are skipped.
func skCards(t testing.TB, s string) []Card {
	t.Helper()
	var out []Card
	for _, f := range strings.Fields(s) {
		if f == "|" {
			continue
		}
		c, err := SchafkopfNotation.Parse(f)
		if err != nil {
			t.Fatalf("bad card in test: %v", err)
		}
		out = append(out, c)
	}
	return out
}

// skCard parses one Schafkopf card code.
func skCard(t testing.TB, s string) Card {
	t.Helper()
	return skCards(t, s)[0]
}

// skDeck builds the deck that deals hands[seat] (first half in packet 1,
// second half in packet 2, each in order) when dealer deals (rules §2).
func skDeck(t testing.TB, dealer int, short bool, hands [4]string) []Card {
	t.Helper()
	per := 8
	if short {
		per = 6
	}
	packet := per / 2
	deck := make([]Card, 4*per)
	forehand := (dealer + 1) % 4
	for seat, h := range hands {
		cards := skCards(t, h)
		if len(cards) != per {
			t.Fatalf("hand of seat %d has %d cards, want %d", seat, len(cards), per)
		}
		offset := (seat - forehand + 4) % 4
		for i, c := range cards {
			deck[i/packet*4*packet+offset*packet+i%packet] = c
		}
	}
	if !isPermutation(deck, SchafkopfDeck(short)) {
		t.Fatalf("hands are not a %d-card deck", len(deck))
	}
	return deck
}

// skTable drives one Schafkopf table through whole deals in a test. Every
// action is stamped 100 ms after the previous one.
type skTable struct {
	t   *testing.T
	tbl *Table
	now int64
}

// skNew creates a Schafkopf table whose first dealer is dealer.
func skNew(t *testing.T, o Options, dealer int) *skTable {
	t.Helper()
	tbl, err := NewTable(Config{Game: KindSchafkopf, Options: o, FirstDealer: dealer})
	if err != nil {
		t.Fatal(err)
	}
	return &skTable{t: t, tbl: tbl, now: 1_000_000}
}

// start deals hands (per seat) with the table's current dealer.
func (s *skTable) start(hands [4]string) []Event {
	s.t.Helper()
	deck := skDeck(s.t, s.tbl.Dealer(), s.tbl.Options().ShortDeck, hands)
	return s.do(SystemSeat, StartDeal{Deck: deck})
}

// do applies an action that must succeed, and checks that the table
// survives an encode/decode round trip unchanged.
func (s *skTable) do(seat int, cmd Command) []Event {
	s.t.Helper()
	s.now += 100
	return mustHandle(s.t, s.tbl, Action{Seat: seat, Cmd: cmd, Now: s.now})
}

// refused applies an action that must be refused with want, and checks
// that it changed nothing: no events, the encoded table byte-identical.
func (s *skTable) refused(seat int, cmd Command, want *Refusal) {
	s.t.Helper()
	mustRefuse(s.t, s.tbl, Action{Seat: seat, Cmd: cmd, Now: s.now + 50}, want)
}

// timeout fires the current prompt's timer.
func (s *skTable) timeout() []Event {
	s.t.Helper()
	return s.do(SystemSeat, Timeout{Serial: s.tbl.Prompt().Serial})
}

// knock answers the knock window: the seats in knockers knock, the others
// decline, in seat order.
func (s *skTable) knock(knockers ...int) []Event {
	s.t.Helper()
	var out []Event
	for seat := 0; seat < 4; seat++ {
		var cmd Command = NoKnock{}
		for _, k := range knockers {
			if k == seat {
				cmd = Knock{}
			}
		}
		out = append(out, s.do(seat, cmd)...)
	}
	return out
}

// announce lets the seats speak in turn from forehand; nil passes.
func (s *skTable) announce(calls ...Command) []Event {
	s.t.Helper()
	var out []Event
	for _, c := range calls {
		if c == nil {
			c = Pass{}
		}
		out = append(out, s.do(s.tbl.Prompt().Turn, c)...)
	}
	return out
}

// play plays the cards, each by the seat whose turn it is.
func (s *skTable) play(cards string) []Event {
	s.t.Helper()
	var out []Event
	for _, c := range skCards(s.t, cards) {
		out = append(out, s.do(s.tbl.Prompt().Turn, PlayCard{Card: c})...)
	}
	return out
}

// playOut plays the first legal card of the seat to act until the deal
// ends.
func (s *skTable) playOut() []Event {
	s.t.Helper()
	var out []Event
	for s.tbl.Playing() {
		seat := s.tbl.Prompt().Turn
		var card Card
		for _, c := range s.tbl.Legal(seat) {
			if p, ok := c.(PlayCard); ok {
				card = p.Card
				break
			}
		}
		if !card.Valid() {
			s.t.Fatalf("seat %d has no legal card in stage %s", seat, s.tbl.StageName())
		}
		out = append(out, s.do(seat, PlayCard{Card: card})...)
	}
	return out
}

// hand is seat's current hand.
func (s *skTable) hand(seat int) []Card { return s.tbl.View(seat).Hand }

// sk is the table's Schafkopf deal state.
func (s *skTable) sk() *schafkopfDeal { return s.tbl.d.Deal.Schafkopf }

func skEncode(t testing.TB, tbl *Table) []byte {
	t.Helper()
	b, err := tbl.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// skResult finds the deal result among events.
func skResult(t testing.TB, events []Event) SchafkopfResult {
	t.Helper()
	for _, e := range events {
		if r, ok := e.(SchafkopfResult); ok {
			return r
		}
	}
	t.Fatalf("no dealResult among %d events", len(events))
	return SchafkopfResult{}
}

// skOf returns the events of type E among events.
func skOf[E Event](events []Event) []E {
	var out []E
	for _, e := range events {
		if x, ok := e.(E); ok {
			out = append(out, x)
		}
	}
	return out
}

// skSameCards reports whether a and b hold the same cards, in any order.
func skSameCards(a, b []Card) bool {
	if len(a) != len(b) {
		return false
	}
	for _, c := range a {
		if !hasCard(b, c) {
			return false
		}
	}
	return true
}
