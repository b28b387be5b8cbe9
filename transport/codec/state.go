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
	base := mustMarshal(&w)
	switch {
	case v.Schafkopf != nil:
		return inline(base, e.schafkopfState(v.Schafkopf))
	case v.Schnapsen != nil:
		return inline(base, e.schnapsenState(v, v.Schnapsen))
	case v.Bauernschnapsen != nil:
		return inline(base, e.bauernschnapsenState(v.Bauernschnapsen))
	}
	return base
}

// inline appends the fields of part to the JSON object base. The games'
// parts share names ("kontra", "contract", "calls"), which Go's embedded
// structs would drop as ambiguous, so each is marshalled on its own and
// spliced in.
func inline(base []byte, part any) []byte {
	p := mustMarshal(part)
	if len(p) <= 2 { // "{}"
		return base
	}
	out := make([]byte, 0, len(base)+len(p))
	out = append(out, base[:len(base)-1]...)
	out = append(out, ',')
	return append(out, p[1:]...)
}

// GAME-SPECIFIC TABLE STATE. Each game's part of the view, flat and
// camelCase, at the top level of tableState (docs/PROTOCOL.md lists the
// fields). Everything here is public or the viewer's own: the game views
// already leave out what the seat may not see, and no hand but the
// viewer's is ever read.

// callWire is one turn of an auction: a contract announced or a pass.
type callWire struct {
	Seat int    `json:"seat"`
	Game string `json:"game,omitempty"`
	Ace  string `json:"ace,omitempty"`
	Suit string `json:"suit,omitempty"`
	Pass bool   `json:"pass,omitempty"`
}

// marriageStateWire is a marriage announced in the deal.
type marriageStateWire struct {
	Seat   int    `json:"seat"`
	Suit   string `json:"suit"`
	Points int    `json:"points"`
}

// schafkopfStateWire is Schafkopf's part of tableState.
type schafkopfStateWire struct {
	Knocks   []int      `json:"knocks"`
	Calls    []callWire `json:"calls"`
	Contract string     `json:"contract,omitempty"`
	Declarer optSeat    `json:"declarer,omitzero"`
	Ace      string     `json:"ace,omitempty"`
	Suit     string     `json:"suit,omitempty"`
	Partner  optSeat    `json:"partner,omitzero"`
	Kontra   optSeat    `json:"kontra,omitzero"`
	Re       optSeat    `json:"re,omitzero"`
	Points   []int      `json:"points,omitempty"`
	ThrownIn bool       `json:"thrownIn,omitempty"`
}

// schafkopfState fills Schafkopf's part.
func (e *Encoder) schafkopfState(v *game.SchafkopfView) *schafkopfStateWire {
	w := &schafkopfStateWire{
		Knocks: append([]int{}, v.Knocks...), Calls: []callWire{},
		Contract: string(v.Game), Declarer: optSeat(v.Declarer),
		Ace: e.Format(v.Ace), Partner: optSeat(v.Partner),
		Kontra: optSeat(v.Kontra), Re: optSeat(v.Re),
		Points: v.Points, ThrownIn: v.ThrownIn,
	}
	if v.Game == game.Solo {
		w.Suit = e.FormatSuit(v.Suit)
	}
	for _, c := range v.Calls {
		cw := callWire{Seat: c.Seat, Game: string(c.Game), Ace: e.Format(c.Ace), Pass: c.Game == ""}
		if c.Game == game.Solo {
			cw.Suit = e.FormatSuit(c.Suit)
		}
		w.Calls = append(w.Calls, cw)
	}
	return w
}

// schnapsenStateWire is Schnapsen's part of tableState. score, pending,
// canExchange and canClose are the viewer's own (§9: the opponent's score
// stays hidden during the deal).
type schnapsenStateWire struct {
	TrumpSuit   string              `json:"trumpSuit"`
	TrumpCard   string              `json:"trumpCard,omitempty"`
	Talon       int                 `json:"talon"`
	ClosedBy    optSeat             `json:"closedBy,omitzero"`
	Strict      bool                `json:"strict"`
	Score       int                 `json:"score"`
	Pending     int                 `json:"pending"`
	Marriages   []marriageStateWire `json:"marriages"`
	CanExchange bool                `json:"canExchange,omitempty"`
	CanClose    bool                `json:"canClose,omitempty"`
}

// schnapsenState fills Schnapsen's part; between deals (nothing dealt
// yet) it is empty.
func (e *Encoder) schnapsenState(view *game.View, v *game.SchnapsenView) *schnapsenStateWire {
	if !view.Playing {
		return nil
	}
	w := &schnapsenStateWire{
		TrumpSuit: e.FormatSuit(v.TrumpSuit), TrumpCard: e.Format(v.TrumpCard),
		Talon: v.Talon, ClosedBy: optSeat(v.ClosedBy), Strict: v.Strict,
		Score: v.Score, Pending: v.Pending, Marriages: []marriageStateWire{},
		CanExchange: v.CanExchange, CanClose: v.CanClose,
	}
	for _, m := range v.Marriages {
		w.Marriages = append(w.Marriages, marriageStateWire{Seat: m.Seat, Suit: e.FormatSuit(m.Suit), Points: m.Points})
	}
	return w
}

// bauernschnapsenStateWire is Bauernschnapsen's part of tableState.
// scores and pending are per team (0: seats 0 and 2).
type bauernschnapsenStateWire struct {
	Cutter      int                 `json:"cutter"`
	Knocked     bool                `json:"knocked"`
	TrumpCalled bool                `json:"trumpCalled"`
	Trump       string              `json:"trump,omitempty"`
	NoTrump     bool                `json:"noTrump,omitempty"`
	Aufschlagen bool                `json:"aufschlagen,omitempty"`
	TurnedUp    string              `json:"turnedUp,omitempty"`
	Calls       []callWire          `json:"calls"`
	Contract    string              `json:"contract,omitempty"`
	Declarer    optSeat             `json:"declarer,omitzero"`
	SittingOut  optSeat             `json:"sittingOut,omitzero"`
	Kontra      optSeat             `json:"kontra,omitzero"`
	Re          optSeat             `json:"re,omitzero"`
	Multiplier  int                 `json:"multiplier"`
	Scores      []int               `json:"scores"`
	Pending     []int               `json:"pending"`
	Marriages   []marriageStateWire `json:"marriages"`
}

// bauernschnapsenState fills Bauernschnapsen's part.
func (e *Encoder) bauernschnapsenState(v *game.BauernschnapsenView) *bauernschnapsenStateWire {
	w := &bauernschnapsenStateWire{
		Cutter: v.Cutter, Knocked: v.Knocked, TrumpCalled: v.TrumpCalled,
		NoTrump: v.NoTrump, Aufschlagen: v.Aufschlagen, TurnedUp: e.Format(v.TurnedUp),
		Calls: []callWire{}, Contract: string(v.Contract), Declarer: optSeat(v.Declarer),
		SittingOut: optSeat(v.SittingOut), Kontra: optSeat(v.Kontra), Re: optSeat(v.Re),
		Multiplier: v.Multiplier, Scores: append([]int{}, v.Scores...),
		Pending: append([]int{}, v.Pending...), Marriages: []marriageStateWire{},
	}
	if v.TrumpCalled && !v.NoTrump {
		w.Trump = e.FormatSuit(v.Trump)
	}
	for _, c := range v.Calls {
		w.Calls = append(w.Calls, callWire{Seat: c.Seat, Game: string(c.Game), Pass: c.Game == ""})
	}
	for _, m := range v.Marriages {
		w.Marriages = append(w.Marriages, marriageStateWire{Seat: m.Seat, Suit: e.FormatSuit(m.Suit), Points: m.Points})
	}
	return w
}
