package game

// schnapsenPlayName is the wire name of the play stage.
const schnapsenPlayName = "play"

// schnapsenPlay runs every trick of a Schnapsen deal: the leader's options
// (exchange, close, lead with or without a marriage, §4.1), the follow
// (§5), the draws while the talon is open (§4.4) and the end of the deal
// (§10). It answers Next to the result stage when the deal is decided.
//
// ExchangeTrump and CloseTalon are the leader's, before the lead: sent by
// the other seat or after the lead card they are refused with wrongStage,
// as is a marriage announced with a follow. A turn prompt's deadline is
// only recorded; the stage ignores Timeout.
type schnapsenPlay struct{}

// Name is the stage's wire name.
func (schnapsenPlay) Name() string { return schnapsenPlayName }

// Enter gives the first lead to forehand, the non-dealer (§2).
func (schnapsenPlay) Enter(t *Table, now int64) Step {
	d := &t.d.Deal
	d.Leader = d.Forehand
	d.Turn = d.Forehand
	schnapsenPrompt(t, t.armTimer(now, t.turnTimeout()))
	return Stay
}

// Handle applies one move. On a refusal it has changed nothing: every
// check runs before the first write.
func (schnapsenPlay) Handle(t *Table, a Action) (Step, error) {
	switch cmd := a.Cmd.(type) {
	case Timeout:
		// The server decides what a passed turn deadline means (a bot's
		// move); the rules themselves have no timeout.
		return Stay, nil
	case ExchangeTrump:
		if code, why := schnapsenExchangeCheck(t, a.Seat); code != nil {
			return Stay, &Refusal{Code: code.Code, Message: why}
		}
		schnapsenExchange(t, a.Seat)
		return Stay, nil
	case CloseTalon:
		if code, why := schnapsenCloseCheck(t, a.Seat); code != nil {
			return Stay, &Refusal{Code: code.Code, Message: why}
		}
		schnapsenClose(t, a.Seat)
		return Stay, nil
	case PlayCard:
		return schnapsenPlayCard(t, a, cmd)
	default:
		return Stay, refuse(ErrWrongStage, "%s is not a Schnapsen move", a.Cmd.Name())
	}
}

// Legal lists seat's moves: each legal card, the K and Q of each marriage
// it may announce as PlayCard{Marriage: true}, then ExchangeTrump and
// CloseTalon when allowed. It is empty when seat is not to act.
func (schnapsenPlay) Legal(t *Table, seat int, out []Command) []Command {
	d := &t.d.Deal
	if seat != d.Turn {
		return out
	}
	hand := d.Hands[seat]
	for _, c := range hand {
		if schnapsenFollowCheck(t, hand, c) == nil {
			out = append(out, playCommand(c, false))
		}
	}
	if len(d.Trick) == 0 {
		for _, c := range hand {
			if code, _ := schnapsenMarriageCheck(hand, c); code == nil {
				out = append(out, playCommand(c, true))
			}
		}
	}
	if code, _ := schnapsenExchangeCheck(t, seat); code == nil {
		out = append(out, ExchangeTrump{})
	}
	if code, _ := schnapsenCloseCheck(t, seat); code == nil {
		out = append(out, CloseTalon{})
	}
	return out
}

// schnapsenPrompt asks the seat to act for its move, with the options
// that only that seat receives. deadline is the turn's (armed by the
// caller: a new turn arms a timer, a prompt repeated after an exchange or
// a closing keeps the turn's deadline).
func schnapsenPrompt(t *Table, deadline int64) {
	d := &t.d.Deal
	seat := d.Turn
	hand := d.Hands[seat]
	e := MustPlayCard{Seat: seat, Deadline: deadline, Legal: make([]Card, 0, len(hand))}
	for _, c := range hand {
		if schnapsenFollowCheck(t, hand, c) == nil {
			e.Legal = append(e.Legal, c)
		}
	}
	if len(d.Trick) == 0 {
		for suit := Suit(0); suit < NumSuits; suit++ {
			if hasCard(hand, Card{Rank: King, Suit: suit}) && hasCard(hand, Card{Rank: Queen, Suit: suit}) {
				e.Marriages = append(e.Marriages, suit)
			}
		}
	}
	e.CanExchange = schnapsenOK(schnapsenExchangeCheck(t, seat))
	e.CanClose = schnapsenOK(schnapsenCloseCheck(t, seat))
	t.emit(e)
}

// schnapsenOK turns a check's answer into "allowed".
func schnapsenOK(code *Refusal, _ string) bool { return code == nil }

// schnapsenLeadOptionCheck is what exchange and closing share: only the
// leader, only before the lead card (§4.1).
func schnapsenLeadOptionCheck(t *Table, seat int) (*Refusal, string) {
	d := &t.d.Deal
	if len(d.Trick) > 0 {
		return ErrWrongStage, "the lead card of this trick is already played"
	}
	if seat != d.Leader {
		return ErrWrongStage, "only the player to lead may do that, before leading"
	}
	return nil, ""
}

// schnapsenTalonCheck is the talon condition of exchange and closing
// (§7, §8): open, and at least 3 talon cards (DECIDED).
func schnapsenTalonCheck(t *Table) (*Refusal, string) {
	d := &t.d.Deal
	s := d.Schnapsen
	if !s.open(d) {
		return ErrTalonClosed, "the talon is closed or exhausted"
	}
	if s.talon(d) < 3 {
		return ErrTalonTooSmall, "the talon has fewer than 3 cards"
	}
	return nil, ""
}

// schnapsenExchangeCheck says why seat may not exchange the trump jack now
// (§7), or nil. It returns a sentinel and a constant message so that views
// and Legal ask it without allocating.
func schnapsenExchangeCheck(t *Table, seat int) (*Refusal, string) {
	if code, why := schnapsenLeadOptionCheck(t, seat); code != nil {
		return code, why
	}
	if code, why := schnapsenTalonCheck(t); code != nil {
		return code, why
	}
	d := &t.d.Deal
	if !hasCard(d.Hands[seat], Card{Rank: Jack, Suit: d.Schnapsen.TrumpSuit}) {
		return ErrNoTrumpJack, "you do not hold the jack of trumps"
	}
	return nil, ""
}

// schnapsenCloseCheck says why seat may not close the talon now (§8), or
// nil.
func schnapsenCloseCheck(t *Table, seat int) (*Refusal, string) {
	if code, why := schnapsenLeadOptionCheck(t, seat); code != nil {
		return code, why
	}
	return schnapsenTalonCheck(t)
}

// schnapsenMarriageCheck says why leading c cannot announce a marriage
// (§6), or nil: c must be a K or Q whose partner is in hand.
func schnapsenMarriageCheck(hand []Card, c Card) (*Refusal, string) {
	var partner Card
	switch c.Rank {
	case King:
		partner = Card{Rank: Queen, Suit: c.Suit}
	case Queen:
		partner = Card{Rank: King, Suit: c.Suit}
	default:
		return ErrNoMarriage, "a marriage is announced with its king or queen"
	}
	if !hasCard(hand, partner) {
		return ErrNoMarriage, "you do not hold the king and queen of that suit"
	}
	return nil, ""
}

// schnapsenFollowCheck says why the seat to act may not play c from hand
// (§5), or nil. Leads and follows in the open phase are free. In the
// strict phase a holder of a higher card of the led suit must head the
// trick, a holder of the suit must follow it, a holder of a trump must
// trump.
func schnapsenFollowCheck(t *Table, hand []Card, c Card) *Refusal {
	d := &t.d.Deal
	s := d.Schnapsen
	if len(d.Trick) == 0 || !s.strict(d) {
		return nil
	}
	led := d.Trick[0].Card
	var suit, higher, trumps bool
	for _, h := range hand {
		if h.Suit == led.Suit {
			suit = true
			higher = higher || h.Rank < led.Rank
		}
		trumps = trumps || h.Suit == s.TrumpSuit
	}
	switch {
	case higher:
		if c.Suit != led.Suit || c.Rank > led.Rank {
			return ErrMustHeadTrick
		}
	case suit:
		if c.Suit != led.Suit {
			return ErrMustFollowSuit
		}
	case trumps:
		if c.Suit != s.TrumpSuit {
			return ErrMustTrump
		}
	}
	return nil
}

// schnapsenExchange swaps the jack of trumps in seat's hand for the trump
// card (§7) and prompts the leader again: the new card may make a
// marriage, and exchanging is no longer possible.
func schnapsenExchange(t *Table, seat int) {
	s := t.d.Deal.Schnapsen
	jack := Card{Rank: Jack, Suit: s.TrumpSuit}
	hand := t.d.Deal.Hands[seat]
	for i := range hand {
		if hand[i] == jack {
			hand[i] = s.TrumpCard
		}
	}
	t.emit(TrumpExchanged{Seat: seat, Took: s.TrumpCard, Gave: jack})
	s.TrumpCard = jack
	schnapsenPrompt(t, t.d.Deadline)
}

// schnapsenClose closes the talon for seat (§8), recording the opponent's
// score and tricks for §10.3, and prompts the leader again.
func schnapsenClose(t *Table, seat int) {
	d := &t.d.Deal
	s := d.Schnapsen
	opp := 1 - seat
	s.ClosedBy = seat
	s.OppScore = s.Score[opp]
	s.OppTricks = d.Tricks[opp]
	t.emit(TalonClosed{Seat: seat})
	schnapsenPrompt(t, t.d.Deadline)
}

// schnapsenPlayCard validates and plays a lead or a follow.
func schnapsenPlayCard(t *Table, a Action, cmd PlayCard) (Step, error) {
	d := &t.d.Deal
	if a.Seat != d.Turn {
		return Stay, refuse(ErrNotYourTurn, "seat %d is to play", d.Turn)
	}
	hand := d.Hands[a.Seat]
	if !hasCard(hand, cmd.Card) {
		return Stay, refuse(ErrCardNotInHand, "%s is not in your hand", SchnapsenNotation.Format(cmd.Card))
	}
	if len(d.Trick) == 0 {
		if cmd.Marriage {
			if code, why := schnapsenMarriageCheck(hand, cmd.Card); code != nil {
				return Stay, &Refusal{Code: code.Code, Message: why}
			}
		}
		return schnapsenLead(t, a, cmd), nil
	}
	if cmd.Marriage {
		return Stay, refuse(ErrWrongStage, "a marriage is announced only with a lead")
	}
	if code := schnapsenFollowCheck(t, hand, cmd.Card); code != nil {
		return Stay, refuse(code, "%s: %s", SchnapsenNotation.Format(cmd.Card), code.Message)
	}
	return schnapsenFollow(t, a, cmd.Card), nil
}

// schnapsenLead plays a checked lead card, with its marriage if announced.
// A marriage credited at once can end the deal before the follow (§10.1).
func schnapsenLead(t *Table, a Action, cmd PlayCard) Step {
	d := &t.d.Deal
	s := d.Schnapsen
	d.Hands[a.Seat] = removeCard(d.Hands[a.Seat], cmd.Card)
	d.Trick = append(d.Trick[:0], Played{Seat: a.Seat, Card: cmd.Card})
	t.emit(CardPlayed{Seat: a.Seat, Card: cmd.Card})
	if cmd.Marriage {
		points := 20
		if cmd.Card.Suit == s.TrumpSuit {
			points = 40
		}
		pending := d.Tricks[a.Seat] == 0
		if pending {
			s.Pending[a.Seat] += points
		} else {
			s.Score[a.Seat] += points
		}
		s.Marriages = append(s.Marriages, SchnapsenMarriage{Seat: a.Seat, Suit: cmd.Card.Suit, Points: points})
		t.emit(MarriageAnnounced{Seat: a.Seat, Suit: cmd.Card.Suit, Points: points, Pending: pending})
		if s.Score[a.Seat] >= 66 {
			schnapsenDecide(t, a.Seat)
			return Next
		}
	}
	d.Turn = 1 - a.Seat
	schnapsenPrompt(t, t.armTimer(a.Now, t.turnTimeout()))
	return Stay
}

// schnapsenFollow plays a checked follow card and completes the trick:
// the winner scores it (and a pending marriage, §6), then the deal ends
// (66, last card) or both draw while the talon is open and the winner
// leads.
func schnapsenFollow(t *Table, a Action, c Card) Step {
	d := &t.d.Deal
	s := d.Schnapsen
	lead := d.Trick[0]
	d.Hands[a.Seat] = removeCard(d.Hands[a.Seat], c)
	t.emit(CardPlayed{Seat: a.Seat, Card: c})

	winner := lead.Seat
	if schnapsenBeats(c, lead.Card, s.TrumpSuit) {
		winner = a.Seat
	}
	points := lead.Card.Points() + c.Points()
	d.TrickNo++
	d.Tricks[winner]++
	d.Points[winner] += points
	s.Score[winner] += points + s.Pending[winner]
	s.Pending[winner] = 0
	d.Trick = d.Trick[:0]
	d.Leader = winner
	d.Turn = winner
	t.emit(TrickTaken{Seat: winner, Points: points})

	if s.Score[winner] >= 66 {
		schnapsenDecide(t, winner)
		return Next
	}
	if len(d.Hands[winner]) == 0 {
		schnapsenDecide(t, -1)
		return Next
	}
	if s.open(d) {
		schnapsenDraw(t, winner)
	}
	schnapsenPrompt(t, t.armTimer(a.Now, t.turnTimeout()))
	return Stay
}

// schnapsenDraw refills both hands from the open talon (§4.4): the winner
// takes the top stock card, the loser the next one, or the trump card when
// the winner took the last stock card, which exhausts the talon.
func schnapsenDraw(t *Table, winner int) {
	d := &t.d.Deal
	s := d.Schnapsen
	loser := 1 - winner
	top := d.Deck[d.Next : d.Next+1 : d.Next+1]
	d.Next++
	d.Hands[winner] = append(d.Hands[winner], top[0])
	t.emit(CardsDrawn{Seat: winner, Cards: top, Count: 1})
	if d.Next < len(d.Deck) {
		next := d.Deck[d.Next : d.Next+1 : d.Next+1]
		d.Next++
		d.Hands[loser] = append(d.Hands[loser], next[0])
		t.emit(CardsDrawn{Seat: loser, Cards: next, Count: 1})
		return
	}
	trump := s.TrumpCard
	s.TrumpCard = NoCard
	d.Hands[loser] = append(d.Hands[loser], trump)
	t.emit(CardsDrawn{Seat: loser, Cards: []Card{trump}, Count: 1, Public: true})
}
