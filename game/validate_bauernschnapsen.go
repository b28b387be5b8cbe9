package game

import (
	"errors"
	"fmt"
)

// validate checks the Bauernschnapsen match (partners carry equal
// totals below 24) and its deal in play. A deal waits in the cut window,
// the trump call, the auction or a trick; dealing and scoring run within
// other stages' actions.
func (bauernRules) validate(t *Table) error {
	for seat := 0; seat < 2; seat++ {
		b := t.d.Balances[seat]
		if b < 0 || b >= bauernMatchTarget || t.d.Balances[seat+2] != b || t.d.Bummerl[seat+2] != t.d.Bummerl[seat] {
			return fmt.Errorf("bauernschnapsen: seats %d and %d have %d and %d match points, %d and %d Bummerl",
				seat, seat+2, b, t.d.Balances[seat+2], t.d.Bummerl[seat], t.d.Bummerl[seat+2])
		}
	}
	m := t.d.Match.Bauernschnapsen
	if m != nil {
		if len(m.OppAtReach) != 2 || m.OppAtReach[0] < 0 || m.OppAtReach[0] >= bauernMatchTarget ||
			m.OppAtReach[1] < 0 || m.OppAtReach[1] >= bauernMatchTarget {
			return fmt.Errorf("bauernschnapsen: match totals at reach %v are impossible", m.OppAtReach)
		}
	}
	if !t.d.Playing {
		return nil
	}
	if m == nil {
		return errors.New("bauernschnapsen: a deal is in play without its match")
	}
	if err := bauernValidateDeal(t); err != nil {
		return fmt.Errorf("bauernschnapsen deal: %w", err)
	}
	return nil
}

// bauernOwners maps every card to the seat it is dealt to: packets of
// 3 then 2 after a cut, 5 after a knock, each round clockwise from
// forehand (§3).
func bauernOwners(d *Deal, seats int) [NumSuits][Seven + 1]int {
	var owner [NumSuits][Seven + 1]int
	first := 3
	if d.Bauernschnapsen.Knocked {
		first = 5
	}
	for i, c := range d.Deck {
		k := i / first
		if i >= first*seats {
			k = (i - first*seats) / (5 - first)
		}
		owner[c.Suit][c.Rank] = (d.Forehand + k) % seats
	}
	return owner
}

func bauernValidateDeal(t *Table) error {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	n := t.seats
	if want := (t.d.Dealer + n - 1) % n; b.Cutter != want {
		return fmt.Errorf("the cutter is seat %d, the dealer's right is seat %d", b.Cutter, want)
	}
	if len(b.Passed) != n || len(b.Score) != 2 || len(b.Pending) != 2 {
		return fmt.Errorf("%d passes, %d scores and %d pending counts", len(b.Passed), len(b.Score), len(b.Pending))
	}
	if b.SittingOut < -1 || b.SittingOut >= n {
		return fmt.Errorf("seat %d sits out", b.SittingOut)
	}

	owner := bauernOwners(d, n)
	if err := bauernValidateStage(t, &owner); err != nil {
		return err
	}
	p, err := placeDealt(t, &owner)
	if err != nil {
		return err
	}
	if err := p.putOwned("the set-aside cards", b.SittingOut, &owner, b.SetAside...); err != nil {
		return err
	}
	for _, pl := range d.Trick {
		if err := p.putOwned("the current trick", pl.Seat, &owner, pl.Card); err != nil {
			return err
		}
	}
	return p.checkTaken(b.trickSize(n))
}

// bauernValidateStage checks the deal against the stage it waits in.
func bauernValidateStage(t *Table, owner *[NumSuits][Seven + 1]int) error {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	switch st := t.stages[t.d.Stage].(type) {
	case bauernCutOrKnock:
		if b.Knocked || d.Next != 0 || d.Turn != b.Cutter {
			return fmt.Errorf("the cut window with %d cards dealt, seat %d to act", d.Next, d.Turn)
		}
		return bauernBeforeCall(d, b, 0)
	case bauernCallTrump:
		if d.Turn != d.Forehand {
			return fmt.Errorf("seat %d is to call trump, forehand is seat %d", d.Turn, d.Forehand)
		}
		if b.Knocked {
			return bauernBeforeCall(d, b, 5)
		}
		return bauernBeforeCall(d, b, 3)
	case bauernNegotiation:
		return bauernValidateAuction(t, false)
	case bauernPlay:
		return bauernValidatePlay(t, st)
	}
	return notResting(t)
}

// bauernBeforeCall checks a deal before the trump call: size cards per
// hand, nothing called, announced or played.
func bauernBeforeCall(d *Deal, b *bauernDeal, size int) error {
	if d.Next != 4*size {
		return fmt.Errorf("%d cards dealt, want %d", d.Next, 4*size)
	}
	for seat := range d.Hands {
		if err := checkHandSize(d, seat, size); err != nil {
			return err
		}
	}
	if b.Called || b.Trump != 0 || b.Aufschlagen || b.TurnedUp != NoCard {
		return errors.New("trump is called before the trump call")
	}
	return bauernBeforeAuction(d, b)
}

// bauernBeforeAuction checks that nothing of the auction or the play
// happened yet.
func bauernBeforeAuction(d *Deal, b *bauernDeal) error {
	for _, passed := range b.Passed {
		if passed {
			return errors.New("a seat passed before the auction")
		}
	}
	if len(b.Calls) != 0 || b.Contract != "" || b.Declarer != -1 {
		return errors.New("the auction began before its stage")
	}
	return bauernBeforePlay(d, b)
}

// bauernBeforePlay checks that no card was played and nothing depends on
// a fixed contract.
func bauernBeforePlay(d *Deal, b *bauernDeal) error {
	switch {
	case d.Leader != -1 || d.TrickNo != 0 || len(d.Trick) != 0:
		return errors.New("cards were played before the contract")
	case b.SittingOut != -1 || len(b.SetAside) != 0:
		return errors.New("a seat sits out before the contract")
	case b.Kontra != -1 || b.Re != -1 || len(b.Marriages) != 0:
		return errors.New("Kontra, Re or a marriage before the play")
	case b.Score[0] != 0 || b.Score[1] != 0 || b.Pending[0] != 0 || b.Pending[1] != 0:
		return errors.New("a team scores before the play")
	}
	return bauernNoOutcome(b)
}

func bauernNoOutcome(b *bauernDeal) error {
	if b.Decided || b.WinnerTeam != -1 || b.Value != 0 || b.Reason != "" {
		return errors.New("the deal in play has an outcome")
	}
	return nil
}

// bauernValidateTrump checks forehand's call: a suit of its first packet,
// or after a cut the turned-up first card of its second packet.
func bauernValidateTrump(d *Deal, b *bauernDeal) error {
	if !b.Called || b.Trump >= NumSuits {
		return errors.New("trump is not called")
	}
	if b.Aufschlagen {
		if b.Knocked || b.TurnedUp != d.Deck[12] || b.Trump != b.TurnedUp.Suit {
			return errors.New("the turned-up card is not forehand's next card")
		}
		return nil
	}
	first := 3
	if b.Knocked {
		first = 5
	}
	if b.TurnedUp != NoCard || !bauernHoldsSuit(d.Deck[:first], b.Trump) {
		return fmt.Errorf("forehand called trump suit %d without a card of it", b.Trump)
	}
	return nil
}

// bauernValidateAuction replays the auction from its calls (§4): each
// call by the next seat still in, each announcement allowed over the best
// so far. In the auction stage (closed false) it must still be open with
// the right seat to speak; in play it must have closed on the contract.
func bauernValidateAuction(t *Table, closed bool) error {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	n := t.seats
	if err := bauernValidateTrump(d, b); err != nil {
		return err
	}
	if d.Next != len(d.Deck) {
		return fmt.Errorf("%d cards dealt after the trump call, want %d", d.Next, len(d.Deck))
	}
	passed := make([]bool, n)
	var contract Contract
	declarer, turn, open := -1, d.Forehand, true
	for i, c := range b.Calls {
		if !open {
			return fmt.Errorf("call %d after the auction closed", i+1)
		}
		if c.Seat != turn {
			return fmt.Errorf("call %d is seat %d's, want seat %d's", i+1, c.Seat, turn)
		}
		if c.Game == "" {
			passed[c.Seat] = true
		} else {
			scratch := Deal{Forehand: d.Forehand, Bauernschnapsen: &bauernDeal{Contract: contract}}
			if r, why := bauernAnnounceCheck(&scratch, c.Seat, c.Game); r != nil {
				return fmt.Errorf("call %d (%s by seat %d): %s", i+1, c.Game, c.Seat, why)
			}
			contract, declarer = c.Game, c.Seat
		}
		open = false
		for seat := range passed {
			open = open || (!passed[seat] && seat != declarer)
		}
		if open {
			next := -1
			for k := 1; k < n && next < 0; k++ {
				if s := (turn + k) % n; !passed[s] {
					next = s
				}
			}
			turn, open = next, next >= 0
		}
	}
	if open == closed {
		return fmt.Errorf("the auction's %d calls do not fit its stage", len(b.Calls))
	}
	if closed && declarer < 0 {
		contract = NormalGame
	}
	for seat := range passed {
		if passed[seat] != b.Passed[seat] {
			return fmt.Errorf("seat %d's pass does not match the calls", seat)
		}
	}
	if b.Contract != contract || b.Declarer != declarer {
		return fmt.Errorf("contract %q by seat %d, the calls give %q by seat %d", b.Contract, b.Declarer, contract, declarer)
	}
	if closed {
		return nil
	}
	if d.Turn != turn {
		return fmt.Errorf("seat %d is to speak, want seat %d", d.Turn, turn)
	}
	for seat := range d.Hands {
		if err := checkHandSize(d, seat, 5); err != nil {
			return err
		}
	}
	return bauernBeforePlay(d, b)
}

// bauernValidatePlay checks a deal in the trick stage st: the closed
// auction, the partner who sits out, the trick in turn, hands of the right
// size, scores and marriages, Kontra and Re, and that the contract is not
// decided yet (§5.1, §9).
func bauernValidatePlay(t *Table, st bauernPlay) error {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	n := t.seats
	if trick := t.d.Stage - 5; d.TrickNo != trick || st.Contra != (trick == 0) {
		return fmt.Errorf("%d tricks completed in the stage of trick %d", d.TrickNo, trick+1)
	}
	if err := bauernValidateAuction(t, true); err != nil {
		return err
	}
	out := -1
	if b.special() {
		out = (b.Declarer + 2) % n
	}
	if b.SittingOut != out {
		return fmt.Errorf("seat %d sits out, want seat %d", b.SittingOut, out)
	}
	if out >= 0 && len(b.SetAside) != 5 {
		return fmt.Errorf("%d cards set aside, want 5", len(b.SetAside))
	}
	lead := d.Forehand
	switch b.Contract {
	case Bettel, Schnapser, Gang, Bauernschnapser:
		lead = b.Declarer
	}
	if d.Leader < 0 || d.Leader == out || (d.TrickNo == 0 && d.Leader != lead) {
		return fmt.Errorf("seat %d leads trick %d", d.Leader, d.TrickNo+1)
	}
	if err := checkTrickOrder(d, func(seat int) int { return b.next(seat, n) }); err != nil {
		return err
	}
	for seat := range d.Hands {
		want := 5 - d.TrickNo
		switch {
		case seat == out:
			want = 0
		case inTrick(d, seat):
			want--
		}
		if err := checkHandSize(d, seat, want); err != nil {
			return err
		}
	}
	team := b.declaringTeam(d)
	switch {
	case b.Kontra < -1 || b.Kontra >= n || (b.Kontra >= 0 && (b.Kontra == out || bauernTeam(b.Kontra) == team)):
		return fmt.Errorf("seat %d gave Kontra", b.Kontra)
	case b.Re < -1 || b.Re >= n || (b.Re >= 0 && (b.Kontra < 0 || b.Re == out || bauernTeam(b.Re) != team)):
		return fmt.Errorf("seat %d gave Re", b.Re)
	}
	if err := bauernValidateScore(d, b, out); err != nil {
		return err
	}
	return bauernNoOutcome(b)
}

// bauernValidateScore checks the team scores against their tricks and
// marriages (§8) and that the deal is not decided by them yet.
func bauernValidateScore(d *Deal, b *bauernDeal, out int) error {
	var suits [NumSuits]bool
	married := make([]int, 2)
	for _, m := range b.Marriages {
		want := 20
		if b.hasTrump() && m.Suit == b.Trump {
			want = 40
		}
		if m.Seat < 0 || m.Seat >= len(d.Hands) || m.Seat == out || !b.marriageAllowed(m.Seat) ||
			m.Suit >= NumSuits || suits[m.Suit] || m.Points != want {
			return fmt.Errorf("marriage %+v is impossible", m)
		}
		suits[m.Suit] = true
		married[bauernTeam(m.Seat)] += m.Points
	}
	for team := 0; team < 2; team++ {
		score, pending := d.Points[team]+d.Points[team+2]+married[team], 0
		if b.teamTricks(d, team) == 0 {
			score, pending = 0, married[team]
		}
		if b.Score[team] != score || b.Pending[team] != pending {
			return fmt.Errorf("team %d scores %d with %d pending, its tricks and marriages give %d and %d", team, b.Score[team], b.Pending[team], score, pending)
		}
	}
	decided := false
	switch b.Contract {
	case NormalGame:
		decided = b.Score[0] >= 66 || b.Score[1] >= 66
	case Bettel:
		decided = d.Tricks[b.Declarer] > 0
	case Gang, Bauernschnapser, Kontrabauernschnapser:
		decided = d.Tricks[b.Declarer] != d.TrickNo
	case Schnapser, Kontraschnapser:
		decided = d.TrickNo >= 3 || b.Score[bauernTeam(b.Declarer)] >= 66
	}
	if decided {
		return fmt.Errorf("the %s is decided but the deal goes on", b.Contract)
	}
	return nil
}
