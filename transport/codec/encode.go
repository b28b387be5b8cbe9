package codec

import (
	"time"

	"tableraft/game"
)

// Encoder writes server messages for one game's notation. It holds every
// card and suit string of that notation, so formatting allocates nothing.
// An Encoder is immutable and safe for concurrent use; make one per game
// (or per table) with NewEncoder.
type Encoder struct {
	cards [game.NumSuits][game.Seven + 1]string
	suits [game.NumSuits]string
}

// NewEncoder returns the encoder of notation n (a table's Notation()).
func NewEncoder(n game.Notation) *Encoder {
	e := &Encoder{}
	for s := game.Suit(0); s < game.NumSuits; s++ {
		e.suits[s] = n.FormatSuit(s)
		for r := game.Ace; r <= game.Seven; r++ {
			e.cards[s][r] = n.Format(game.Card{Rank: r, Suit: s})
		}
	}
	return e
}

// Format writes c in the encoder's notation; NoCard (or any invalid card)
// is "". It gives the same strings as game.Notation.Format.
func (e *Encoder) Format(c game.Card) string {
	if !c.Valid() {
		return ""
	}
	return e.cards[c.Suit][c.Rank]
}

// FormatSuit writes a suit letter in the encoder's notation.
func (e *Encoder) FormatSuit(s game.Suit) string {
	if s >= game.NumSuits {
		return ""
	}
	return e.suits[s]
}

// formatCards writes a list of cards; nil for none, so that an omitempty
// field disappears.
func (e *Encoder) formatCards(cs []game.Card) []string {
	if len(cs) == 0 {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = e.Format(c)
	}
	return out
}

// DeadlineLayout is the format of every deadline on the wire: RFC 3339 in
// UTC with exactly three fractional digits ("2026-03-01T18:04:05.250Z").
const DeadlineLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatDeadline writes a deadline given in Unix milliseconds the way the
// wire carries it.
func FormatDeadline(unixMs int64) string {
	return time.UnixMilli(unixMs).UTC().Format(DeadlineLayout)
}

// deadline writes a Unix-ms deadline for an omitempty field: "" (left out)
// for 0, which means "no timer".
func deadline(unixMs int64) string {
	if unixMs == 0 {
		return ""
	}
	return FormatDeadline(unixMs)
}

// optSeat is a seat number that is left out (omitzero) when negative, the
// game package's "none" (no turn, no partner, an observer).
type optSeat int

func (s optSeat) IsZero() bool { return s < 0 }

// The session messages (server -> client).

type welcomeWire struct {
	Type     string `json:"type"`
	Player   string `json:"player"`
	Node     string `json:"node"`
	Protocol int    `json:"protocol"`
}

// EncodeWelcome answers a valid hello: the authenticated player and the
// node that serves the session.
func EncodeWelcome(player, node string) []byte {
	return mustMarshal(welcomeWire{Type: "welcome", Player: player, Node: node, Protocol: ProtocolVersion})
}

type reconnectWire struct {
	Type    string `json:"type"`
	Reason  string `json:"reason"`
	RetryMs int64  `json:"retryMs"`
}

// The reasons of a reconnect message.
const (
	ReasonLeaderChanged = "leaderChanged" // this node is no longer the leader
	ReasonShutdown      = "shutdown"      // this node is stopping
)

// EncodeReconnect tells the client that this node stops serving it and to
// connect again (through haproxy) after retryMs.
func EncodeReconnect(reason string, retryMs int64) []byte {
	return mustMarshal(reconnectWire{Type: "reconnect", Reason: reason, RetryMs: retryMs})
}

type errorWire struct {
	Type    string `json:"type"`
	Seq     int64  `json:"seq,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// EncodeError refuses the command seq (0, and left out, when the refused
// message had no readable seq) with a stable code and a message for a
// person.
func EncodeError(seq int64, code, message string) []byte {
	return mustMarshal(errorWire{Type: "error", Seq: seq, Code: code, Message: message})
}

type ackWire struct {
	Type  string `json:"type"`
	Seq   int64  `json:"seq"`
	Table int64  `json:"table,omitempty"`
	Event int64  `json:"event,omitempty"`
}

// EncodeAck confirms that command seq is committed; its events up to event
// at table follow. Table and event are left out when 0 (a command that
// produced no event).
func EncodeAck(seq, table, event int64) []byte {
	return mustMarshal(ackWire{Type: "ack", Seq: seq, Table: table, Event: event})
}

// EncodePong answers a ping.
func EncodePong() []byte { return []byte(`{"type":"pong"}`) }

// TableInfo is one entry of the table list.
type TableInfo struct {
	Table int64
	Game  game.Kind
	// Seats holds the player in each seat ("bot" for a server bot), ""
	// for a free seat, which goes on the wire as null.
	Seats []string
}

type tableInfoWire struct {
	Table int64     `json:"table"`
	Game  string    `json:"game"`
	Seats []*string `json:"seats"`
}

type tablesWire struct {
	Type   string          `json:"type"`
	Seq    int64           `json:"seq,omitempty"`
	Tables []tableInfoWire `json:"tables"`
}

// EncodeTables answers listTables seq with the table list.
func EncodeTables(seq int64, tables []TableInfo) []byte {
	w := tablesWire{Type: "tables", Seq: seq, Tables: make([]tableInfoWire, len(tables))}
	for i, t := range tables {
		w.Tables[i] = tableInfoWire{Table: t.Table, Game: string(t.Game), Seats: seatNames(t.Seats, len(t.Seats))}
	}
	return mustMarshal(w)
}

// seatNames gives the wire form of n seats' players: null for a free seat
// ("" or missing from names).
func seatNames(names []string, n int) []*string {
	out := make([]*string, n)
	for i := range out {
		if i < len(names) && names[i] != "" {
			out[i] = &names[i]
		}
	}
	return out
}

// The lobby events, which the fsm records in a table's event stream
// beside the game's events.

type playerWire struct {
	eventHeader
	Seat   int    `json:"seat"`
	Player string `json:"player"`
}

// EncodePlayerJoined says player took seat at table (event number event).
func EncodePlayerJoined(table, event int64, seat int, player string) []byte {
	return mustMarshal(playerWire{eventHeader{"playerJoined", table, event}, seat, player})
}

// EncodePlayerLeft says player left seat at table.
func EncodePlayerLeft(table, event int64, seat int, player string) []byte {
	return mustMarshal(playerWire{eventHeader{"playerLeft", table, event}, seat, player})
}

// EncodeTableClosed says the table is closed; no events follow.
func EncodeTableClosed(table, event int64) []byte {
	return mustMarshal(eventHeader{"tableClosed", table, event})
}
