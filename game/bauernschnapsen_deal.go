package game

// bauernCutOrKnock is the cutter's window before the deal (§2): the seat
// before the dealer cuts (3 + 2 cards) or knocks (5 at once). The window
// closing unanswered is a cut (DECIDED). Either way the deal goes on, so
// CutChosen is emitted on the timeout too.
type bauernCutOrKnock struct{ WindowMs int64 }

// Name is the stage's wire name.
func (bauernCutOrKnock) Name() string { return "cutting" }

// Enter opens the window for the cutter.
func (s bauernCutOrKnock) Enter(t *Table, now int64) Step {
	b := t.d.Deal.Bauernschnapsen
	t.d.Deal.Turn = b.Cutter
	t.emit(MustCut{Seat: b.Cutter, Deadline: t.armTimer(now, s.WindowMs)})
	return Stay
}

// Handle takes the cutter's choice; the timeout cuts.
func (bauernCutOrKnock) Handle(t *Table, a Action) (Step, error) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	switch a.Cmd.(type) {
	case Timeout:
	case Cut, Knock:
		if a.Seat != b.Cutter {
			return Stay, refuse(ErrNotYourTurn, "seat %d cuts this deal", b.Cutter)
		}
	default:
		return Stay, refuse(ErrWrongStage, "%s before the cards are dealt", a.Cmd.Name())
	}
	d.Turn = -1
	if _, ok := a.Cmd.(Knock); ok {
		b.Knocked = true
		t.emit(Knocked{Seat: b.Cutter})
		return Next, nil
	}
	t.emit(CutChosen{Seat: b.Cutter})
	return Next, nil
}

// Legal offers the cutter a cut or a knock.
func (bauernCutOrKnock) Legal(t *Table, seat int, out []Command) []Command {
	if seat != t.d.Deal.Bauernschnapsen.Cutter {
		return out
	}
	return append(out, Cut{}, Knock{})
}

// bauernDealPacket deals one round (§3): round 1 is three cards each after
// a cut and five after a knock, round 2 is two cards each after a cut and
// nothing after a knock (the stage skips itself). The packets go clockwise
// from forehand, as DealCards deals them.
type bauernDealPacket struct{ Round int }

// Name is the stage's wire name.
func (bauernDealPacket) Name() string { return "dealing" }

// Enter deals the round's packets, if any, and moves on.
func (s bauernDealPacket) Enter(t *Table, now int64) Step {
	knocked := t.d.Deal.Bauernschnapsen.Knocked
	n := 0
	switch {
	case s.Round == 1 && knocked:
		n = 5
	case s.Round == 1:
		n = 3
	case !knocked:
		n = 2
	}
	if n == 0 {
		return Next
	}
	return DealCards{N: n}.Enter(t, now)
}

// Handle refuses everything: dealing takes no input.
func (bauernDealPacket) Handle(*Table, Action) (Step, error) {
	return Stay, refuse(ErrWrongStage, "the cards are being dealt")
}

// Legal is empty: nobody acts while cards are dealt.
func (bauernDealPacket) Legal(_ *Table, _ int, out []Command) []Command { return out }

// bauernCallTrump is forehand's trump call (§3): a suit of which forehand
// holds a card (of the 3 it has after a cut, of all 5 after a knock), or,
// after a cut only, Aufschlagen: forehand's next card (deck index 12, the
// first card of round 2) is turned up and its suit is trump. A passed
// deadline only passes: the server decides what happens then.
type bauernCallTrump struct{}

// Name is the stage's wire name.
func (bauernCallTrump) Name() string { return "callTrump" }

// Enter prompts forehand.
func (bauernCallTrump) Enter(t *Table, now int64) Step {
	d := &t.d.Deal
	d.Turn = d.Forehand
	var suits []Suit
	for s := Suit(0); s < NumSuits; s++ {
		if bauernHoldsSuit(d.Hands[d.Forehand], s) {
			suits = append(suits, s)
		}
	}
	t.emit(MustCallTrump{
		Seat:        d.Forehand,
		Deadline:    t.armTimer(now, t.turnTimeout()),
		Suits:       suits,
		Aufschlagen: !d.Bauernschnapsen.Knocked,
	})
	return Stay
}

// Handle takes forehand's call.
func (bauernCallTrump) Handle(t *Table, a Action) (Step, error) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	var cmd CallTrump
	switch c := a.Cmd.(type) {
	case Timeout:
		return Stay, nil
	case CallTrump:
		cmd = c
	default:
		return Stay, refuse(ErrWrongStage, "%s while forehand calls trump", a.Cmd.Name())
	}
	if a.Seat != d.Forehand {
		return Stay, refuse(ErrNotYourTurn, "seat %d calls trump", d.Forehand)
	}
	if r, why := bauernCallCheck(d, cmd); r != nil {
		return Stay, &Refusal{Code: r.Code, Message: why}
	}
	b.Called = true
	d.Turn = -1
	if cmd.Aufschlagen {
		card := d.Deck[d.Next] // forehand's first card of round 2
		b.Aufschlagen, b.TurnedUp, b.Trump = true, card, card.Suit
		t.emit(TrumpCalled{Seat: a.Seat, Suit: card.Suit, Aufschlagen: true, Card: card})
		return Next, nil
	}
	b.Trump = cmd.Suit
	t.emit(TrumpCalled{Seat: a.Seat, Suit: cmd.Suit})
	return Next, nil
}

// bauernCallCheck says why forehand may not make call, or nil. Messages
// are constant so that Legal can ask without allocating.
func bauernCallCheck(d *Deal, call CallTrump) (*Refusal, string) {
	switch {
	case call.Aufschlagen && d.Bauernschnapsen.Knocked:
		return ErrBadTrumpCall, "after a knock there is no Aufschlagen"
	case call.Aufschlagen:
		return nil, ""
	case call.Suit >= NumSuits:
		return ErrBadCard, "no such suit"
	case !bauernHoldsSuit(d.Hands[d.Forehand], call.Suit):
		return ErrBadTrumpCall, "you may only call a suit you hold a card of"
	}
	return nil, ""
}

// bauernCallCommands holds every trump call already boxed as a Command:
// each suit, then Aufschlagen. It is read-only.
var bauernCallCommands = func() (cmds [NumSuits + 1]Command) {
	for s := Suit(0); s < NumSuits; s++ {
		cmds[s] = CallTrump{Suit: s}
	}
	cmds[NumSuits] = CallTrump{Aufschlagen: true}
	return cmds
}()

// Legal lists forehand's calls: the suits it holds, then Aufschlagen when
// it is allowed.
func (bauernCallTrump) Legal(t *Table, seat int, out []Command) []Command {
	d := &t.d.Deal
	if seat != d.Forehand {
		return out
	}
	for s := Suit(0); s < NumSuits; s++ {
		if bauernHoldsSuit(d.Hands[seat], s) {
			out = append(out, bauernCallCommands[s])
		}
	}
	if !d.Bauernschnapsen.Knocked {
		out = append(out, bauernCallCommands[NumSuits])
	}
	return out
}

// bauernHoldsSuit reports whether hand holds a card of suit.
func bauernHoldsSuit(hand []Card, suit Suit) bool {
	for _, c := range hand {
		if c.Suit == suit {
			return true
		}
	}
	return false
}
