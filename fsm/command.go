package fsm

import (
	"encoding/json"
	"errors"
	"fmt"

	"tableraft/game"
)

// Op is what a replicated command does.
type Op string

// The ops. Player ops carry the player and their seq; system ops come from
// the leader's duties (timers, bots, the result writer).
const (
	OpCreateTable  Op = "createTable"  // player: create a table and sit down
	OpJoinTable    Op = "joinTable"    // player: take a free seat
	OpLeaveTable   Op = "leaveTable"   // player: leave (a bot plays on until the deal ends)
	OpGame         Op = "game"         // player: a game command for their seat
	OpStartDeal    Op = "startDeal"    // system: the next deal of a full, idle table
	OpTimeout      Op = "timeout"      // system: a stage timer fired
	OpBotMove      Op = "botMove"      // system: a bot (or the turn timer) acts for a seat
	OpResultStored Op = "resultStored" // system: results are durable in PostgreSQL
	OpNodeInfo     Op = "nodeInfo"     // system: where a node serves players and operators
)

// Command is one entry of the replicated log. The leader fills Now (its
// clock, Unix ms) and Seed (from a CSPRNG) before proposing, so that Apply
// never reads a clock or a random source. Fields an op does not use are
// zero and left out of the encoding.
type Command struct {
	Op     Op
	Player string
	Seq    uint64
	Table  int64
	Now    int64
	Seed   game.Seed

	// OpCreateTable.
	Game        game.Kind
	Options     game.Options
	Bots        int
	FirstDealer int

	// OpGame and OpBotMove: the game command; OpBotMove also names the
	// seat and the prompt serial it was chosen for (a stale one is
	// dropped). OpTimeout uses Serial.
	Action game.Command
	Seat   int
	Serial int64

	// OpResultStored.
	GameIDs []string

	// OpNodeInfo.
	Node NodeInfo
}

// The encoding: one version byte, then JSON. JSON keeps the log readable
// with standard tools; the benchmarks in docs/BENCHMARKS.md show that it
// costs a few microseconds against a Raft commit's milliseconds.
const encodingV1 = 1

// ErrBadCommand: a log entry that cannot be decoded (unknown version,
// malformed body). Apply answers it with an error and changes nothing.
var ErrBadCommand = errors.New("fsm: bad command")

// wireCommand is Command as encoded. The game command is flattened into
// wireAction so that the encoding has no interface values.
type wireCommand struct {
	Op          Op            `json:"op"`
	Player      string        `json:"p,omitempty"`
	Seq         uint64        `json:"q,omitempty"`
	Table       int64         `json:"t,omitempty"`
	Now         int64         `json:"n,omitempty"`
	Seed        *game.Seed    `json:"s,omitempty"`
	Game        game.Kind     `json:"g,omitempty"`
	Options     *game.Options `json:"o,omitempty"`
	Bots        int           `json:"b,omitempty"`
	FirstDealer int           `json:"d,omitempty"`
	Action      *wireAction   `json:"a,omitempty"`
	Seat        int           `json:"st,omitempty"`
	Serial      int64         `json:"sr,omitempty"`
	GameIDs     []string      `json:"ids,omitempty"`
	Node        *NodeInfo     `json:"node,omitempty"`
}

// wireAction is a game.Command with its type name.
type wireAction struct {
	Type        string        `json:"y"`
	Card        game.Card     `json:"c,omitzero"`
	Marriage    bool          `json:"m,omitempty"`
	Contract    game.Contract `json:"k,omitempty"`
	Ace         game.Card     `json:"a,omitzero"`
	Suit        game.Suit     `json:"u,omitempty"`
	Aufschlagen bool          `json:"f,omitempty"`
}

// Encode returns the log entry bytes of c.
func (c Command) Encode() ([]byte, error) {
	w := wireCommand{
		Op: c.Op, Player: c.Player, Seq: c.Seq, Table: c.Table, Now: c.Now,
		Game: c.Game, Bots: c.Bots, FirstDealer: c.FirstDealer,
		Seat: c.Seat, Serial: c.Serial, GameIDs: c.GameIDs,
	}
	if c.Seed != (game.Seed{}) {
		w.Seed = &c.Seed
	}
	if c.Options != (game.Options{}) {
		w.Options = &c.Options
	}
	if c.Node != (NodeInfo{}) {
		w.Node = &c.Node
	}
	if c.Action != nil {
		a, err := encodeAction(c.Action)
		if err != nil {
			return nil, err
		}
		w.Action = &a
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("encode command: %w", err)
	}
	return append([]byte{encodingV1}, b...), nil
}

// DecodeCommand reads a log entry written by Encode.
func DecodeCommand(b []byte) (Command, error) {
	if len(b) == 0 || b[0] != encodingV1 {
		return Command{}, fmt.Errorf("%w: unknown encoding version", ErrBadCommand)
	}
	var w wireCommand
	if err := json.Unmarshal(b[1:], &w); err != nil {
		return Command{}, fmt.Errorf("%w: %v", ErrBadCommand, err)
	}
	c := Command{
		Op: w.Op, Player: w.Player, Seq: w.Seq, Table: w.Table, Now: w.Now,
		Game: w.Game, Bots: w.Bots, FirstDealer: w.FirstDealer,
		Seat: w.Seat, Serial: w.Serial, GameIDs: w.GameIDs,
	}
	if w.Seed != nil {
		c.Seed = *w.Seed
	}
	if w.Options != nil {
		c.Options = *w.Options
	}
	if w.Node != nil {
		c.Node = *w.Node
	}
	if w.Action != nil {
		a, err := decodeAction(*w.Action)
		if err != nil {
			return Command{}, err
		}
		c.Action = a
	}
	return c, nil
}

func encodeAction(cmd game.Command) (wireAction, error) {
	w := wireAction{Type: cmd.Name()}
	switch c := cmd.(type) {
	case game.PlayCard:
		w.Card, w.Marriage = c.Card, c.Marriage
	case game.Announce:
		w.Contract, w.Ace, w.Suit = c.Game, c.Ace, c.Suit
	case game.CallTrump:
		w.Suit, w.Aufschlagen = c.Suit, c.Aufschlagen
	case game.Knock, game.NoKnock, game.Pass, game.Kontra, game.Re,
		game.ExchangeTrump, game.CloseTalon, game.Cut:
	default:
		// StartDeal and Timeout are ops of their own, never player actions.
		return w, fmt.Errorf("%w: %s is not a seat action", ErrBadCommand, cmd.Name())
	}
	return w, nil
}

func decodeAction(w wireAction) (game.Command, error) {
	switch w.Type {
	case "playACard":
		return game.PlayCard{Card: w.Card, Marriage: w.Marriage}, nil
	case "announce":
		return game.Announce{Game: w.Contract, Ace: w.Ace, Suit: w.Suit}, nil
	case "callTrump":
		return game.CallTrump{Suit: w.Suit, Aufschlagen: w.Aufschlagen}, nil
	}
	if cmd, ok := game.CommandByName(w.Type); ok {
		return cmd, nil
	}
	return nil, fmt.Errorf("%w: unknown action %q", ErrBadCommand, w.Type)
}
