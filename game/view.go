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
	// TrickSize is the number of cards a complete trick holds: Seats, or
	// fewer while a seat sits out (Bauernschnapsen's special contracts).
	TrickSize int
	Balances  []int
	Bummerl   []int

	// Legal lists the commands the viewer may send now.
	Legal []Command

	Schafkopf       *SchafkopfView       `json:",omitempty"`
	Schnapsen       *SchnapsenView       `json:",omitempty"`
	Bauernschnapsen *BauernschnapsenView `json:",omitempty"`
}

// View returns the table as seat sees it; seat -1 is an observer who sees
// only public information. The view shares no memory with the table.
func (t *Table) View(seat int) View {
	var v View
	t.ViewInto(seat, &v)
	return v
}

// ViewInto fills v with the table as seat sees it, reusing v's slices and
// game parts: a bot that asks for a view on every move allocates almost
// nothing. Whatever v held before is overwritten, so a caller that keeps an
// earlier view must not pass it here.
func (t *Table) ViewInto(seat int, v *View) {
	d := &t.d.Deal
	reuse := *v
	*v = View{
		Game:      t.d.Game,
		Options:   t.d.Options,
		Seat:      seat,
		Seats:     t.seats,
		TrickSize: t.seats,
		DealNo:    t.d.DealNo,
		Dealer:    t.d.Dealer,
		Playing:   t.d.Playing,
		Stage:     t.StageName(),
		Turn:      -1,
		Leader:    -1,
		Balances:  append(reuse.Balances[:0], t.d.Balances...),
		Bummerl:   append(reuse.Bummerl[:0], t.d.Bummerl...),
	}
	if !t.d.Playing {
		return
	}
	v.Turn = d.Turn
	v.Deadline = t.d.Deadline
	v.Leader = d.Leader
	v.TrickNo = d.TrickNo
	v.Trick = append(reuse.Trick[:0], d.Trick...)
	v.Tricks = append(reuse.Tricks[:0], d.Tricks...)
	if seat >= 0 && seat < t.seats {
		v.Hand = append(reuse.Hand[:0], d.Hands[seat]...)
		v.Legal = t.stages[t.d.Stage].Legal(t, seat, reuse.Legal[:0])
	}
	if reuse.Game == t.d.Game {
		v.Schafkopf, v.Schnapsen, v.Bauernschnapsen = reuse.Schafkopf, reuse.Schnapsen, reuse.Bauernschnapsen
	}
	t.rules.view(t, seat, v)
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
	case KindBauernschnapsen:
		return bauernTrickWinner(v, trick)
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
	case KindBauernschnapsen:
		return bauernIsTrump(v, c)
	}
	return false
}
