package game

// schnapsenRules is two-hand Schnapsen (../shared/rules/schnapsen.md).
//
// The stage list follows the deal of §3: three cards each, the trump card
// turned up (deck index 6), two cards each, then one play stage that runs
// every trick of the deal (lead options, follow, draws, the end checks) and
// a result stage that scores the deal and the Bummerl. One play stage
// rather than one per trick because a Schnapsen deal has no fixed trick
// count: it ends the moment somebody reaches 66.
type schnapsenRules struct{}

func (schnapsenRules) seats(Options) int   { return 2 }
func (schnapsenRules) notation() Notation  { return SchnapsenNotation }
func (schnapsenRules) deck(Options) []Card { return SchnapsenDeck() }

func (schnapsenRules) stages(Options) []Stage {
	return []Stage{DealCards{N: 3}, schnapsenTurnUp{}, DealCards{N: 2}, schnapsenPlay{}, schnapsenResultStage{}}
}

// schnapsenTrumpIndex is the deck index of the face-up trump card (§3).
// The stock follows the second packets, from index 11 on; DealCards
// leaves Deal.Next there.
const schnapsenTrumpIndex = 6

// schnapsenDeal is Schnapsen's own part of a deal (§12). The stock is
// Deal.Deck[Deal.Next:], its top at Deal.Next; the trump card lies under it.
type schnapsenDeal struct {
	// TrumpCard is the card at the bottom of the talon: the face-up trump
	// card, the jack of trumps after an exchange, NoCard once it was drawn.
	// After closing it stays recorded though it lies face down.
	TrumpCard Card
	TrumpSuit Suit
	// ClosedBy is the seat that closed the talon, -1 while it was not
	// closed. OppScore and OppTricks are the opponent's score and trick
	// count at that moment (§10.3 scores from them).
	ClosedBy  int
	OppScore  int
	OppTricks int
	// Score is card points plus credited marriage points per seat;
	// Pending the marriage points waiting for the seat's first trick.
	Score     []int
	Pending   []int
	Marriages []SchnapsenMarriage
	// The deal's outcome, set by the play stage when the deal ends.
	Winner     int
	GamePoints int
	Reason     string
}

// SchnapsenMarriage is a marriage announced in the current deal: public.
type SchnapsenMarriage struct {
	Seat   int
	Suit   Suit
	Points int // 40 in trumps, else 20
}

func (schnapsenRules) newDeal(t *Table) {
	d := &t.d.Deal
	trump := d.Deck[schnapsenTrumpIndex]
	t.d.Deal.Schnapsen = &schnapsenDeal{
		TrumpCard: trump,
		TrumpSuit: trump.Suit,
		ClosedBy:  -1,
		Score:     make([]int, 2),
		Pending:   make([]int, 2),
		Winner:    -1,
	}
}

// talon is the number of talon cards: the stock plus the trump card while
// it was not drawn. Closing does not change it; the cards are just dead.
func (s *schnapsenDeal) talon(d *Deal) int {
	n := len(d.Deck) - d.Next
	if s.TrumpCard.Valid() {
		n++
	}
	return n
}

// open reports whether cards are still drawn after a trick (§4.4).
func (s *schnapsenDeal) open(d *Deal) bool { return s.ClosedBy < 0 && s.talon(d) > 0 }

// strict reports whether the follow rules of §5 apply: talon closed or
// exhausted.
func (s *schnapsenDeal) strict(d *Deal) bool { return !s.open(d) }

// schnapsenTurnUp turns up the trump card, deck index 6, between the two
// packets. GameStarted already carried the card (the core reads
// schnapsenDeal.TrumpCard), so this stage only skips it in the deck.
type schnapsenTurnUp struct{}

// Name is the stage's wire name: the trump card belongs to the dealing.
func (schnapsenTurnUp) Name() string { return "dealing" }

// Enter skips the trump card and moves on.
func (schnapsenTurnUp) Enter(t *Table, now int64) Step {
	t.d.Deal.Next = schnapsenTrumpIndex + 1
	return Next
}

// Handle refuses everything: nobody acts while the cards are dealt.
func (schnapsenTurnUp) Handle(*Table, Action) (Step, error) {
	return Stay, refuse(ErrWrongStage, "the cards are being dealt")
}

// Legal is empty: nobody acts while the cards are dealt.
func (schnapsenTurnUp) Legal(_ *Table, _ int, out []Command) []Command { return out }

// SchnapsenView is Schnapsen's own part of a seat's view. Everything but
// Score, Pending, CanExchange and CanClose is public; those are the
// viewer's own (zero for an observer): the opponent's score is hidden
// during the deal (§9).
type SchnapsenView struct {
	TrumpSuit Suit
	// TrumpCard is the card at the bottom of the talon, NoCard once it was
	// drawn. After closing it lies face down but stays known, so it is
	// still shown; ClosedBy says it is closed.
	TrumpCard Card
	Talon     int // stock plus trump card, dead after closing
	ClosedBy  int // the seat that closed the talon, -1 if none
	// Strict is set while the follow rules of §5 apply: talon closed or
	// exhausted.
	Strict bool
	// Score is the viewer's card points plus credited marriages; Pending
	// the viewer's marriage points waiting for a first trick.
	Score   int
	Pending int
	// Marriages are the marriages announced in this deal, in order.
	Marriages []SchnapsenMarriage
	// CanExchange and CanClose say whether the viewer may exchange the
	// trump jack or close the talon now.
	CanExchange bool
	CanClose    bool
}

func (schnapsenRules) view(t *Table, seat int, v *View) {
	d := &t.d.Deal
	s := d.Schnapsen
	sv := v.Schnapsen
	if sv == nil {
		sv = &SchnapsenView{}
	}
	*sv = SchnapsenView{
		TrumpSuit: s.TrumpSuit,
		TrumpCard: s.TrumpCard,
		Talon:     s.talon(d),
		ClosedBy:  s.ClosedBy,
		Strict:    s.strict(d),
		Marriages: append(sv.Marriages[:0], s.Marriages...),
	}
	if seat >= 0 && seat < t.seats {
		sv.Score = s.Score[seat]
		sv.Pending = s.Pending[seat]
		if t.stages[t.d.Stage].Name() == schnapsenPlayName && seat == d.Turn {
			sv.CanExchange = schnapsenOK(schnapsenExchangeCheck(t, seat))
			sv.CanClose = schnapsenOK(schnapsenCloseCheck(t, seat))
		}
	}
	v.Schnapsen = sv
}

// schnapsenIsTrump reports whether c is a trump in the deal v shows.
func schnapsenIsTrump(v *View, c Card) bool {
	return v.Schnapsen != nil && c.Suit == v.Schnapsen.TrumpSuit
}

// schnapsenTrickWinner returns the index in trick of the card that wins it
// so far (§4.3), from the trump suit that v shows. An empty trick gives -1.
func schnapsenTrickWinner(v *View, trick []Played) int {
	if len(trick) == 0 || v.Schnapsen == nil {
		return -1
	}
	best := 0
	for i := 1; i < len(trick); i++ {
		if schnapsenBeats(trick[i].Card, trick[best].Card, v.Schnapsen.TrumpSuit) {
			best = i
		}
	}
	return best
}

// schnapsenBeats reports whether c, played after best, takes the trick
// from it: a higher card of the same suit, or a trump on a non-trump.
// Rank values grow from Ace to Jack, so higher means smaller.
func schnapsenBeats(c, best Card, trump Suit) bool {
	if c.Suit == best.Suit {
		return c.Rank < best.Rank
	}
	return c.Suit == trump
}
