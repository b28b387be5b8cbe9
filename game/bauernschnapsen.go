package game

// bauernRules is Bauernschnapsen (../shared/rules/bauernschnapsen.md): four
// seats in two teams (seats 0+2 against 1+3), the 20-card Schnapsen pack
// dealt out completely, a cut-or-knock window, forehand's trump call,
// contract bidding, five tricks under strict follow rules, a match to 24.
//
// The stage list is fixed (§12); the stages that only apply after a cut or
// after a knock skip themselves:
//
//	[cut or knock, deal 3 (5 after a knock), call trump, deal 2 (skipped
//	 after a knock), bidding, trick 1 (Kontra window), trick 2..5, result]
//
// A trick stage whose deal is already decided (a contract that ended
// early, a team at 66) skips itself too, so the result stage follows at
// once.
type bauernRules struct{}

// bauernCutWindowMs is the cutter's window (§2, DECIDED 5 s).
const bauernCutWindowMs = 5000

// bauernTricks is the number of tricks of a deal (5 cards each).
const bauernTricks = 5

func (bauernRules) seats(Options) int   { return 4 }
func (bauernRules) notation() Notation  { return SchnapsenNotation }
func (bauernRules) deck(Options) []Card { return SchnapsenDeck() }

func (bauernRules) stages(Options) []Stage {
	s := []Stage{
		bauernCutOrKnock{WindowMs: bauernCutWindowMs},
		bauernDealPacket{Round: 1},
		bauernCallTrump{},
		bauernDealPacket{Round: 2},
		bauernNegotiation{},
		bauernPlay{Contra: true},
	}
	for i := 1; i < bauernTricks; i++ {
		s = append(s, bauernPlay{})
	}
	return append(s, bauernResultStage{})
}

// bauernTeam is the team of seat: 0 for seats 0 and 2, 1 for seats 1 and 3.
func bauernTeam(seat int) int { return seat % 2 }

// bauernDeal is Bauernschnapsen's own part of a deal. Scores are kept per
// team: in a special contract the declarer's partner sits out, so the
// declarer's score is the team's.
type bauernDeal struct {
	Cutter  int  // the seat before the dealer
	Knocked bool // the cutter knocked: five cards at once (§3.2)
	// Called is set once forehand named Trump (the called trump, §3).
	Called bool
	Trump  Suit
	// Aufschlagen: forehand turned up TurnedUp, its first card of round 2
	// (deck index 12), whose suit is trump; the card is public.
	Aufschlagen bool
	TurnedUp    Card
	// The auction (§4): the turns so far, the seats that passed (a pass
	// eliminates), the best announcement and its announcer. Contract is ""
	// until somebody announces; NormalGame when the auction ended without
	// an announcement.
	Calls    []BauernschnapsenCall
	Passed   []bool
	Contract Contract
	Declarer int // -1 while nobody announced and in the normal game
	// SittingOut is the declarer's partner in a special contract, -1
	// otherwise; SetAside holds their five cards, unseen and unplayed.
	SittingOut int
	SetAside   []Card
	Kontra     int // the seat that gave Kontra, -1 if none
	Re         int // the seat that gave Re, -1 if none
	// Score is per team: card points of the team's tricks plus credited
	// marriages; Pending the marriage points waiting for the team's first
	// trick (§8).
	Score     []int
	Pending   []int
	Marriages []BauernschnapsenMarriage
	// The outcome, set by the trick that decided the deal.
	Decided    bool
	WinnerTeam int
	Value      int // before the multiplier
	Reason     string
}

// BauernschnapsenCall is one turn of the auction: a contract announced, or
// a pass when Game is empty.
type BauernschnapsenCall struct {
	Seat int
	Game Contract
}

// BauernschnapsenMarriage is a marriage announced in the current deal:
// public.
type BauernschnapsenMarriage struct {
	Seat   int
	Suit   Suit
	Points int // 40 in trumps, else 20
}

// bauernMatch is what Bauernschnapsen remembers across deals (Table.d.Match):
// the match points themselves are in Balances, per seat.
type bauernMatch struct {
	// OppAtReach is, per team, the other team's match points at the deal
	// that last changed this team's: the Retourschneider (§11) asks
	// whether the winners had 0 when the losers reached 23.
	OppAtReach []int
}

func (bauernRules) newDeal(t *Table) {
	d := &t.d.Deal
	d.Bauernschnapsen = &bauernDeal{
		Cutter:     (t.d.Dealer + t.seats - 1) % t.seats,
		Passed:     make([]bool, t.seats),
		Declarer:   -1,
		SittingOut: -1,
		Kontra:     -1,
		Re:         -1,
		Score:      make([]int, 2),
		Pending:    make([]int, 2),
		WinnerTeam: -1,
	}
	if t.d.Match.Bauernschnapsen == nil {
		t.d.Match.Bauernschnapsen = &bauernMatch{OppAtReach: make([]int, 2)}
	}
}

// special reports whether the contract is one of the announced ones, in
// which the declarer plays alone.
func (b *bauernDeal) special() bool { return b.Contract != "" && b.Contract != NormalGame }

// hasTrump reports whether the contract (or the best announcement so far)
// has a trump suit: not in Bettel and Gang (§5).
func (b *bauernDeal) hasTrump() bool {
	return b.Called && b.Contract != Bettel && b.Contract != Gang
}

// declaringTeam is the team whose contract it is (§6): the declarer's in a
// special contract, forehand's (the calling team) in the normal game.
func (b *bauernDeal) declaringTeam(d *Deal) int {
	if b.special() {
		return bauernTeam(b.Declarer)
	}
	return bauernTeam(d.Forehand)
}

// trickSize is the number of cards of a complete trick.
func (b *bauernDeal) trickSize(seats int) int {
	if b.SittingOut >= 0 {
		return seats - 1
	}
	return seats
}

// next is the seat after seat in play order: clockwise, skipping the
// partner who sits out.
func (b *bauernDeal) next(seat, seats int) int {
	s := (seat + 1) % seats
	if s == b.SittingOut {
		s = (s + 1) % seats
	}
	return s
}

// multiplier is m of §6: 1, 2 after Kontra, 4 after Re.
func (b *bauernDeal) multiplier() int {
	m := 1
	if b.Kontra >= 0 {
		m *= 2
	}
	if b.Re >= 0 {
		m *= 2
	}
	return m
}

// bauernBeats reports whether c, played after best, takes the trick from
// it (§7): a higher card of the same suit, or a trump on a non-trump. Rank
// values grow from Ace to Jack, so higher means smaller.
func bauernBeats(c, best Card, trump Suit, hasTrump bool) bool {
	if c.Suit == best.Suit {
		return c.Rank < best.Rank
	}
	return hasTrump && c.Suit == trump
}

// bauernWinner returns the index in trick of the card that wins it so far,
// -1 for an empty trick.
func bauernWinner(trick []Played, trump Suit, hasTrump bool) int {
	if len(trick) == 0 {
		return -1
	}
	best := 0
	for i := 1; i < len(trick); i++ {
		if bauernBeats(trick[i].Card, trick[best].Card, trump, hasTrump) {
			best = i
		}
	}
	return best
}

// BauernschnapsenView is Bauernschnapsen's own part of a seat's view.
// Everything in it is public: the set-aside cards of a partner who sits out
// appear nowhere, not even in the partner's own view.
type BauernschnapsenView struct {
	Cutter  int
	Knocked bool
	// TrumpCalled is set once forehand called Trump. NoTrump is set while
	// the contract (or the best announcement) is Bettel or Gang.
	TrumpCalled bool
	Trump       Suit
	NoTrump     bool
	Aufschlagen bool
	TurnedUp    Card // the card turned up by Aufschlagen, else NoCard
	Calls       []BauernschnapsenCall
	Contract    Contract // "" before any announcement, NormalGame after an auction without one
	Declarer    int      // -1 if none
	SittingOut  int      // the declarer's partner in a special contract, else -1
	Kontra      int      // -1 if none
	Re          int      // -1 if none
	Multiplier  int
	// Scores and Pending are per team (0: seats 0 and 2): card points won
	// plus credited marriages, and marriage points waiting for the team's
	// first trick. Tricks and their points are public.
	Scores    []int
	Pending   []int
	Marriages []BauernschnapsenMarriage
}

func (bauernRules) view(t *Table, _ int, v *View) {
	b := t.d.Deal.Bauernschnapsen
	bv := v.Bauernschnapsen
	if bv == nil {
		bv = &BauernschnapsenView{}
	}
	*bv = BauernschnapsenView{
		Cutter:      b.Cutter,
		Knocked:     b.Knocked,
		TrumpCalled: b.Called,
		Trump:       b.Trump,
		NoTrump:     b.Contract == Bettel || b.Contract == Gang,
		Aufschlagen: b.Aufschlagen,
		TurnedUp:    b.TurnedUp,
		Calls:       append(bv.Calls[:0], b.Calls...),
		Contract:    b.Contract,
		Declarer:    b.Declarer,
		SittingOut:  b.SittingOut,
		Kontra:      b.Kontra,
		Re:          b.Re,
		Multiplier:  b.multiplier(),
		Scores:      append(bv.Scores[:0], b.Score...),
		Pending:     append(bv.Pending[:0], b.Pending...),
		Marriages:   append(bv.Marriages[:0], b.Marriages...),
	}
	v.TrickSize = b.trickSize(t.seats)
	v.Bauernschnapsen = bv
}

// bauernIsTrump reports whether c is a trump in the deal v shows.
func bauernIsTrump(v *View, c Card) bool {
	b := v.Bauernschnapsen
	return b != nil && b.TrumpCalled && !b.NoTrump && c.Suit == b.Trump
}

// bauernTrickWinner returns the index in trick of the card that wins it so
// far under the contract v shows; -1 for an empty trick.
func bauernTrickWinner(v *View, trick []Played) int {
	b := v.Bauernschnapsen
	if b == nil {
		return -1
	}
	return bauernWinner(trick, b.Trump, b.TrumpCalled && !b.NoTrump)
}
