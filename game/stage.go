package game

// Step is a stage's answer to entering it or to an action: stay in the
// stage, go on to the next stage of the list, or end the deal.
type Step int

// The steps.
const (
	Stay Step = iota
	Next
	End
)

// Stage is one step of a deal, as in the seed's stage lists
// ([DealCards{4}, Knocking{5s}, DealCards{4}, Negotiation, Play{contra}, ...]).
// A stage value holds only its parameters; everything that changes lives in
// the table's deal, so a table is plain data that snapshots and restores.
//
// Enter runs when the table reaches the stage; it may emit events and
// answer Next at once (dealing). Handle answers one action; on error the
// stage must have changed nothing (validate first, then mutate). Timeouts
// reach Handle only when their serial is current. Legal appends to out the
// commands seat may send now, for bots and clients; it never mutates the
// table. (Appending lets a bot reuse one buffer for every move.)
type Stage interface {
	Name() string
	Enter(t *Table, now int64) Step
	Handle(t *Table, a Action) (Step, error)
	Legal(t *Table, seat int, out []Command) []Command
}

// speakerTurn refuses a Pass or an Announce from any seat but the one to
// speak; the auction stages of every game share it. Other commands are
// left to the stage.
func speakerTurn(d *Deal, a Action) error {
	switch a.Cmd.(type) {
	case Pass, Announce:
		if a.Seat != d.Turn {
			return refuse(ErrNotYourTurn, "seat %d is to announce", d.Turn)
		}
	}
	return nil
}

// DealCards deals N cards to every seat, clockwise from forehand, each
// packet taken in order from the deck (the seed's DealCards{n, private}).
type DealCards struct{ N int }

// Name is the stage's wire name.
func (DealCards) Name() string { return "dealing" }

// Enter deals and moves on.
func (s DealCards) Enter(t *Table, now int64) Step {
	d := &t.d.Deal
	for i := 0; i < t.seats; i++ {
		seat := (d.Forehand + i) % t.seats
		packet := d.Deck[d.Next : d.Next+s.N]
		d.Next += s.N
		d.Hands[seat] = append(d.Hands[seat], packet...)
		t.emit(CardsDealt{Seat: seat, Cards: packet, Count: s.N})
	}
	return Next
}

// Handle refuses everything: dealing takes no input.
func (DealCards) Handle(*Table, Action) (Step, error) {
	return Stay, refuse(ErrWrongStage, "the cards are being dealt")
}

// Legal is empty: nobody acts while cards are dealt.
func (DealCards) Legal(_ *Table, _ int, out []Command) []Command { return out }
