package game

import (
	"errors"
	"fmt"
)

// Validation of a decoded table. A snapshot is plain data from a peer or a
// disk: UnmarshalJSON must refuse any state on which the table's methods
// (View, Legal, Prompt, Handle and the stages they enter) could index out
// of range, follow a nil pointer or go wrong quietly. The checks are the
// invariants the rules keep: the common ones here, each game's own in its
// rules' validate (validate_<game>.go). A state the rules reach always
// passes; TestReachedStatesValidate plays deals to hold us to that.
//
// Only a deal in play is checked card by card. An idle table keeps the
// last deal's record, but nothing reads it: StartDeal replaces it whole.

// validate checks the whole decoded state.
func (t *Table) validate() error {
	d := &t.d
	n := t.seats
	if d.Options.TurnTimeoutMs < 0 {
		return errors.New("turnTimeoutMs must not be negative")
	}
	if d.Options.ShortDeck && d.Game != KindSchafkopf {
		return errors.New("shortDeck is a Schafkopf option")
	}
	if d.Dealer < 0 || d.Dealer >= n {
		return fmt.Errorf("dealer %d is not a seat of %d", d.Dealer, n)
	}
	if d.DealNo < 0 || d.Serial < 0 {
		return fmt.Errorf("deal number %d or timer serial %d is negative", d.DealNo, d.Serial)
	}
	if len(d.Balances) != n || len(d.Bummerl) != n {
		return fmt.Errorf("%d balances and %d Bummerl counts for %d seats", len(d.Balances), len(d.Bummerl), n)
	}
	for seat, b := range d.Bummerl {
		if b < 0 {
			return fmt.Errorf("seat %d has %d Bummerl", seat, b)
		}
	}
	if d.Match.Bauernschnapsen != nil && d.Game != KindBauernschnapsen {
		return fmt.Errorf("a %s table holds a Bauernschnapsen match", d.Game)
	}
	if d.Playing {
		if d.DealNo < 1 {
			return errors.New("a deal is in play but none was started")
		}
		if err := t.validateDeal(); err != nil {
			return fmt.Errorf("%s deal: %w", d.Game, err)
		}
	}
	return t.rules.validate(t)
}

// validateDeal checks the common part of the deal in play.
func (t *Table) validateDeal() error {
	d := &t.d.Deal
	n := t.seats
	if want := t.rules.deck(t.d.Options); !isPermutation(d.Deck, want) {
		return fmt.Errorf("the deck is not the %d cards of the game, each once", len(want))
	}
	if d.Next < 0 || d.Next > len(d.Deck) {
		return fmt.Errorf("next deck index %d is outside the deck", d.Next)
	}
	if want := (t.d.Dealer + 1) % n; d.Forehand != want {
		return fmt.Errorf("forehand is seat %d, the dealer's left is seat %d", d.Forehand, want)
	}
	if len(d.Hands) != n || len(d.Tricks) != n || len(d.Points) != n {
		return fmt.Errorf("%d hands, %d trick counts and %d point counts for %d seats", len(d.Hands), len(d.Tricks), len(d.Points), n)
	}
	if d.Turn < -1 || d.Turn >= n || d.Leader < -1 || d.Leader >= n {
		return fmt.Errorf("turn %d or leader %d is not a seat", d.Turn, d.Leader)
	}
	if len(d.Trick) >= n {
		return fmt.Errorf("the current trick holds %d cards", len(d.Trick))
	}
	for _, p := range d.Trick {
		if p.Seat < 0 || p.Seat >= n {
			return fmt.Errorf("seat %d in the current trick is not a seat", p.Seat)
		}
	}
	tricks := 0
	for seat := range d.Tricks {
		if d.Tricks[seat] < 0 || d.Points[seat] < 0 {
			return fmt.Errorf("seat %d has %d tricks and %d points", seat, d.Tricks[seat], d.Points[seat])
		}
		if d.Tricks[seat] == 0 && d.Points[seat] != 0 {
			return fmt.Errorf("seat %d has %d points without a trick", seat, d.Points[seat])
		}
		tricks += d.Tricks[seat]
	}
	if tricks != d.TrickNo {
		return fmt.Errorf("the seats won %d tricks, %d were completed", tricks, d.TrickNo)
	}
	parts := map[Kind]bool{KindSchafkopf: d.Schafkopf != nil, KindSchnapsen: d.Schnapsen != nil, KindBauernschnapsen: d.Bauernschnapsen != nil}
	for kind, present := range parts {
		if present != (kind == t.d.Game) {
			return fmt.Errorf("the deal's %s part is missing or foreign", kind)
		}
	}
	return nil
}

// notResting is the error for a deal whose stage is one the table passes
// through while handling a single action (dealing, scoring) and never
// waits in.
func notResting(t *Table) error {
	return fmt.Errorf("stage %d (%s) is not one a deal waits in", t.d.Stage, t.stages[t.d.Stage].Name())
}

// cardPlaces accounts for the cards of a deal: each card of the deck is
// in exactly one place (undealt, a hand, the talon, the current trick,
// set aside) or in a trick already taken.
type cardPlaces struct {
	t      *Table
	inDeck [NumSuits][Seven + 1]bool
	where  [NumSuits][Seven + 1]string
}

func newCardPlaces(t *Table) *cardPlaces {
	p := &cardPlaces{t: t}
	for _, c := range t.d.Deal.Deck {
		p.inDeck[c.Suit][c.Rank] = true
	}
	return p
}

// name formats c for an error message.
func (p *cardPlaces) name(c Card) string {
	if s := p.t.rules.notation().Format(c); s != "" {
		return s
	}
	return fmt.Sprintf("%d/%d", c.Rank, c.Suit)
}

// put places c in where; a card outside the deck or already placed is an
// error.
func (p *cardPlaces) put(where string, cards ...Card) error {
	for _, c := range cards {
		if !c.Valid() || !p.inDeck[c.Suit][c.Rank] {
			return fmt.Errorf("%s holds %s, no card of this deck", where, p.name(c))
		}
		if w := p.where[c.Suit][c.Rank]; w != "" {
			return fmt.Errorf("%s is both in %s and in %s", p.name(c), w, where)
		}
		p.where[c.Suit][c.Rank] = where
	}
	return nil
}

// putOwned places the cards of seat's hand (or of another place of seat),
// each of which must have been dealt to seat: owner maps every card to
// the seat it was dealt to (games without draws).
func (p *cardPlaces) putOwned(where string, seat int, owner *[NumSuits][Seven + 1]int, cards ...Card) error {
	if err := p.put(where, cards...); err != nil {
		return err
	}
	for _, c := range cards {
		if o := owner[c.Suit][c.Rank]; o != seat {
			return fmt.Errorf("%s holds %s, which was dealt to seat %d", where, p.name(c), o)
		}
	}
	return nil
}

// placeDealt places the undealt cards and every seat's hand, each card of
// a hand dealt to that seat (games without draws: owner as in putOwned).
func placeDealt(t *Table, owner *[NumSuits][Seven + 1]int) (*cardPlaces, error) {
	d := &t.d.Deal
	p := newCardPlaces(t)
	if err := p.put("the undealt cards", d.Deck[d.Next:]...); err != nil {
		return nil, err
	}
	for seat, hand := range d.Hands {
		if err := p.putOwned(handName(seat), seat, owner, hand...); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkTaken checks the cards not placed against the tricks taken: there
// must be size cards per completed trick, worth the card points the seats
// won between them.
func (p *cardPlaces) checkTaken(size int) error {
	d := &p.t.d.Deal
	n, points := 0, 0
	for _, c := range d.Deck {
		if p.where[c.Suit][c.Rank] == "" {
			n++
			points += c.Points()
		}
	}
	if want := size * d.TrickNo; n != want {
		return fmt.Errorf("%d cards are in no hand, talon or trick, but %d tricks of %d cards were taken", n, d.TrickNo, size)
	}
	won := 0
	for _, pts := range d.Points {
		won += pts
	}
	if won != points {
		return fmt.Errorf("the taken tricks hold %d card points, the seats won %d", points, won)
	}
	return nil
}

// handName names seat's hand in errors.
func handName(seat int) string { return fmt.Sprintf("the hand of seat %d", seat) }

// checkHandSize checks the number of cards in seat's hand.
func checkHandSize(d *Deal, seat, want int) error {
	if got := len(d.Hands[seat]); got != want {
		return fmt.Errorf("the hand of seat %d holds %d cards, want %d", seat, got, want)
	}
	return nil
}

// inTrick reports whether seat played to the current trick.
func inTrick(d *Deal, seat int) bool {
	for _, p := range d.Trick {
		if p.Seat == seat {
			return true
		}
	}
	return false
}

// checkTrickOrder checks that the current trick was played in turn from
// the leader (next gives the seat after a seat) and that the seat to act
// is the one after its last card.
func checkTrickOrder(d *Deal, next func(int) int) error {
	want := d.Leader
	for i, p := range d.Trick {
		if p.Seat != want {
			return fmt.Errorf("card %d of the current trick is seat %d's, want seat %d's", i+1, p.Seat, want)
		}
		want = next(want)
	}
	if d.Turn != want {
		return fmt.Errorf("seat %d is to play, want seat %d", d.Turn, want)
	}
	return nil
}
