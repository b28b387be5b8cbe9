package client

import (
	"encoding/json"

	"tableraft/transport/codec"
)

// Request is a client message that carries a seq: a lobby request or a
// game command. The client fills Seq. Build one with the functions below.
type Request struct {
	wire requestWire
}

// Options are a new table's options.
type Options struct {
	ShortDeck     bool  `json:"shortDeck,omitempty"`
	TurnTimeoutMs int64 `json:"turnTimeoutMs,omitempty"`
}

type requestWire struct {
	Type        string   `json:"type"`
	Seq         int64    `json:"seq"`
	Table       int64    `json:"table,omitempty"`
	Game        string   `json:"game,omitempty"`
	Options     *Options `json:"options,omitempty"`
	Bots        int      `json:"bots,omitempty"`
	Card        string   `json:"card,omitempty"`
	Marriage    bool     `json:"marriage,omitempty"`
	Ace         string   `json:"ace,omitempty"`
	Suit        string   `json:"suit,omitempty"`
	Aufschlagen bool     `json:"aufschlagen,omitempty"`
}

// Type is the request's wire type.
func (r Request) Type() string { return r.wire.Type }

// Table is the table the request names (0 for none).
func (r Request) Table() int64 { return r.wire.Table }

func (r Request) encode(seq int64) []byte {
	w := r.wire
	w.Seq = seq
	b, _ := json.Marshal(w) // plain strings, numbers and booleans always encode
	return b
}

// replicated reports whether the request changes the replicated state
// (and so is deduplicated by seq); listTables and sync are not.
func (r Request) replicated() bool {
	return r.wire.Type != "listTables" && r.wire.Type != "sync"
}

// ListTables asks for the table list (answered by "tables").
func ListTables() Request { return Request{requestWire{Type: "listTables"}} }

// CreateTable creates a table of game ("schafkopf", "schnapsen") with bots
// server bots and sits down; the ack names the table.
func CreateTable(game string, bots int, opts Options) Request {
	w := requestWire{Type: "createTable", Game: game, Bots: bots}
	if opts != (Options{}) {
		w.Options = &opts
	}
	return Request{w}
}

// JoinTable takes a free seat at table.
func JoinTable(table int64) Request { return Request{requestWire{Type: "joinTable", Table: table}} }

// LeaveTable leaves table.
func LeaveTable(table int64) Request { return Request{requestWire{Type: "leaveTable", Table: table}} }

// Sync asks for table's full state (answered by "tableState").
func Sync(table int64) Request { return Request{requestWire{Type: "sync", Table: table}} }

// Command is a game command at table, in the codec's wire form (its Seq
// and Table are ignored): codec.GameCommand{Name: "playACard", Card: "XH"}.
func Command(table int64, c codec.GameCommand) Request {
	return Request{requestWire{
		Type: c.Name, Table: table, Card: c.Card, Marriage: c.Marriage,
		Game: c.Game, Ace: c.Ace, Suit: c.Suit, Aufschlagen: c.Aufschlagen,
	}}
}

// Play plays card at table.
func Play(table int64, card string) Request {
	return Command(table, codec.GameCommand{Name: "playACard", Card: card})
}

// Act sends a game command without fields ("knock", "noKnock", "pass",
// "kontra", "re", "exchangeTrump", "closeTalon", "cut") at table.
func Act(table int64, typ string) Request {
	return Command(table, codec.GameCommand{Name: typ})
}
