package game

import (
	"errors"
	"fmt"
)

// validate checks Schafkopf's balances and its deal in play. A deal waits
// in the knock window, the announcement round or a trick; dealing and
// settling run within other stages' actions.
func (schafkopfRules) validate(t *Table) error {
	sum := 0
	for seat := range t.d.Balances {
		sum += t.d.Balances[seat]
		if t.d.Bummerl[seat] != 0 {
			return fmt.Errorf("schafkopf: seat %d has a Bummerl", seat)
		}
	}
	if sum != 0 {
		return fmt.Errorf("schafkopf: the balances add up to %d, not 0", sum)
	}
	if !t.d.Playing {
		return nil
	}
	if err := schafkopfValidateDeal(t); err != nil {
		return fmt.Errorf("schafkopf deal: %w", err)
	}
	return nil
}

func schafkopfValidateDeal(t *Table) error {
	d := &t.d.Deal
	sk := d.Schafkopf
	n := t.seats
	if len(sk.Answered) != n {
		return fmt.Errorf("%d knock answers for %d seats", len(sk.Answered), n)
	}
	knocked := make([]bool, n)
	for _, seat := range sk.Knocks {
		if seat < 0 || seat >= n || knocked[seat] || !sk.Answered[seat] {
			return fmt.Errorf("knocks %v are impossible", sk.Knocks)
		}
		knocked[seat] = true
	}

	owner := schafkopfInitialOwners(d)
	if err := schafkopfValidateStage(t, &owner); err != nil {
		return err
	}
	p, err := placeDealt(t, &owner)
	if err != nil {
		return err
	}
	for _, pl := range d.Trick {
		if err := p.putOwned("the current trick", pl.Seat, &owner, pl.Card); err != nil {
			return err
		}
	}
	return p.checkTaken(n)
}

// schafkopfValidateStage checks the deal against the stage it waits in.
func schafkopfValidateStage(t *Table, owner *[NumSuits][Seven + 1]int) error {
	d := &t.d.Deal
	sk := d.Schafkopf
	n := t.seats
	perSeat := len(d.Deck) / n
	packet := perSeat / 2
	switch st := t.stages[t.d.Stage].(type) {
	case schafkopfKnocking:
		if d.Next != n*packet {
			return fmt.Errorf("%d cards dealt before the knock window, want %d", d.Next, n*packet)
		}
		all := true
		for _, a := range sk.Answered {
			all = all && a
		}
		if all {
			return errors.New("the knock window is open though every seat answered")
		}
		if d.Turn != -1 {
			return fmt.Errorf("seat %d has the turn in the knock window", d.Turn)
		}
		return schafkopfBeforePlay(d, sk, packet, 0)
	case schafkopfNegotiation:
		if d.Next != len(d.Deck) {
			return fmt.Errorf("%d cards dealt in the announcement round, want %d", d.Next, len(d.Deck))
		}
		if len(sk.Calls) >= n {
			return fmt.Errorf("%d calls and the round is still open", len(sk.Calls))
		}
		if err := schafkopfValidateCalls(t, owner); err != nil {
			return err
		}
		if want := (d.Forehand + len(sk.Calls)) % n; d.Turn != want {
			return fmt.Errorf("seat %d is to announce, want seat %d", d.Turn, want)
		}
		return schafkopfBeforePlay(d, sk, perSeat, len(sk.Calls))
	case schafkopfPlay:
		return schafkopfValidatePlay(t, st, owner)
	}
	return notResting(t)
}

// schafkopfBeforePlay checks a deal before its first card: full hands of
// size cards, no trick, no contract parts beyond the calls so far.
func schafkopfBeforePlay(d *Deal, sk *schafkopfDeal, size, calls int) error {
	for seat := range d.Hands {
		if err := checkHandSize(d, seat, size); err != nil {
			return err
		}
	}
	switch {
	case d.Leader != -1 || d.TrickNo != 0 || len(d.Trick) != 0:
		return errors.New("cards were played before the contract")
	case len(sk.Calls) != calls:
		return fmt.Errorf("%d calls before the announcement round", len(sk.Calls))
	case calls == 0 && (sk.Game != "" || sk.Declarer != -1 || sk.Ace != NoCard || sk.Suit != 0):
		return errors.New("a game is announced before the announcement round")
	case sk.Partner != -1 || sk.PartnerKnown || sk.RanAway || sk.ThrownIn || sk.Kontra != -1 || sk.Re != -1:
		return errors.New("the deal has a partner, Kontra or Re before the play")
	}
	return nil
}

// schafkopfValidateCalls replays the announcement round: each call in
// turn from forehand, each game outranking the best so far and allowed
// with the caller's hand as dealt; the best call is the deal's game.
func schafkopfValidateCalls(t *Table, owner *[NumSuits][Seven + 1]int) error {
	d := &t.d.Deal
	sk := d.Schafkopf
	n := t.seats
	best := schafkopfDeal{Declarer: -1}
	for i, c := range sk.Calls {
		if want := (d.Forehand + i) % n; c.Seat != want {
			return fmt.Errorf("call %d is seat %d's, want seat %d's", i+1, c.Seat, want)
		}
		a := Announce{Game: c.Game, Ace: c.Ace, Suit: c.Suit}
		switch c.Game {
		case "":
			if c.Ace != NoCard || c.Suit != 0 {
				return fmt.Errorf("pass %d names a card or suit", i+1)
			}
			continue
		case Sauspiel:
			a.Suit = 0
		case Solo:
			a.Ace = NoCard
		default:
			a.Ace, a.Suit = NoCard, 0
		}
		if a != (Announce{Game: c.Game, Ace: c.Ace, Suit: c.Suit}) {
			return fmt.Errorf("call %d (%s) names a card or suit its game does not use", i+1, c.Game)
		}
		var hand []Card
		for _, card := range d.Deck {
			if owner[card.Suit][card.Rank] == c.Seat {
				hand = append(hand, card)
			}
		}
		if r := best.announceVerdict(hand, a); r != nil {
			return fmt.Errorf("call %d (%s by seat %d): %s", i+1, c.Game, c.Seat, r.Message)
		}
		best.Game, best.Declarer, best.Ace, best.Suit = c.Game, c.Seat, c.Ace, c.Suit
	}
	if sk.Game != best.Game || sk.Declarer != best.Declarer || sk.Ace != best.Ace || sk.Suit != best.Suit {
		return fmt.Errorf("the game %q by seat %d is not the best call (%q by seat %d)", sk.Game, sk.Declarer, best.Game, best.Declarer)
	}
	return nil
}

// schafkopfValidatePlay checks a deal in the trick stage st: the contract
// fixed by all four calls, the partner of a Sauspiel, Kontra and Re, the
// trick in turn and hands of the right size.
func schafkopfValidatePlay(t *Table, st schafkopfPlay, owner *[NumSuits][Seven + 1]int) error {
	d := &t.d.Deal
	sk := d.Schafkopf
	n := t.seats
	perSeat := len(d.Deck) / n
	if trick := t.d.Stage - 4; d.TrickNo != trick || st.Contra != (trick == 0) {
		return fmt.Errorf("%d tricks completed in the stage of trick %d", d.TrickNo, trick+1)
	}
	if d.Next != len(d.Deck) {
		return fmt.Errorf("%d cards dealt in play, want %d", d.Next, len(d.Deck))
	}
	if len(sk.Calls) != n {
		return fmt.Errorf("%d calls before the play", len(sk.Calls))
	}
	if err := schafkopfValidateCalls(t, owner); err != nil {
		return err
	}
	if sk.ThrownIn || sk.Declarer < 0 {
		return errors.New("a thrown-in deal is in play")
	}
	partner := -1
	if sk.Game == Sauspiel {
		partner = owner[sk.Ace.Suit][sk.Ace.Rank]
	} else if sk.PartnerKnown || sk.RanAway {
		return fmt.Errorf("a %s has a known or running partner", sk.Game)
	}
	if sk.Partner != partner {
		return fmt.Errorf("the partner is seat %d, the called ace was dealt to seat %d", sk.Partner, partner)
	}
	if sk.Kontra < -1 || sk.Kontra >= n || (sk.Kontra >= 0 && sk.declaring(sk.Kontra)) {
		return fmt.Errorf("seat %d gave Kontra", sk.Kontra)
	}
	if sk.Re < -1 || sk.Re >= n || (sk.Re >= 0 && (sk.Kontra < 0 || !sk.declaring(sk.Re))) {
		return fmt.Errorf("seat %d gave Re", sk.Re)
	}
	if d.Leader < 0 || (d.TrickNo == 0 && d.Leader != d.Forehand) {
		return fmt.Errorf("seat %d leads trick %d", d.Leader, d.TrickNo+1)
	}
	if err := checkTrickOrder(d, func(seat int) int { return (seat + 1) % n }); err != nil {
		return err
	}
	for seat := range d.Hands {
		want := perSeat - d.TrickNo
		if inTrick(d, seat) {
			want--
		}
		if err := checkHandSize(d, seat, want); err != nil {
			return err
		}
	}
	return nil
}
