package fsm

import "tableraft/game"

// TableEvent is one numbered event of a table: what the hub fans out. Event
// is unredacted; game.VisibleTo gives each seat its form.
type TableEvent struct {
	Table int64
	No    int64
	Event game.Event
}

// PlayerJoined says Player (or a bot) took Seat.
type PlayerJoined struct {
	Seat   int
	Player string
	Bot    bool
}

// PlayerLeft says the player of Seat left. During a deal the bot plays the
// seat until the deal ends (Replaced).
type PlayerLeft struct {
	Seat     int
	Player   string
	Replaced bool
}

// TableClosed says the table is gone: no player is left at it.
type TableClosed struct{}

func (PlayerJoined) Type() string { return "playerJoined" }
func (PlayerLeft) Type() string   { return "playerLeft" }
func (TableClosed) Type() string  { return "tableClosed" }
