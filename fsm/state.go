package fsm

import (
	"tableraft/game"
)

// Seat is one chair at a table. A free seat has no Player and no Bot. A
// player who leaves during a deal stays in the seat with Away set: the bot
// plays for them until the deal ends, then the seat is freed.
type Seat struct {
	Player string `json:",omitempty"`
	Bot    bool   `json:",omitempty"`
	Away   bool   `json:",omitempty"`
}

// Free reports whether nobody sits here.
func (s Seat) Free() bool { return s.Player == "" && !s.Bot }

// BotPlays reports whether the server's bot acts for this seat.
func (s Seat) BotPlays() bool { return s.Bot || s.Away }

// tableState is one table of the replicated state.
type tableState struct {
	ID        int64
	Seats     []Seat
	Event     int64 // the number of the table's last event
	EventAt   int64 `json:",omitempty"` // Now of the command that emitted it
	DealStart int64 // Now of the command that started the current deal
	Table     *game.Table
}

// full reports whether every seat is taken.
func (t *tableState) full() bool {
	for _, s := range t.Seats {
		if s.Free() {
			return false
		}
	}
	return true
}

// seatOf returns the seat of player, or -1. The empty name is nobody's
// (bot seats have no player name).
func (t *tableState) seatOf(player string) int {
	if player == "" {
		return -1
	}
	for i, s := range t.Seats {
		if s.Player == player {
			return i
		}
	}
	return -1
}

// humans counts seats held by players who have not left.
func (t *tableState) humans() int {
	n := 0
	for _, s := range t.Seats {
		if s.Player != "" && !s.Away {
			n++
		}
	}
	return n
}

// players returns the seat holders' names for results ("bot" for bots).
func (t *tableState) players() []string {
	out := make([]string, len(t.Seats))
	for i, s := range t.Seats {
		switch {
		case s.Player != "":
			out[i] = s.Player
		case s.Bot:
			out[i] = "bot"
		}
	}
	return out
}

// NodeInfo is where a node serves: its HTTP address (players' WebSocket,
// status, admin) and its TCP player address. Nodes publish it through the
// log so that every node can point clients and operators at the leader.
type NodeInfo struct {
	ID   string `json:"id"`
	HTTP string `json:"http,omitempty"`
	TCP  string `json:"tcp,omitempty"`
}

// Result is a finished deal waiting in the outbox until the leader's result
// writer has stored it durably.
type Result struct {
	GameID    string
	Table     int64
	Game      game.Kind
	Options   game.Options
	DealNo    int
	Dealer    int
	Players   []string
	StartedAt int64         // Unix ms
	EndedAt   int64         // Unix ms
	Contract  game.Contract `json:",omitempty"`
	// Exactly one of Schafkopf, Schnapsen and Bauernschnapsen holds the
	// deal's result event.
	Schafkopf       *game.SchafkopfResult       `json:",omitempty"`
	Schnapsen       *game.SchnapsenResult       `json:",omitempty"`
	Bauernschnapsen *game.BauernschnapsenResult `json:",omitempty"`
}

// seqWindow remembers the outcomes of a player's most recent commands, so
// a retried seq is answered, not applied again.
type seqWindow struct {
	Player   string
	Outcomes []Outcome // ascending by Seq, at most DedupWindow
}

// Outcome is what a player command came to: the ack (Table, Event) or the
// refusal Code.
type Outcome struct {
	Seq   uint64
	Table int64  `json:",omitempty"`
	Event int64  `json:",omitempty"`
	Code  string `json:",omitempty"`
	Msg   string `json:",omitempty"`
}

// DedupWindow is how many recent seqs per player are remembered. A client
// retries only its in-flight commands, so a small window suffices; a seq
// older than the window is refused as staleSeq rather than risk applying it
// twice.
const DedupWindow = 64

// lookup returns the outcome recorded for seq, and whether seq is too old
// to know.
func (w *seqWindow) lookup(seq uint64) (o Outcome, found, stale bool) {
	for _, o := range w.Outcomes {
		if o.Seq == seq {
			return o, true, false
		}
	}
	if len(w.Outcomes) == DedupWindow && seq < w.Outcomes[0].Seq {
		return Outcome{}, false, true
	}
	return Outcome{}, false, false
}

// record keeps o, dropping the oldest outcome past the window.
func (w *seqWindow) record(o Outcome) {
	i := len(w.Outcomes)
	for i > 0 && w.Outcomes[i-1].Seq > o.Seq {
		i--
	}
	w.Outcomes = append(w.Outcomes, Outcome{})
	copy(w.Outcomes[i+1:], w.Outcomes[i:])
	w.Outcomes[i] = o
	if len(w.Outcomes) > DedupWindow {
		w.Outcomes = append(w.Outcomes[:0], w.Outcomes[1:]...)
	}
}
