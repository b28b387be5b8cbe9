package game

// bauernNegotiation is the auction of §4: from forehand clockwise each
// seat still in passes or announces a contract strictly higher on the
// ladder (§5) that it is eligible for. A pass eliminates (DECIDED). The
// auction ends when every seat but the last announcer has passed (the
// announcer plays it) or all four passed (the normal game). A passed
// deadline only passes: the server decides what happens then.
//
// When a special contract is fixed, the declarer's partner sits out: their
// cards are set aside, out of every hand and every view.
type bauernNegotiation struct{}

// Name is the stage's wire name.
func (bauernNegotiation) Name() string { return "negotiation" }

// bauernLadder is the ladder of §5, low to high; a contract's index is its
// rank (0: the normal game, which nobody announces).
var bauernLadder = [...]Contract{NormalGame, Bettel, Schnapser, Gang, Bauernschnapser, Kontraschnapser, Kontrabauernschnapser}

// bauernBase is each contract's base value (§5, DECIDED 5), by rank; the
// normal game's value is 1 to 3 (§9).
var bauernBase = [...]int{0, 4, 6, 9, 12, 12, 24}

// bauernRank is the contract's rank on the ladder: 0 for the normal game
// and for no announcement, -1 for a contract that is no Bauernschnapsen one.
func bauernRank(c Contract) int {
	if c == "" {
		return 0
	}
	for i, l := range bauernLadder {
		if l == c {
			return i
		}
	}
	return -1
}

// bauernAnnounceCommands holds every announcement already boxed as a
// Command (Legal runs on every bot move), by rank. It is read-only.
var bauernAnnounceCommands = func() (cmds [len(bauernLadder)]Command) {
	for i, c := range bauernLadder {
		cmds[i] = Announce{Game: c}
	}
	return cmds
}()

// Enter gives forehand the first word.
func (s bauernNegotiation) Enter(t *Table, now int64) Step {
	t.d.Deal.Turn = t.d.Deal.Forehand
	s.prompt(t, now)
	return Stay
}

// Handle takes the pass or announcement of the seat to speak.
func (s bauernNegotiation) Handle(t *Table, a Action) (Step, error) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	call := BauernschnapsenCall{Seat: a.Seat}
	if err := speakerTurn(d, a); err != nil {
		return Stay, err
	}
	switch cmd := a.Cmd.(type) {
	case Timeout:
		return Stay, nil
	case Pass:
	case Announce:
		if r, why := bauernAnnounceCheck(d, a.Seat, cmd.Game); r != nil {
			return Stay, &Refusal{Code: r.Code, Message: why}
		}
		call.Game = cmd.Game
	default:
		return Stay, refuse(ErrWrongStage, "%s during the auction", a.Cmd.Name())
	}

	b.Calls = append(b.Calls, call)
	if call.Game == "" {
		b.Passed[a.Seat] = true
		t.emit(Passed{Seat: a.Seat})
	} else {
		b.Contract, b.Declarer = call.Game, a.Seat
		t.emit(Announced{Seat: a.Seat, Game: call.Game})
	}
	if next := s.nextSpeaker(t); next >= 0 {
		d.Turn = next
		s.prompt(t, a.Now)
		return Stay, nil
	}
	s.close(t)
	return Next, nil
}

// nextSpeaker is the next seat clockwise that has not passed, or -1 when
// the auction is over: everyone but the best announcer (everyone, when
// nobody announced) has passed. The seat that just spoke has either
// passed or is the best announcer, and every seat between the best
// announcer and it has passed since, so the next seat still in is never
// the best announcer while the auction is open.
func (bauernNegotiation) nextSpeaker(t *Table) int {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	open := false
	for seat, passed := range b.Passed {
		open = open || (!passed && seat != b.Declarer)
	}
	if !open {
		return -1
	}
	for i := 1; i < t.seats; i++ {
		if seat := (d.Turn + i) % t.seats; !b.Passed[seat] {
			return seat
		}
	}
	return -1
}

// close fixes the contract: the normal game when nobody announced, else
// the best announcement, whose declarer's partner sits out (§5, DECIDED 6).
func (bauernNegotiation) close(t *Table) {
	d := &t.d.Deal
	b := d.Bauernschnapsen
	d.Turn = -1
	if b.Declarer < 0 {
		b.Contract = NormalGame
		return
	}
	partner := (b.Declarer + 2) % t.seats
	b.SittingOut = partner
	b.SetAside = d.Hands[partner]
	d.Hands[partner] = nil
}

// prompt arms the turn timer of the seat to speak and tells it its options.
func (bauernNegotiation) prompt(t *Table, now int64) {
	d := &t.d.Deal
	var opts []Announce
	for rank := 1; rank < len(bauernLadder); rank++ {
		if r, _ := bauernAnnounceCheck(d, d.Turn, bauernLadder[rank]); r == nil {
			opts = append(opts, Announce{Game: bauernLadder[rank]})
		}
	}
	t.emit(MustAnnounce{Seat: d.Turn, Deadline: t.armTimer(now, t.turnTimeout()), Options: opts})
}

// Legal lists a pass and every announcement the seat to speak may make.
func (bauernNegotiation) Legal(t *Table, seat int, out []Command) []Command {
	d := &t.d.Deal
	if seat != d.Turn {
		return out
	}
	out = append(out, Pass{})
	for rank := 1; rank < len(bauernLadder); rank++ {
		if r, _ := bauernAnnounceCheck(d, seat, bauernLadder[rank]); r == nil {
			out = append(out, bauernAnnounceCommands[rank])
		}
	}
	return out
}

// bauernAnnounceCheck says why seat may not announce game now, or nil
// (§4, §5, DECIDED 5): it must be a special contract, higher than the best
// announcement so far, and seat must be eligible: Schnapser and
// Bauernschnapser forehand only, the Kontra contracts the non-calling team
// only. Messages are constant so that Legal can ask without allocating.
func bauernAnnounceCheck(d *Deal, seat int, game Contract) (*Refusal, string) {
	b := d.Bauernschnapsen
	rank := bauernRank(game)
	switch {
	case rank <= 0:
		return ErrBadAnnouncement, "that is no contract you can announce in Bauernschnapsen"
	case rank <= bauernRank(b.Contract):
		return ErrAnnouncementTooLow, "your contract must be higher than the best announcement so far"
	}
	switch game {
	case Schnapser, Bauernschnapser:
		if seat != d.Forehand {
			return ErrBadAnnouncement, "only forehand may announce a schnapser or a bauernschnapser"
		}
	case Kontraschnapser, Kontrabauernschnapser:
		if bauernTeam(seat) == bauernTeam(d.Forehand) {
			return ErrBadAnnouncement, "only the team that did not call trump may announce a kontra contract"
		}
	}
	return nil, ""
}
