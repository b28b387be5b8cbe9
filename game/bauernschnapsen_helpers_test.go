package game

import (
	"strings"
	"testing"
)

// The Bauernschnapsen tests deal with dealer 3 unless they say otherwise,
// as the rules' examples do: forehand is seat 0 (P1), the cutter seat 2
// (P3); team 0 (seats 0 and 2) calls trump.

// bsDeck builds the deck that deals hands[seat] (five cards each, in deal
// order) when dealer deals (§3): after a cut the first three cards of each
// hand come in round 1 and the last two in round 2, after a knock all five
// at once.
func bsDeck(t testing.TB, dealer int, knock bool, hands [4]string) []Card {
	t.Helper()
	deck := make([]Card, 20)
	forehand := (dealer + 1) % 4
	for seat, h := range hands {
		cards := schnapsenCards(t, h)
		if len(cards) != 5 {
			t.Fatalf("hand of seat %d has %d cards, want 5", seat, len(cards))
		}
		off := (seat - forehand + 4) % 4
		for i, c := range cards {
			switch {
			case knock:
				deck[off*5+i] = c
			case i < 3:
				deck[off*3+i] = c
			default:
				deck[12+off*2+i-3] = c
			}
		}
	}
	if !isPermutation(deck, SchnapsenDeck()) {
		t.Fatalf("hands are not a Schnapsen deck: %v", deck)
	}
	return deck
}

// bsTable drives one Bauernschnapsen table in a test. Every action is
// stamped 100 ms after the previous one.
type bsTable struct {
	t   *testing.T
	tbl *Table
	now int64
}

// bsTestTimeout is the turn timer of the test tables.
const bsTestTimeout = 20_000

// bsNew creates an idle Bauernschnapsen table whose first dealer is dealer.
func bsNew(t *testing.T, dealer int) *bsTable {
	t.Helper()
	tbl, err := NewTable(Config{Game: KindBauernschnapsen, FirstDealer: dealer, Options: Options{TurnTimeoutMs: bsTestTimeout}})
	if err != nil {
		t.Fatal(err)
	}
	return &bsTable{t: t, tbl: tbl, now: 1_000_000}
}

// start starts a deal with deck and returns its events.
func (s *bsTable) start(deck []Card) []Event {
	s.t.Helper()
	return s.do(SystemSeat, StartDeal{Deck: deck})
}

// deal starts a deal of hands (dealt for a cut or a knock as knock says),
// answers the cut window accordingly and calls trump: suit is a suit letter
// or "up" for Aufschlagen. It returns all events.
func (s *bsTable) deal(knock bool, hands [4]string, trump string) []Event {
	s.t.Helper()
	evs := s.start(bsDeck(s.t, s.tbl.Dealer(), knock, hands))
	b := s.b()
	if knock {
		evs = append(evs, s.do(b.Cutter, Knock{})...)
	} else {
		evs = append(evs, s.do(b.Cutter, Cut{})...)
	}
	return append(evs, s.do(s.tbl.d.Deal.Forehand, s.call(trump))...)
}

// call is the CallTrump of a suit letter, or Aufschlagen for "up".
func (s *bsTable) call(trump string) CallTrump {
	s.t.Helper()
	if trump == "up" {
		return CallTrump{Aufschlagen: true}
	}
	suit, err := SchnapsenNotation.ParseSuit(trump)
	if err != nil {
		s.t.Fatal(err)
	}
	return CallTrump{Suit: suit}
}

// auction lets the seats speak in turn: "-" passes, anything else
// announces that contract.
func (s *bsTable) auction(calls string) []Event {
	s.t.Helper()
	var out []Event
	for _, c := range strings.Fields(calls) {
		var cmd Command = Pass{}
		if c != "-" {
			cmd = Announce{Game: Contract(c)}
		}
		out = append(out, s.do(s.tbl.Prompt().Turn, cmd)...)
	}
	return out
}

// play plays the cards, each by the seat whose turn it is; "|" separators
// are skipped and a "+" suffix announces the marriage with a lead.
func (s *bsTable) play(cards string) []Event {
	s.t.Helper()
	var out []Event
	for _, f := range strings.Fields(cards) {
		if f == "|" {
			continue
		}
		out = append(out, s.do(s.tbl.Prompt().Turn, s.card(f))...)
	}
	return out
}

// card is the PlayCard of a code with an optional "+" (marriage).
func (s *bsTable) card(code string) PlayCard {
	s.t.Helper()
	return PlayCard{Card: schnapsenCard(s.t, strings.TrimSuffix(code, "+")), Marriage: strings.HasSuffix(code, "+")}
}

// do applies an action that must succeed, and checks that the table
// survives an encode/decode round trip unchanged.
func (s *bsTable) do(seat int, cmd Command) []Event {
	s.t.Helper()
	s.now += 100
	return mustHandle(s.t, s.tbl, Action{Seat: seat, Cmd: cmd, Now: s.now})
}

// refused applies an action that must be refused with want, and checks
// that it changed nothing: no events, the encoded table byte-identical.
func (s *bsTable) refused(seat int, cmd Command, want *Refusal) {
	s.t.Helper()
	mustRefuse(s.t, s.tbl, Action{Seat: seat, Cmd: cmd, Now: s.now + 50}, want)
}

// timeout fires the current prompt's timer.
func (s *bsTable) timeout() []Event {
	s.t.Helper()
	return s.do(SystemSeat, Timeout{Serial: s.tbl.Prompt().Serial})
}

// b is the running deal's Bauernschnapsen state.
func (s *bsTable) b() *bauernDeal { return s.tbl.d.Deal.Bauernschnapsen }

// hand is seat's current hand.
func (s *bsTable) hand(seat int) []Card { return s.tbl.d.Deal.Hands[seat] }

// bsResult finds the deal result among events.
func bsResult(t testing.TB, events []Event) BauernschnapsenResult {
	t.Helper()
	r, ok := schnapsenLastEvent[BauernschnapsenResult](events)
	if !ok {
		t.Fatalf("no dealResult among %d events", len(events))
	}
	return r
}
