package game

// View is a table as one seat may see it: its own hand, the public cards
// and announcements, never another seat's unplayed card. The network sends
// exactly this as tableState; bots decide from it alone, so a bot cannot
// cheat either.
type View struct {
	Game     Kind
	Options  Options
	Seat     int // the viewer's seat, -1 for an observer
	Seats    int
	DealNo   int
	Dealer   int
	Playing  bool
	Stage    string
	Turn     int   // the seat to act, -1 when several or none
	Deadline int64 // Unix ms, 0 = none
	Hand     []Card
	Trick    []Played
	Leader   int   // the seat that led the current trick, -1 before the first lead
	TrickNo  int   // tricks completed in this deal
	Tricks   []int // tricks won per seat (public)
	Balances []int
	Bummerl  []int

	// Legal lists the commands the viewer may send now.
	Legal []Command

	Schafkopf *SchafkopfView `json:",omitempty"`
	Schnapsen *SchnapsenView `json:",omitempty"`
}

// View returns the table as seat sees it; seat -1 is an observer who sees
// only public information.
func (t *Table) View(seat int) View {
	d := &t.d.Deal
	v := View{
		Game:     t.d.Game,
		Options:  t.d.Options,
		Seat:     seat,
		Seats:    t.seats,
		DealNo:   t.d.DealNo,
		Dealer:   t.d.Dealer,
		Playing:  t.d.Playing,
		Stage:    t.StageName(),
		Turn:     -1,
		Leader:   -1,
		Balances: append([]int(nil), t.d.Balances...),
		Bummerl:  append([]int(nil), t.d.Bummerl...),
	}
	if !t.d.Playing {
		return v
	}
	v.Turn = d.Turn
	v.Deadline = t.d.Deadline
	v.Leader = d.Leader
	v.TrickNo = d.TrickNo
	v.Trick = append([]Played(nil), d.Trick...)
	v.Tricks = append([]int(nil), d.Tricks...)
	if seat >= 0 && seat < t.seats {
		v.Hand = append([]Card(nil), d.Hands[seat]...)
		v.Legal = t.Legal(seat)
	}
	t.rules.view(t, seat, &v)
	return v
}

// TrickWinner returns the index in trick of the card that wins it so far,
// judged from the public information of the view (contract, trump suit).
// Bots use it to ask "would this card take the trick?".
func (v *View) TrickWinner(trick []Played) int {
	switch v.Game {
	case KindSchafkopf:
		return schafkopfTrickWinner(v, trick)
	case KindSchnapsen:
		return schnapsenTrickWinner(v, trick)
	}
	return 0
}

// IsTrump reports whether c is a trump in the view's deal.
func (v *View) IsTrump(c Card) bool {
	switch v.Game {
	case KindSchafkopf:
		return schafkopfIsTrump(v, c)
	case KindSchnapsen:
		return schnapsenIsTrump(v, c)
	}
	return false
}
