package game

// bauernPlay is one trick (§7, §8): the seat to play leads or follows under
// strict Farb-, Stich- und Trumpfzwang, a lead may announce a marriage where
// the contract allows it, and the trick's last card decides whether the
// deal is over (§5.1, §9). The first trick's stage has Contra set: only
// then may the defending side give Kontra (§6). A stage whose deal is
// already decided skips itself. A passed deadline only passes: the server
// decides what happens then.
type bauernPlay struct{ Contra bool }

// Name is the stage's wire name.
func (bauernPlay) Name() string { return "play" }

// Enter opens the trick and prompts its leader: in the first trick
// forehand, or the declarer of a Bettel, Schnapser, Gang or Bauernschnapser
// (§5; the Kontra contracts keep forehand's lead); later the last trick's
// winner.
func (s bauernPlay) Enter(t *Table, now int64) Step {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	if b.Decided {
		return Next
	}
	d.Trick = d.Trick[:0]
	if d.TrickNo == 0 {
		lead := d.Forehand
		switch b.Contract {
		case Bettel, Schnapser, Gang, Bauernschnapser:
			lead = b.Declarer
		}
		d.Leader, d.Turn = lead, lead
	}
	s.prompt(t, now)
	return Stay
}

// Handle takes a card from the seat to play, or Kontra/Re from a seat
// entitled to it. Every check runs before the first write.
func (s bauernPlay) Handle(t *Table, a Action) (Step, error) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	switch cmd := a.Cmd.(type) {
	case Timeout:
		return Stay, nil
	case PlayCard:
		return s.play(t, a, cmd)
	case Kontra:
		if r, why := bauernKontraCheck(d, a.Seat, s.Contra); r != nil {
			return Stay, &Refusal{Code: r.Code, Message: why}
		}
		b.Kontra = a.Seat
		t.emit(KontraGiven{Seat: a.Seat})
		return Stay, nil
	case Re:
		if r, why := bauernReCheck(d, a.Seat); r != nil {
			return Stay, &Refusal{Code: r.Code, Message: why}
		}
		b.Re = a.Seat
		t.emit(ReGiven{Seat: a.Seat})
		return Stay, nil
	}
	return Stay, refuse(ErrWrongStage, "%s during play", a.Cmd.Name())
}

// play validates and plays one card; the trick's last card closes it.
func (s bauernPlay) play(t *Table, a Action, cmd PlayCard) (Step, error) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	if a.Seat != d.Turn {
		return Stay, refuse(ErrNotYourTurn, "seat %d is to play", d.Turn)
	}
	hand := d.Hands[a.Seat]
	if !hasCard(hand, cmd.Card) {
		code := SchnapsenNotation.Format(cmd.Card)
		if code == "" {
			code = "no card"
		}
		return Stay, refuse(ErrCardNotInHand, "%s is not in your hand", code)
	}
	if cmd.Marriage {
		if r, why := bauernMarriageCheck(d, a.Seat, cmd.Card); r != nil {
			return Stay, &Refusal{Code: r.Code, Message: why}
		}
	}
	if r := b.followCheck(hand, d.Trick, cmd.Card); r != nil {
		return Stay, refuse(r, "%s: %s", SchnapsenNotation.Format(cmd.Card), r.Message)
	}

	d.Hands[a.Seat] = removeCard(hand, cmd.Card)
	d.Trick = append(d.Trick, Played{Seat: a.Seat, Card: cmd.Card})
	t.emit(CardPlayed{Seat: a.Seat, Card: cmd.Card})
	if cmd.Marriage && bauernMarry(t, a.Seat, cmd.Card.Suit) {
		return Next, nil
	}
	if len(d.Trick) < b.trickSize(t.seats) {
		d.Turn = b.next(a.Seat, t.seats)
		s.prompt(t, a.Now)
		return Stay, nil
	}
	bauernTakeTrick(t)
	return Next, nil
}

// Legal lists the cards of the seat to play (each legal card, then the K
// and Q of each marriage it may announce with this lead), and Kontra or
// Re when the seat may give it.
func (s bauernPlay) Legal(t *Table, seat int, out []Command) []Command {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	if seat == d.Turn {
		hand := d.Hands[seat]
		o := b.obligations(hand, d.Trick)
		for _, c := range hand {
			if o.verdict(c) == nil {
				out = append(out, playCommand(c, false))
			}
		}
		if len(d.Trick) == 0 && b.marriageAllowed(seat) {
			for _, c := range hand {
				if r, _ := schnapsenMarriageCheck(hand, c); r == nil {
					out = append(out, playCommand(c, true))
				}
			}
		}
	}
	if r, _ := bauernKontraCheck(d, seat, s.Contra); r == nil {
		out = append(out, Kontra{})
	}
	if r, _ := bauernReCheck(d, seat); r == nil {
		out = append(out, Re{})
	}
	return out
}

// prompt arms the turn timer of the seat to play and tells it its legal
// cards and the marriages it may announce.
func (bauernPlay) prompt(t *Table, now int64) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	seat := d.Turn
	hand := d.Hands[seat]
	e := MustPlayCard{Seat: seat, Deadline: t.armTimer(now, t.turnTimeout()), Legal: make([]Card, 0, len(hand))}
	o := b.obligations(hand, d.Trick)
	for _, c := range hand {
		if o.verdict(c) == nil {
			e.Legal = append(e.Legal, c)
		}
	}
	if len(d.Trick) == 0 && b.marriageAllowed(seat) {
		for suit := Suit(0); suit < NumSuits; suit++ {
			if hasCard(hand, Card{Rank: King, Suit: suit}) && hasCard(hand, Card{Rank: Queen, Suit: suit}) {
				e.Marriages = append(e.Marriages, suit)
			}
		}
	}
	t.emit(e)
}

// followCheck says why c from hand may not be played to trick (§7,
// DECIDED 7), or nil.
func (b *bauernDeal) followCheck(hand []Card, trick []Played, c Card) *Refusal {
	return b.obligations(hand, trick).verdict(c)
}

// bauernObligations is what binds one hand facing one trick, worked out
// once so that checking each card of the hand is cheap.
type bauernObligations struct {
	lead      bool // the hand leads: anything goes
	led       Suit
	trump     Suit
	win       Card // the card that wins the trick so far
	suit      bool // the hand holds the led suit
	headSuit  bool // ... and a card of it above win, which is of the led suit
	trumps    bool // the hand holds a trump (never in Bettel and Gang)
	overtrump bool // ... and one above win, which is a trump
}

// obligations works out the follow rules of §7 for hand: a holder of the
// led suit must follow it, and head the trick when it is won by a card of
// the led suit and it holds a higher one; a player void in the led suit
// must trump, and overtrump when a trump wins the trick and it holds a
// higher one (else any trump: undertrumping rather than discarding).
// No-trump contracts skip the trump step. The same applies against one's
// partner.
func (b *bauernDeal) obligations(hand []Card, trick []Played) bauernObligations {
	if len(trick) == 0 {
		return bauernObligations{lead: true}
	}
	hasTrump := b.hasTrump()
	o := bauernObligations{
		led:   trick[0].Card.Suit,
		trump: b.Trump,
		win:   trick[bauernWinner(trick, b.Trump, hasTrump)].Card,
	}
	for _, h := range hand {
		if h.Suit == o.led {
			o.suit = true
			o.headSuit = o.headSuit || (o.win.Suit == o.led && h.Rank < o.win.Rank)
		}
		if hasTrump && h.Suit == b.Trump {
			o.trumps = true
			o.overtrump = o.overtrump || (o.win.Suit == b.Trump && h.Rank < o.win.Rank)
		}
	}
	return o
}

// verdict checks one card of the hand.
func (o bauernObligations) verdict(c Card) *Refusal {
	switch {
	case o.lead:
	case o.suit:
		if c.Suit != o.led {
			return ErrMustFollowSuit
		}
		if o.headSuit && c.Rank > o.win.Rank {
			return ErrMustHeadTrick
		}
	case o.trumps:
		if c.Suit != o.trump || (o.overtrump && c.Rank > o.win.Rank) {
			return ErrMustTrump
		}
	}
	return nil
}

// marriageAllowed reports whether seat may announce marriages (§8,
// DECIDED 9): anyone in the normal game, the declarer of a Schnapser or
// Kontraschnapser, nobody in the other contracts.
func (b *bauernDeal) marriageAllowed(seat int) bool {
	switch b.Contract {
	case NormalGame:
		return true
	case Schnapser, Kontraschnapser:
		return seat == b.Declarer
	}
	return false
}

// bauernMarriageCheck says why seat may not announce a marriage with c
// now, or nil: only with a lead, only where the contract allows it, only
// with the K or Q of a marriage held.
func bauernMarriageCheck(d *Deal, seat int, c Card) (*Refusal, string) {
	switch {
	case len(d.Trick) > 0:
		return ErrWrongStage, "a marriage is announced only with a lead"
	case !d.Bauernschnapsen.marriageAllowed(seat):
		return ErrNoMarriage, "marriages count only in the normal game and for the declarer of a (kontra)schnapser"
	}
	return schnapsenMarriageCheck(d.Hands[seat], c)
}

// bauernMarry records seat's marriage in suit, announced with the lead
// card just played (§8), and reports whether it decided the deal: 40 in
// trumps, else 20, credited to seat's team at once when the team has won a
// trick, else pending until it does. A credited marriage that brings the
// team to 66 wins the normal game or makes the (Kontra)Schnapser.
func bauernMarry(t *Table, seat int, suit Suit) bool {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	points := 20
	if b.hasTrump() && suit == b.Trump {
		points = 40
	}
	team := bauernTeam(seat)
	pending := b.teamTricks(d, team) == 0
	if pending {
		b.Pending[team] += points
	} else {
		b.Score[team] += points
	}
	b.Marriages = append(b.Marriages, BauernschnapsenMarriage{Seat: seat, Suit: suit, Points: points})
	t.emit(MarriageAnnounced{Seat: seat, Suit: suit, Points: points, Pending: pending})
	if pending || b.Score[team] < 66 {
		return false
	}
	if b.Contract == NormalGame {
		b.decide(team, b.normalValue(d, team), ReasonReached66)
	} else {
		b.made(d)
	}
	return true
}

// teamTricks is the number of tricks team has won.
func (b *bauernDeal) teamTricks(d *Deal, team int) int {
	return d.Tricks[team] + d.Tricks[team+2]
}

// bauernTakeTrick closes the complete trick: its winner scores it (with
// the team's pending marriages) and leads next, and the deal is judged.
func bauernTakeTrick(t *Table) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	won := d.Trick[bauernWinner(d.Trick, b.Trump, b.hasTrump())].Seat
	points := 0
	for _, p := range d.Trick {
		points += p.Card.Points()
	}
	team := bauernTeam(won)
	d.TrickNo++
	d.Tricks[won]++
	d.Points[won] += points
	b.Score[team] += points + b.Pending[team]
	b.Pending[team] = 0
	d.Leader, d.Turn = won, won
	t.emit(TrickTaken{Seat: won, Points: points})
	b.judge(d, won)
}

// judge decides the deal after a trick won by seat won, when its outcome
// is fixed (§5.1, §9): the remaining cards are not played.
func (b *bauernDeal) judge(d *Deal, won int) {
	last := d.TrickNo == bauernTricks
	switch b.Contract {
	case NormalGame:
		team := bauernTeam(won)
		switch {
		case b.Score[team] >= 66:
			b.decide(team, b.normalValue(d, team), ReasonReached66)
		case last:
			b.decide(team, 1, ReasonLastTrick)
		}
	case Bettel:
		switch {
		case won == b.Declarer:
			b.failed(d)
		case last:
			b.made(d)
		}
	case Gang, Bauernschnapser, Kontrabauernschnapser:
		switch {
		case won != b.Declarer:
			b.failed(d)
		case last:
			b.made(d)
		}
	case Schnapser, Kontraschnapser:
		switch {
		case b.Score[bauernTeam(b.Declarer)] >= 66:
			b.made(d)
		case d.TrickNo == 3:
			b.failed(d)
		}
	}
}

// normalValue is what the normal game gives team for reaching 66 (§9): 3
// when the other team has no trick, 2 when it has fewer than 33, else 1.
func (b *bauernDeal) normalValue(d *Deal, team int) int {
	other := 1 - team
	switch {
	case b.teamTricks(d, other) == 0:
		return 3
	case b.Score[other] < 33:
		return 2
	}
	return 1
}

// made and failed decide a special contract (§10): its base value goes to
// the declarer's team or to the other team.
func (b *bauernDeal) made(d *Deal) {
	b.decide(b.declaringTeam(d), bauernBase[bauernRank(b.Contract)], ReasonContractMade)
}

func (b *bauernDeal) failed(d *Deal) {
	b.decide(1-b.declaringTeam(d), bauernBase[bauernRank(b.Contract)], ReasonContractFailed)
}

func (b *bauernDeal) decide(team, value int, reason string) {
	b.Decided, b.WinnerTeam, b.Value, b.Reason = true, team, value, reason
}

// bauernKontraCheck says why seat may not give Kontra now (§6, DECIDED 8),
// or nil: once per deal, in the first trick (window), by a playing member
// of the defending side who has not played a card yet.
func bauernKontraCheck(d *Deal, seat int, window bool) (*Refusal, string) {
	b := d.Bauernschnapsen
	switch {
	case !window || d.TrickNo > 0:
		return ErrKontraNotAllowed, "kontra is given during the first trick only"
	case b.Kontra >= 0:
		return ErrKontraNotAllowed, "kontra was given already"
	case seat == b.SittingOut:
		return ErrKontraNotAllowed, "you sit out this deal"
	case bauernTeam(seat) == b.declaringTeam(d):
		return ErrKontraNotAllowed, "only the defending side gives kontra"
	}
	for _, p := range d.Trick {
		if p.Seat == seat {
			return ErrKontraNotAllowed, "kontra is given before your first card"
		}
	}
	return nil, ""
}

// bauernReCheck says why seat may not give Re now (§6), or nil: once,
// after a Kontra, by a playing member of the declaring side, until the
// first card of the second trick.
func bauernReCheck(d *Deal, seat int) (*Refusal, string) {
	b := d.Bauernschnapsen
	switch {
	case b.Kontra < 0:
		return ErrKontraNotAllowed, "re answers a kontra"
	case b.Re >= 0:
		return ErrKontraNotAllowed, "re was given already"
	case d.TrickNo > 1 || (d.TrickNo == 1 && len(d.Trick) > 0):
		return ErrKontraNotAllowed, "re is given until the first card of the second trick"
	case seat == b.SittingOut:
		return ErrKontraNotAllowed, "you sit out this deal"
	case bauernTeam(seat) != b.declaringTeam(d):
		return ErrKontraNotAllowed, "only the declaring side gives re"
	}
	return nil, ""
}
