package codec

import "tableraft/game"

// TableState is what a tableState message carries: one seat's view of a
// table plus what only the session layer knows.
type TableState struct {
	// Seq is the sync (or createTable/joinTable) this answers; 0 leaves it
	// out.
	Seq   int64
	Table int64
	// Event is the number of the last table event the state includes; the
	// client continues from Event+1.
	Event int64
	// Players holds the player in each seat, "" for a free seat (null on
	// the wire). Missing entries count as free seats.
	Players []string
	View    game.View
}

type optionsWire struct {
	ShortDeck     bool  `json:"shortDeck,omitempty"`
	TurnTimeoutMs int64 `json:"turnTimeoutMs,omitempty"`
}

type playedWire struct {
	Seat int    `json:"seat"`
	Card string `json:"card"`
}

type tableStateWire struct {
	Type     string        `json:"type"`
	Seq      int64         `json:"seq,omitempty"`
	Table    int64         `json:"table,omitempty"`
	Event    int64         `json:"event"`
	Game     string        `json:"game"`
	Options  optionsWire   `json:"options"`
	Seat     optSeat       `json:"seat,omitzero"`
	Seats    []*string     `json:"seats"`
	Deal     int           `json:"deal"`
	Dealer   int           `json:"dealer"`
	Playing  bool          `json:"playing"`
	Stage    string        `json:"stage"`
	Turn     optSeat       `json:"turn,omitzero"`
	Deadline string        `json:"deadline,omitempty"`
	Hand     []string      `json:"hand,omitempty"`
	Trick    []playedWire  `json:"trick,omitempty"`
	Leader   optSeat       `json:"leader,omitzero"`
	TrickNo  int           `json:"trickNo"`
	Tricks   []int         `json:"tricks,omitempty"`
	Balances []int         `json:"balances"`
	Bummerl  []int         `json:"bummerl,omitempty"`
	Legal    []commandWire `json:"legal,omitempty"`

	// The game-specific parts, inlined into the same object when set.
	*schafkopfStateWire
	*schnapsenStateWire
}

// TableState writes a tableState message.
func (e *Encoder) TableState(s *TableState) []byte {
	v := &s.View
	w := tableStateWire{
		Type: "tableState", Seq: s.Seq, Table: s.Table, Event: s.Event,
		Game:     string(v.Game),
		Options:  optionsWire{ShortDeck: v.Options.ShortDeck, TurnTimeoutMs: v.Options.TurnTimeoutMs},
		Seat:     optSeat(v.Seat),
		Seats:    seatNames(s.Players, v.Seats),
		Deal:     v.DealNo,
		Dealer:   v.Dealer,
		Playing:  v.Playing,
		Stage:    v.Stage,
		Turn:     optSeat(v.Turn),
		Deadline: deadline(v.Deadline),
		Hand:     e.formatCards(v.Hand),
		Leader:   optSeat(v.Leader),
		TrickNo:  v.TrickNo,
		Tricks:   v.Tricks,
		Balances: v.Balances,
		Bummerl:  v.Bummerl,
	}
	if len(v.Trick) > 0 {
		w.Trick = make([]playedWire, len(v.Trick))
		for i, p := range v.Trick {
			w.Trick[i] = playedWire{Seat: p.Seat, Card: e.Format(p.Card)}
		}
	}
	for _, cmd := range v.Legal {
		if c, err := fromCommand(cmd, e); err == nil {
			w.Legal = append(w.Legal, c.wire())
		}
	}
	w.schafkopfStateWire = e.schafkopfState(v.Schafkopf)
	w.schnapsenStateWire = e.schnapsenState(v.Schnapsen)
	return mustMarshal(&w)
}

// GAME-SPECIFIC TABLE STATE. game.SchafkopfView and game.SchnapsenView are
// still empty: their fields arrive with the games. Add each field to the
// wire struct below (flat, camelCase, cards via e.Format) and fill it in
// the function; the fields then appear at the top level of tableState
// (Schnapsen's "trumpCard", Schafkopf's contract and knocks, ...).

// schafkopfStateWire is Schafkopf's part of tableState.
type schafkopfStateWire struct{}

// schafkopfState fills Schafkopf's part; nil leaves it out.
func (e *Encoder) schafkopfState(v *game.SchafkopfView) *schafkopfStateWire {
	if v == nil {
		return nil
	}
	return &schafkopfStateWire{}
}

// schnapsenStateWire is Schnapsen's part of tableState.
type schnapsenStateWire struct{}

// schnapsenState fills Schnapsen's part; nil leaves it out.
func (e *Encoder) schnapsenState(v *game.SchnapsenView) *schnapsenStateWire {
	if v == nil {
		return nil
	}
	return &schnapsenStateWire{}
}
