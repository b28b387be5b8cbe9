package game

// schafkopfPlay is one trick (rules §5, §6). The first trick's stage has
// Contra set: only then may a defender give Kontra. Re is accepted until
// the first card of the second trick. Forehand leads the first trick, the
// winner of a trick leads the next. In a thrown-in deal the stage is
// skipped.
type schafkopfPlay struct{ Contra bool }

// Name is the stage's wire name.
func (schafkopfPlay) Name() string { return "play" }

// Enter opens the trick and prompts its leader.
func (s schafkopfPlay) Enter(t *Table, now int64) Step {
	d := &t.d.Deal
	if d.Schafkopf.ThrownIn {
		return Next
	}
	d.Trick = d.Trick[:0]
	if d.TrickNo == 0 {
		d.Leader, d.Turn = d.Forehand, d.Forehand
	}
	s.prompt(t, now)
	return Stay
}

// Handle takes a card from the seat to play, or Kontra/Re from any seat
// entitled to it. A Timeout only passes the turn's deadline: the server
// decides what happens then.
func (s schafkopfPlay) Handle(t *Table, a Action) (Step, error) {
	d := &t.d.Deal
	sk := d.Schafkopf
	switch cmd := a.Cmd.(type) {
	case Timeout:
		return Stay, nil
	case PlayCard:
		return s.play(t, a.Seat, cmd, a.Now)
	case Kontra:
		if r := sk.kontraVerdict(d, a.Seat, s.Contra); r != nil {
			return Stay, refuse(r, "seat %d may not give Kontra now", a.Seat)
		}
		sk.Kontra = a.Seat
		t.emit(KontraGiven{Seat: a.Seat})
		return Stay, nil
	case Re:
		if r := sk.reVerdict(d, a.Seat); r != nil {
			return Stay, refuse(r, "seat %d may not give Re now", a.Seat)
		}
		sk.Re = a.Seat
		if a.Seat == sk.Partner {
			sk.PartnerKnown = true
		}
		t.emit(ReGiven{Seat: a.Seat})
		return Stay, nil
	}
	return Stay, refuse(ErrWrongStage, "%s during play", a.Cmd.Name())
}

// play validates and plays one card; the fourth card closes the trick.
func (s schafkopfPlay) play(t *Table, seat int, cmd PlayCard, now int64) (Step, error) {
	d := &t.d.Deal
	sk := d.Schafkopf
	if seat != d.Turn {
		return Stay, refuse(ErrNotYourTurn, "seat %d is to play", d.Turn)
	}
	if cmd.Marriage {
		return Stay, refuse(ErrNoMarriage, "Schafkopf has no marriages")
	}
	hand := d.Hands[seat]
	short := t.d.Options.ShortDeck
	if r := sk.cardVerdict(hand, d.Trick, cmd.Card, short); r != nil {
		code := t.rules.notation().Format(cmd.Card)
		if code == "" {
			code = "no card"
		}
		return Stay, refuse(r, "%s", cardMessage(r, code))
	}

	g := sk.trumps()
	if sk.Game == Sauspiel && seat == sk.Partner && !sk.RanAway && hasCard(hand, sk.Ace) {
		switch {
		case cmd.Card == sk.Ace:
			sk.PartnerKnown = true
		case len(d.Trick) == 0 && g.class(cmd.Card) == int(sk.Ace.Suit):
			sk.RanAway = true
		}
	}
	d.Hands[seat] = removeCard(hand, cmd.Card)
	d.Trick = append(d.Trick, Played{Seat: seat, Card: cmd.Card})
	t.emit(CardPlayed{Seat: seat, Card: cmd.Card})
	if len(d.Trick) < t.seats {
		d.Turn = (seat + 1) % t.seats
		s.prompt(t, now)
		return Stay, nil
	}

	won := d.Trick[g.winner(d.Trick)].Seat
	points := 0
	for _, p := range d.Trick {
		points += p.Card.Points()
	}
	d.Tricks[won]++
	d.Points[won] += points
	d.TrickNo++
	d.Leader, d.Turn = won, won
	t.emit(TrickTaken{Seat: won, Points: points})
	return Next, nil
}

// Legal lists the cards of the seat to play and Kontra or Re when the seat
// may give it.
func (s schafkopfPlay) Legal(t *Table, seat int, out []Command) []Command {
	d := &t.d.Deal
	sk := d.Schafkopf
	if seat == d.Turn {
		hand := d.Hands[seat]
		o := sk.obligations(hand, d.Trick, t.d.Options.ShortDeck)
		for _, c := range hand {
			if o.verdict(c) == nil {
				out = append(out, playCommand(c, false))
			}
		}
	}
	if sk.kontraVerdict(d, seat, s.Contra) == nil {
		out = append(out, Kontra{})
	}
	if sk.reVerdict(d, seat) == nil {
		out = append(out, Re{})
	}
	return out
}

// prompt arms the turn timer of the seat to play and tells it its cards.
func (schafkopfPlay) prompt(t *Table, now int64) {
	d := &t.d.Deal
	t.emit(MustPlayCard{
		Seat:     d.Turn,
		Deadline: t.armTimer(now, t.turnTimeout()),
		Legal:    d.Schafkopf.legalCards(d.Hands[d.Turn], d.Trick, t.d.Options.ShortDeck),
	})
}

// legalCards lists the cards of hand that may be played to trick.
func (sk *schafkopfDeal) legalCards(hand []Card, trick []Played, short bool) []Card {
	o := sk.obligations(hand, trick, short)
	out := make([]Card, 0, len(hand))
	for _, c := range hand {
		if o.verdict(c) == nil {
			out = append(out, c)
		}
	}
	return out
}

// cardVerdict checks one card against the follow rule (§5) and the
// called-ace obligations (§5.1); nil means it may be played. It returns
// the sentinel only, so that checking allocates nothing.
func (sk *schafkopfDeal) cardVerdict(hand []Card, trick []Played, c Card, short bool) *Refusal {
	if !hasCard(hand, c) {
		return ErrCardNotInHand
	}
	return sk.obligations(hand, trick, short).verdict(c)
}

// schafkopfRunAway is how many cards of the called suit (ace included) the
// partner needs to lead it without the ace (davonlaufen, rules §5.1.3).
func schafkopfRunAway(short bool) int {
	if short {
		return 3
	}
	return 4
}

// schafkopfObligations is what binds one hand facing one trick, worked
// out once so that checking each card of the hand is cheap.
type schafkopfObligations struct {
	g      schafkopfTrumps
	led    int  // the led class; -1 when the hand leads
	follow bool // the hand holds a card of the led class
	// bound: the hand is the partner's, still holds the called ace and
	// has not run away. While that holds the called suit was never led:
	// a lead of it by another seat would have forced the ace out, a lead
	// by the partner without the ace is running away.
	bound  bool
	ace    Card
	canRun bool // enough cards of the called suit to run away
	last   bool // the ace is the hand's last card
}

func (sk *schafkopfDeal) obligations(hand []Card, trick []Played, short bool) schafkopfObligations {
	o := schafkopfObligations{g: sk.trumps(), led: -1}
	if len(trick) > 0 {
		o.led = o.g.class(trick[0].Card)
		o.follow = o.g.countClass(hand, o.led) > 0
	}
	if sk.Game == Sauspiel && !sk.RanAway && hasCard(hand, sk.Ace) {
		o.bound, o.ace, o.last = true, sk.Ace, len(hand) == 1
		o.canRun = o.g.countClass(hand, int(sk.Ace.Suit)) >= schafkopfRunAway(short)
	}
	return o
}

// verdict checks a card of the hand.
func (o schafkopfObligations) verdict(c Card) *Refusal {
	class := o.g.class(c)
	if o.follow && class != o.led {
		return ErrMustFollowSuit
	}
	if !o.bound {
		return nil
	}
	called := int(o.ace.Suit)
	switch {
	case c == o.ace:
		if o.led >= 0 && o.led != called && !o.last {
			return ErrCalledAceRule // §5.1.2: no discarding the ace
		}
	case o.led == called:
		return ErrCalledAceRule // §5.1.1: searched, the ace must fall
	case o.led < 0 && class == called && !o.canRun:
		return ErrCalledAceRule // §5.1.3: lead the ace unless running away
	}
	return nil
}

// cardMessage says in words why a card was refused.
func cardMessage(r *Refusal, card string) string {
	switch r {
	case ErrCardNotInHand:
		return card + " is not in your hand"
	case ErrMustFollowSuit:
		return "you hold a card of the led suit or trump and must play it"
	default:
		return "the called ace rule forbids " + card + " now"
	}
}

// kontraVerdict checks a Kontra (§6): in the first trick (the stage with
// Contra set), once per deal, by a defender who has not played yet.
func (sk *schafkopfDeal) kontraVerdict(d *Deal, seat int, window bool) *Refusal {
	if !window || sk.Kontra >= 0 || sk.declaring(seat) {
		return ErrKontraNotAllowed
	}
	for _, p := range d.Trick {
		if p.Seat == seat {
			return ErrKontraNotAllowed
		}
	}
	return nil
}

// reVerdict checks a Re (§6): once, after a Kontra, by the declarer or the
// partner, until the first card of the second trick.
func (sk *schafkopfDeal) reVerdict(d *Deal, seat int) *Refusal {
	open := d.TrickNo == 0 || (d.TrickNo == 1 && len(d.Trick) == 0)
	if !open || sk.Kontra < 0 || sk.Re >= 0 || !sk.declaring(seat) {
		return ErrKontraNotAllowed
	}
	return nil
}
