package game

// schafkopfKnocking is the knock window after the first packet (rules §3):
// every seat may knock once, doubling the deal's value, or decline. The
// window closes on its Timeout or as soon as all four answered.
type schafkopfKnocking struct{ WindowMs int64 }

// Name is the stage's wire name.
func (schafkopfKnocking) Name() string { return "knocking" }

// Enter opens the window for all seats at once.
func (s schafkopfKnocking) Enter(t *Table, now int64) Step {
	t.d.Deal.Turn = -1
	t.emit(MustKnock{Deadline: t.armTimer(now, s.WindowMs)})
	return Stay
}

// Handle records a knock or a decline; the window's timeout closes it.
func (schafkopfKnocking) Handle(t *Table, a Action) (Step, error) {
	sk := t.d.Deal.Schafkopf
	switch a.Cmd.(type) {
	case Timeout:
		return Next, nil
	case Knock, NoKnock:
		if sk.Answered[a.Seat] {
			return Stay, refuse(ErrAlreadyActed, "seat %d already answered the knock window", a.Seat)
		}
	default:
		return Stay, refuse(ErrWrongStage, "%s during the knock window", a.Cmd.Name())
	}
	sk.Answered[a.Seat] = true
	if _, ok := a.Cmd.(Knock); ok {
		sk.Knocks = append(sk.Knocks, a.Seat)
		t.emit(Knocked{Seat: a.Seat})
	}
	for _, done := range sk.Answered {
		if !done {
			return Stay, nil
		}
	}
	return Next, nil
}

// Legal offers a knock or a decline to every seat that has not answered.
func (schafkopfKnocking) Legal(t *Table, seat int, out []Command) []Command {
	if t.d.Deal.Schafkopf.Answered[seat] {
		return out
	}
	return append(out, Knock{}, NoKnock{})
}

// schafkopfNegotiation is the single announcement round (rules §4): from
// forehand, clockwise, each seat passes or announces a game of a strictly
// higher class than the best so far. When all four passed, the deal is
// thrown in.
type schafkopfNegotiation struct{}

// Name is the stage's wire name.
func (schafkopfNegotiation) Name() string { return "negotiation" }

// Enter gives forehand the first word.
func (s schafkopfNegotiation) Enter(t *Table, now int64) Step {
	t.d.Deal.Turn = t.d.Deal.Forehand
	s.prompt(t, now)
	return Stay
}

// Handle takes the announcement or pass of the seat to speak. A Timeout
// only passes the deadline: the server decides what happens then.
func (s schafkopfNegotiation) Handle(t *Table, a Action) (Step, error) {
	d := &t.d.Deal
	sk := d.Schafkopf
	call := SchafkopfCall{Seat: a.Seat}
	if err := speakerTurn(d, a); err != nil {
		return Stay, err
	}
	switch cmd := a.Cmd.(type) {
	case Timeout:
		return Stay, nil
	case Pass:
	case Announce:
		if r := sk.announceVerdict(d.Hands[a.Seat], cmd); r != nil {
			return Stay, refuse(r, "%s", announceMessage(r, cmd))
		}
		call = SchafkopfCall{Seat: a.Seat, Game: cmd.Game}
		switch cmd.Game {
		case Sauspiel:
			call.Ace = cmd.Ace
		case Solo:
			call.Suit = cmd.Suit
		}
	default:
		return Stay, refuse(ErrWrongStage, "%s during the announcement round", a.Cmd.Name())
	}

	sk.Calls = append(sk.Calls, call)
	if call.Game == "" {
		t.emit(Passed{Seat: a.Seat})
	} else {
		sk.Game, sk.Declarer, sk.Ace, sk.Suit = call.Game, call.Seat, call.Ace, call.Suit
		t.emit(Announced{Seat: a.Seat, Game: call.Game, Ace: call.Ace, Suit: call.Suit})
	}
	if len(sk.Calls) < t.seats {
		d.Turn = (d.Turn + 1) % t.seats
		s.prompt(t, a.Now)
		return Stay, nil
	}
	d.Turn = -1
	switch {
	case sk.Declarer < 0:
		sk.ThrownIn = true
	case sk.Game == Sauspiel:
		for seat, hand := range d.Hands {
			if hasCard(hand, sk.Ace) {
				sk.Partner = seat
			}
		}
	}
	return Next, nil
}

// Legal lists a pass and every announcement the seat to speak may make.
func (schafkopfNegotiation) Legal(t *Table, seat int, out []Command) []Command {
	d := &t.d.Deal
	if seat != d.Turn {
		return out
	}
	var buf [9]Announce
	out = append(out, Pass{})
	for _, o := range d.Schafkopf.options(d.Hands[seat], buf[:0]) {
		out = append(out, schafkopfAnnounceCommand(o))
	}
	return out
}

// schafkopfAnnounceCommands holds every announcement of the game already
// boxed as a Command (Legal runs on every bot move): the Sauspiel calling
// each suit's ace, the Wenz, and the Solo of each suit. It is read-only.
var schafkopfAnnounceCommands = func() (cmds struct {
	sauspiel, solo [NumSuits]Command
	wenz           Command
}) {
	for s := Suit(0); s < NumSuits; s++ {
		cmds.sauspiel[s] = Announce{Game: Sauspiel, Ace: Card{Rank: Ace, Suit: s}}
		cmds.solo[s] = Announce{Game: Solo, Suit: s}
	}
	cmds.wenz = Announce{Game: Wenz}
	return cmds
}()

// schafkopfAnnounceCommand returns a as a Command without allocating. a
// must be one of the announcements options lists.
func schafkopfAnnounceCommand(a Announce) Command {
	switch a.Game {
	case Sauspiel:
		return schafkopfAnnounceCommands.sauspiel[a.Ace.Suit]
	case Solo:
		return schafkopfAnnounceCommands.solo[a.Suit]
	}
	return schafkopfAnnounceCommands.wenz
}

// prompt arms the turn timer of the seat to speak and tells it its options.
func (schafkopfNegotiation) prompt(t *Table, now int64) {
	d := &t.d.Deal
	t.emit(MustAnnounce{
		Seat:     d.Turn,
		Deadline: t.armTimer(now, t.turnTimeout()),
		Options:  d.Schafkopf.options(d.Hands[d.Turn], nil),
	})
}

// schafkopfClass ranks the games for the announcement round (Sauspiel <
// Wenz < Solo); 0 is no game.
func schafkopfClass(g Contract) int {
	switch g {
	case Sauspiel:
		return 1
	case Wenz:
		return 2
	case Solo:
		return 3
	}
	return 0
}

// schafkopfCallableSuits are the suits whose ace may be called: never Herz,
// whose ace is a trump.
var schafkopfCallableSuits = [...]Suit{Clubs, Spades, Diamonds}

// options appends to out the announcements a seat holding hand may make now.
func (sk *schafkopfDeal) options(hand []Card, out []Announce) []Announce {
	best := schafkopfClass(sk.Game)
	if best < schafkopfClass(Sauspiel) {
		for _, s := range schafkopfCallableSuits {
			a := Announce{Game: Sauspiel, Ace: Card{Rank: Ace, Suit: s}}
			if sk.announceVerdict(hand, a) == nil {
				out = append(out, a)
			}
		}
	}
	if best < schafkopfClass(Wenz) {
		out = append(out, Announce{Game: Wenz})
	}
	if best < schafkopfClass(Solo) {
		for s := Suit(0); s < NumSuits; s++ {
			out = append(out, Announce{Game: Solo, Suit: s})
		}
	}
	return out
}

// announceVerdict checks an announcement against the best one so far and
// the announcer's hand; nil means it is allowed. Fields a game does not use
// (the ace of a Wenz) are ignored.
func (sk *schafkopfDeal) announceVerdict(hand []Card, a Announce) *Refusal {
	class := schafkopfClass(a.Game)
	switch {
	case class == 0:
		return ErrBadAnnouncement
	case class <= schafkopfClass(sk.Game):
		return ErrAnnouncementTooLow
	case a.Game == Solo && a.Suit >= NumSuits:
		return ErrBadAnnouncement
	case a.Game != Sauspiel:
		return nil
	case a.Ace.Rank != Ace || a.Ace.Suit == Hearts || a.Ace.Suit >= NumSuits:
		return ErrBadAnnouncement
	case hasCard(hand, a.Ace):
		return ErrBadAnnouncement
	}
	g := schafkopfTrumps{game: Sauspiel}
	if g.countClass(hand, int(a.Ace.Suit)) == 0 {
		return ErrBadAnnouncement
	}
	return nil
}

// announceMessage says in words why an announcement was refused.
func announceMessage(r *Refusal, a Announce) string {
	switch {
	case r == ErrAnnouncementTooLow:
		return "a " + string(a.Game) + " does not outrank the best announcement so far"
	case schafkopfClass(a.Game) == 0:
		return "unknown game " + string(a.Game)
	case a.Game == Solo:
		return "a solo needs a suit"
	case a.Ace.Rank != Ace || a.Ace.Suit == Hearts || a.Ace.Suit >= NumSuits:
		return "a sauspiel calls the ace of Eichel, Gras or Schellen"
	default:
		return "you may call an ace only when you lack it and hold another card of its suit"
	}
}
