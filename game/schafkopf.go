package game

// schafkopfRules is Bavarian Schafkopf (../shared/rules/schafkopf.md): four
// seats, the 32-card pack (24 with Options.ShortDeck), Sauspiel, Wenz and
// Farbsolo, knocking, Kontra and Re, the 10/20/50 tariff.
type schafkopfRules struct{}

// schafkopfKnockWindowMs is the length of the knock window (rules §3).
const schafkopfKnockWindowMs = 5000

func (schafkopfRules) seats(Options) int     { return 4 }
func (schafkopfRules) notation() Notation    { return SchafkopfNotation }
func (schafkopfRules) deck(o Options) []Card { return SchafkopfDeck(o.ShortDeck) }
func (schafkopfRules) newDeal(t *Table)      { t.d.Deal.Schafkopf = newSchafkopfDeal(t.seats) }

// view shows every seat the same public Schafkopf state: the hand is the
// core's part of the view, and the partner stays hidden until known.
func (schafkopfRules) view(t *Table, _ int, v *View) {
	v.Schafkopf = t.d.Deal.Schafkopf.view(&t.d.Deal, v.Schafkopf)
}

// stages is the seed's list (rules §8): deal, knock window, deal, announce,
// the first trick with the Kontra window, the other tricks, settle. The
// short deck deals 3+3 and plays 6 tricks.
func (schafkopfRules) stages(o Options) []Stage {
	packet, tricks := 4, 8
	if o.ShortDeck {
		packet, tricks = 3, 6
	}
	s := make([]Stage, 0, 5+tricks)
	s = append(s,
		DealCards{N: packet},
		schafkopfKnocking{WindowMs: schafkopfKnockWindowMs},
		DealCards{N: packet},
		schafkopfNegotiation{},
		schafkopfPlay{Contra: true},
	)
	for i := 1; i < tricks; i++ {
		s = append(s, schafkopfPlay{})
	}
	return append(s, schafkopfSettlement{})
}

// SchafkopfCall is one turn of the announcement round: a game announced,
// or a pass when Game is empty. Ace is the called ace of a Sauspiel, Suit
// the trump suit of a Solo; both are zero where they do not apply.
type SchafkopfCall struct {
	Seat int
	Game Contract
	Ace  Card
	Suit Suit
}

// schafkopfDeal is Schafkopf's own part of a deal. The partner of a
// Sauspiel is stored here from the end of the announcement round on; views
// reveal it only once PartnerKnown.
type schafkopfDeal struct {
	Answered []bool          // knock window: seats that knocked or declined
	Knocks   []int           // seats that knocked, in order
	Calls    []SchafkopfCall // the announcement round so far
	Game     Contract        // the best announcement so far, then the contract
	Declarer int             // its announcer; -1 while nobody announced
	Ace      Card            // the called ace (Sauspiel)
	Suit     Suit            // the trump suit (Solo)
	Partner  int             // the holder of the called ace; -1 outside a Sauspiel
	// PartnerKnown is set once the called ace is played or the partner
	// gives Re: from then on every view shows Partner.
	PartnerKnown bool
	// RanAway is set when the partner led the called suit without the ace
	// (davonlaufen, rules §5.1.3): the called-ace obligations no longer bind.
	RanAway  bool
	ThrownIn bool // all four passed: the Play stages are skipped
	Kontra   int  // the seat that gave Kontra, -1 if none
	Re       int  // the seat that gave Re, -1 if none
}

func newSchafkopfDeal(seats int) *schafkopfDeal {
	return &schafkopfDeal{
		Answered: make([]bool, seats),
		Declarer: -1,
		Partner:  -1,
		Kontra:   -1,
		Re:       -1,
	}
}

// trumps gives the card order of the contract (of the best announcement
// during negotiation; Sauspiel order before any).
func (sk *schafkopfDeal) trumps() schafkopfTrumps {
	return schafkopfTrumps{game: sk.Game, suit: sk.Suit}
}

// declaring reports whether seat belongs to the declaring party: the
// declarer and, in a Sauspiel, the partner.
func (sk *schafkopfDeal) declaring(seat int) bool {
	return seat == sk.Declarer || (sk.Game == Sauspiel && seat == sk.Partner)
}

// SchafkopfView is Schafkopf's own part of a seat's view. Everything in it
// is public: the partner of a Sauspiel appears only once the called ace was
// played or the partner gave Re (until then Partner is -1, even in the
// partner's own view: his hand tells him).
type SchafkopfView struct {
	Knocks   []int           // seats that knocked, in order
	Calls    []SchafkopfCall // the announcement round so far
	Game     Contract        // the contract, or the best announcement so far
	Declarer int             // -1 while nobody announced
	Ace      Card            // the called ace (Sauspiel)
	Suit     Suit            // the trump suit (Solo)
	Partner  int             // -1 until publicly known and outside a Sauspiel
	Kontra   int             // the seat that gave Kontra, -1 if none
	Re       int             // the seat that gave Re, -1 if none
	Points   []int           // card points won per seat (public through trickTaken)
	ThrownIn bool
}

// view fills reuse (allocating when nil) with the public part of the deal.
func (sk *schafkopfDeal) view(d *Deal, reuse *SchafkopfView) *SchafkopfView {
	if sk == nil {
		return nil
	}
	if reuse == nil {
		reuse = &SchafkopfView{}
	}
	v := reuse
	*v = SchafkopfView{
		Knocks:   append(reuse.Knocks[:0], sk.Knocks...),
		Calls:    append(reuse.Calls[:0], sk.Calls...),
		Game:     sk.Game,
		Declarer: sk.Declarer,
		Ace:      sk.Ace,
		Suit:     sk.Suit,
		Partner:  -1,
		Kontra:   sk.Kontra,
		Re:       sk.Re,
		Points:   append(reuse.Points[:0], d.Points...),
		ThrownIn: sk.ThrownIn,
	}
	if sk.PartnerKnown {
		v.Partner = sk.Partner
	}
	return v
}

// schafkopfTrumps decides a card's class and strength in a contract
// (rules §4.1): which cards are trumps, their order, and the order of the
// plain suits.
type schafkopfTrumps struct {
	game Contract
	suit Suit // the trump suit of a Solo
}

// schafkopfTrumpClass is the class of every trump; plain cards have their
// suit as class.
const schafkopfTrumpClass = NumSuits

// isTrump reports whether c is a trump: Obers, Unters and Herz in a
// Sauspiel, Obers, Unters and the suit in a Solo, only Unters in a Wenz.
func (g schafkopfTrumps) isTrump(c Card) bool {
	switch g.game {
	case Wenz:
		return c.Rank == Jack
	case Solo:
		return c.Rank == Queen || c.Rank == Jack || c.Suit == g.suit
	default:
		return c.Rank == Queen || c.Rank == Jack || c.Suit == Hearts
	}
}

// class is what a card obliges others to follow with: trump, or its suit.
func (g schafkopfTrumps) class(c Card) int {
	if g.isTrump(c) {
		return schafkopfTrumpClass
	}
	return int(c.Suit)
}

// power orders the cards of a trick whose led class is led: trumps above
// everything (Obers, then Unters, each Eichel > Gras > Herz > Schellen, then
// the suit trumps A X K 9 8 7), then the led suit by rank, other cards 0.
// The Rank constants already run A X K O U 9 8 7, so a plain suit's order
// is its rank order in every contract.
func (g schafkopfTrumps) power(c Card, led int) int {
	if g.isTrump(c) {
		switch {
		case c.Rank == Queen:
			return 300 - int(c.Suit)
		case c.Rank == Jack:
			return 200 - int(c.Suit)
		default:
			return 100 - int(c.Rank)
		}
	}
	if int(c.Suit) == led {
		return 50 - int(c.Rank)
	}
	return 0
}

// winner returns the index in trick of the card that takes it.
func (g schafkopfTrumps) winner(trick []Played) int {
	if len(trick) == 0 {
		return -1
	}
	led := g.class(trick[0].Card)
	best, bestPower := 0, g.power(trick[0].Card, led)
	for i := 1; i < len(trick); i++ {
		if p := g.power(trick[i].Card, led); p > bestPower {
			best, bestPower = i, p
		}
	}
	return best
}

// countClass counts the cards of class in hand.
func (g schafkopfTrumps) countClass(hand []Card, class int) int {
	n := 0
	for _, c := range hand {
		if g.class(c) == class {
			n++
		}
	}
	return n
}

// order appends the trumps from the top (OE in Sauspiel and Solo, UE in a
// Wenz) to buf: the order Laufende are counted in.
func (g schafkopfTrumps) order(short bool, buf []Card) []Card {
	if g.game != Wenz {
		for s := Suit(0); s < NumSuits; s++ {
			buf = append(buf, Card{Rank: Queen, Suit: s})
		}
	}
	for s := Suit(0); s < NumSuits; s++ {
		buf = append(buf, Card{Rank: Jack, Suit: s})
	}
	if g.game == Wenz {
		return buf
	}
	suit := Hearts
	if g.game == Solo {
		suit = g.suit
	}
	low := Seven
	if short {
		low = Nine
	}
	for _, r := range [...]Rank{Ace, Ten, King, Nine, Eight, Seven} {
		if r <= low {
			buf = append(buf, Card{Rank: r, Suit: suit})
		}
	}
	return buf
}

// viewTrumps is the card order a view's public contract implies (Sauspiel
// order before a game is fixed).
func viewTrumps(v *View) schafkopfTrumps {
	if v == nil || v.Schafkopf == nil {
		return schafkopfTrumps{game: Sauspiel}
	}
	return schafkopfTrumps{game: v.Schafkopf.Game, suit: v.Schafkopf.Suit}
}

// schafkopfIsTrump reports whether c is a trump in the contract v shows.
// Bots use it through the game dispatcher.
func schafkopfIsTrump(v *View, c Card) bool { return viewTrumps(v).isTrump(c) }

// schafkopfTrickWinner returns the index in trick of the card that wins it
// so far under the contract v shows, or -1 for an empty trick. Bots use it
// through the game dispatcher.
func schafkopfTrickWinner(v *View, trick []Played) int { return viewTrumps(v).winner(trick) }
