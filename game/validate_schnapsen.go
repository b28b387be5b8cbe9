package game

import (
	"errors"
	"fmt"
)

// validate checks Schnapsen's running Bummerl and its deal in play. A
// deal waits only in the play stage: dealing runs within StartDeal and
// the result within the deal's last action.
func (schnapsenRules) validate(t *Table) error {
	for seat, b := range t.d.Balances {
		if b < 0 || b >= schnapsenBummerlTarget {
			return fmt.Errorf("schnapsen: seat %d has %d game points, want 0 to %d", seat, b, schnapsenBummerlTarget-1)
		}
	}
	if !t.d.Playing {
		return nil
	}
	if err := schnapsenValidateDeal(t); err != nil {
		return fmt.Errorf("schnapsen deal: %w", err)
	}
	return nil
}

func schnapsenValidateDeal(t *Table) error {
	d := &t.d.Deal
	s := d.Schnapsen
	if _, ok := t.stages[t.d.Stage].(schnapsenPlay); !ok {
		return notResting(t)
	}
	if d.Turn < 0 || d.Leader < 0 {
		return fmt.Errorf("turn %d and leader %d must be seats in play", d.Turn, d.Leader)
	}
	if len(d.Trick) > 0 && d.Trick[0].Seat != d.Leader {
		return fmt.Errorf("seat %d led the current trick, the leader is seat %d", d.Trick[0].Seat, d.Leader)
	}
	if err := checkTrickOrder(d, func(seat int) int { return 1 - seat }); err != nil {
		return err
	}

	// The talon: the stock Deck[Next:] and the trump card under it.
	if s.TrumpSuit != d.Deck[schnapsenTrumpIndex].Suit {
		return fmt.Errorf("trump suit %d is not the suit of the turned-up card", s.TrumpSuit)
	}
	jack := Card{Rank: Jack, Suit: s.TrumpSuit}
	if s.TrumpCard != NoCard && s.TrumpCard != d.Deck[schnapsenTrumpIndex] && s.TrumpCard != jack {
		return fmt.Errorf("the trump card is neither the turned-up card nor the jack of trumps")
	}
	// The stock starts at index 11 and loses two cards per draw; the last
	// draw takes its last card and the trump card.
	if d.Next < 11 || (d.Next < len(d.Deck) && d.Next%2 == 0) {
		return fmt.Errorf("next deck index %d is no stock position", d.Next)
	}
	if (d.Next == len(d.Deck)) != (s.TrumpCard == NoCard) {
		return fmt.Errorf("the stock ends at index %d but the trump card is %s", d.Next, SchnapsenNotation.Format(s.TrumpCard))
	}
	draws := (d.Next - 10) / 2 // 11 → 0 ... 19 → 4, 20 → 5
	talon := s.talon(d)
	switch {
	case s.ClosedBy < -1 || s.ClosedBy > 1:
		return fmt.Errorf("closed by seat %d", s.ClosedBy)
	case s.ClosedBy >= 0 && talon < 3:
		return fmt.Errorf("the talon was closed with %d cards", talon)
	case s.ClosedBy >= 0 && (s.OppTricks < 0 || s.OppTricks > d.Tricks[1-s.ClosedBy] || s.OppScore < 0):
		return fmt.Errorf("the opponent had %d tricks and %d points at closing", s.OppTricks, s.OppScore)
	case s.ClosedBy < 0 && (s.OppTricks != 0 || s.OppScore != 0):
		return errors.New("an open talon has a score at closing")
	case s.ClosedBy < 0 && talon > 0 && draws != d.TrickNo:
		return fmt.Errorf("%d draws after %d tricks with the talon open", draws, d.TrickNo)
	case draws > d.TrickNo:
		return fmt.Errorf("%d draws after %d tricks", draws, d.TrickNo)
	}

	// Both hands: five cards plus the draws less the tricks, the leader
	// one fewer while its card lies in the trick. The seat to act holds
	// a card.
	perSeat := 5 + draws - d.TrickNo
	for seat := 0; seat < 2; seat++ {
		want := perSeat
		if inTrick(d, seat) {
			want--
		}
		if err := checkHandSize(d, seat, want); err != nil {
			return err
		}
	}
	if len(d.Hands[d.Turn]) == 0 {
		return fmt.Errorf("seat %d is to play without a card", d.Turn)
	}
	p := newCardPlaces(t)
	if err := p.put("the stock", d.Deck[d.Next:]...); err != nil {
		return err
	}
	if s.TrumpCard != NoCard {
		if err := p.put("the trump card", s.TrumpCard); err != nil {
			return err
		}
	}
	for seat, hand := range d.Hands {
		if err := p.put(handName(seat), hand...); err != nil {
			return err
		}
	}
	for _, pl := range d.Trick {
		if err := p.put("the current trick", pl.Card); err != nil {
			return err
		}
	}
	if err := p.checkTaken(2); err != nil {
		return err
	}
	return schnapsenValidateScore(d, s)
}

// schnapsenValidateScore checks the scores against the tricks and the
// marriages (§6): a seat with a trick has its card points plus all its
// marriages, a seat without one only pending marriages. Nobody is at 66
// yet, and nothing is decided.
func schnapsenValidateScore(d *Deal, s *schnapsenDeal) error {
	if len(s.Score) != 2 || len(s.Pending) != 2 {
		return fmt.Errorf("%d scores and %d pending counts for 2 seats", len(s.Score), len(s.Pending))
	}
	var suits [NumSuits]bool
	married := make([]int, 2)
	for _, m := range s.Marriages {
		want := 20
		if m.Suit == s.TrumpSuit {
			want = 40
		}
		if m.Seat < 0 || m.Seat > 1 || m.Suit >= NumSuits || suits[m.Suit] || m.Points != want {
			return fmt.Errorf("marriage %+v is impossible", m)
		}
		suits[m.Suit] = true
		married[m.Seat] += m.Points
	}
	for seat := 0; seat < 2; seat++ {
		score, pending := d.Points[seat]+married[seat], 0
		if d.Tricks[seat] == 0 {
			score, pending = 0, married[seat]
		}
		if s.Score[seat] != score || s.Pending[seat] != pending {
			return fmt.Errorf("seat %d scores %d with %d pending, its tricks and marriages give %d and %d", seat, s.Score[seat], s.Pending[seat], score, pending)
		}
		if score >= 66 {
			return fmt.Errorf("seat %d is at %d points but the deal goes on", seat, score)
		}
	}
	if s.Winner != -1 || s.GamePoints != 0 || s.Reason != "" {
		return errors.New("the deal in play has an outcome")
	}
	return nil
}
