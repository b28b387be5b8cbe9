package game

import (
	"encoding/json"
	"fmt"
)

// Kind names a game ("schafkopf", "schnapsen", "bauernschnapsen").
type Kind string

// The games.
const (
	KindSchafkopf       Kind = "schafkopf"
	KindSchnapsen       Kind = "schnapsen"
	KindBauernschnapsen Kind = "bauernschnapsen"
)

// DefaultTurnTimeoutMs is the turn timer of a table whose options set none.
const DefaultTurnTimeoutMs = 30_000

// Options are the table modifications the stages read.
type Options struct {
	// ShortDeck plays Schafkopf with the 24-card short deck (the seed's
	// short_hand modification).
	ShortDeck bool `json:"shortDeck,omitempty"`
	// TurnTimeoutMs is how long a seat has for a move before its deadline
	// passes; 0 means DefaultTurnTimeoutMs. The knock and cut windows are
	// fixed by the rules (5 s).
	TurnTimeoutMs int64 `json:"turnTimeoutMs,omitempty"`
}

// Config creates a table.
type Config struct {
	Game    Kind
	Options Options
	// FirstDealer is the seat that deals first. The rules want it random:
	// the caller (the leader) draws it, so the table stays deterministic.
	FirstDealer int
}

// rules is what makes a game: its seats, cards, stage list and views. A new
// game is a new rules value, not a new state machine.
type rules interface {
	seats(o Options) int
	notation() Notation
	deck(o Options) []Card
	stages(o Options) []Stage
	// newDeal fills the game's own part of a fresh deal.
	newDeal(t *Table)
	// view fills the game's own part of seat's view.
	view(t *Table, seat int, v *View)
	// validate checks the game's own part of a decoded table (its match,
	// its deal in play) against the invariants its stages keep, so that
	// no method of the table can fail on it (validate.go).
	validate(t *Table) error
}

// gameRules maps each Kind to its rules.
var gameRules = map[Kind]rules{
	KindSchafkopf:       schafkopfRules{},
	KindSchnapsen:       schnapsenRules{},
	KindBauernschnapsen: bauernRules{},
}

// Table is one card table: a game, its options, the running balances and
// the deal in progress. It is a deterministic state machine: Handle with the
// same actions gives the same table and the same events, byte for byte.
// A Table is not safe for concurrent use; its owner (the FSM) serializes.
type Table struct {
	d      tableData
	rules  rules
	stages []Stage
	seats  int
	out    []Event
}

// tableData is the whole mutable state of a table: what snapshots save.
type tableData struct {
	Game     Kind
	Options  Options
	Playing  bool
	DealNo   int // deals started so far
	Dealer   int
	Stage    int   // index into the stage list while playing
	Serial   int64 // grows whenever a deadline is armed
	Deadline int64 // Unix ms of the current prompt's timer; 0 = none
	// Balances per seat. Schafkopf: cents; Schnapsen: game points of the
	// running Bummerl; Bauernschnapsen: the match points of the seat's
	// team (both partners carry the same number).
	Balances []int
	// Bummerl each seat has got (Schnapsen; Bauernschnapsen: per seat,
	// both partners alike).
	Bummerl []int
	// Match holds what a game remembers across deals beyond Balances and
	// Bummerl; zero (and left out of the encoding) for games that need
	// nothing.
	Match Match `json:",omitzero"`
	Deal  Deal
}

// Match is the state of the running match that outlives a deal. Like
// Deal, each game that needs one keeps its own part in its field; the
// game's rules create it when they first need it.
type Match struct {
	Bauernschnapsen *bauernMatch `json:",omitempty"`
}

// Deal is the state of the deal in progress. The common part serves every
// game; each game keeps its own part in its field.
type Deal struct {
	Deck     []Card // the deck as dealt, index 0 first
	Next     int    // the next deck index to deal
	Forehand int
	Hands    [][]Card
	Turn     int // the seat to act, -1 when several or none
	Leader   int // the seat that led the current trick
	Trick    []Played
	TrickNo  int   // tricks completed
	Tricks   []int // tricks won per seat
	Points   []int // card points won per seat

	Schafkopf       *schafkopfDeal `json:",omitempty"`
	Schnapsen       *schnapsenDeal `json:",omitempty"`
	Bauernschnapsen *bauernDeal    `json:",omitempty"`
}

// NewTable creates an idle table.
func NewTable(cfg Config) (*Table, error) {
	r, ok := gameRules[cfg.Game]
	if !ok {
		return nil, refuse(ErrBadOptions, "unknown game %q", cfg.Game)
	}
	if cfg.Options.TurnTimeoutMs < 0 {
		return nil, refuse(ErrBadOptions, "turnTimeoutMs must not be negative")
	}
	if cfg.Options.ShortDeck && cfg.Game != KindSchafkopf {
		return nil, refuse(ErrBadOptions, "shortDeck is a Schafkopf option")
	}
	n := r.seats(cfg.Options)
	if cfg.FirstDealer < 0 || cfg.FirstDealer >= n {
		return nil, refuse(ErrBadOptions, "first dealer %d is not a seat", cfg.FirstDealer)
	}
	t := &Table{rules: r, seats: n, stages: r.stages(cfg.Options)}
	t.d = tableData{
		Game:     cfg.Game,
		Options:  cfg.Options,
		Dealer:   cfg.FirstDealer,
		Balances: make([]int, n),
		Bummerl:  make([]int, n),
	}
	return t, nil
}

// SeatsOf returns the number of seats of a game with options.
func SeatsOf(kind Kind, o Options) (int, error) {
	r, ok := gameRules[kind]
	if !ok {
		return 0, refuse(ErrBadOptions, "unknown game %q", kind)
	}
	return r.seats(o), nil
}

// Game returns the table's game.
func (t *Table) Game() Kind { return t.d.Game }

// Options returns the table's options.
func (t *Table) Options() Options { return t.d.Options }

// Seats returns the number of seats.
func (t *Table) Seats() int { return t.seats }

// Notation returns the card alphabet of the table's game.
func (t *Table) Notation() Notation { return t.rules.notation() }

// Playing reports whether a deal is in progress.
func (t *Table) Playing() bool { return t.d.Playing }

// Dealer returns the dealer of the current deal, or of the next one when
// idle.
func (t *Table) Dealer() int { return t.d.Dealer }

// DealNo returns how many deals were started at this table.
func (t *Table) DealNo() int { return t.d.DealNo }

// Balances returns a copy of the running balances per seat.
func (t *Table) Balances() []int { return append([]int(nil), t.d.Balances...) }

// StageName returns the wire name of the current stage, or "idle".
func (t *Table) StageName() string {
	if !t.d.Playing {
		return "idle"
	}
	return t.stages[t.d.Stage].Name()
}

// Prompt is the timer of the current stage: the leader arms a timer for
// Deadline and, when it fires, sends Timeout{Serial}.
type Prompt struct {
	Serial   int64
	Deadline int64 // Unix ms; 0 = no timer
	Turn     int   // the seat to act, -1 when several or none
}

// Prompt returns the current timer and turn.
func (t *Table) Prompt() Prompt {
	if !t.d.Playing {
		return Prompt{Serial: t.d.Serial, Turn: -1}
	}
	return Prompt{Serial: t.d.Serial, Deadline: t.d.Deadline, Turn: t.d.Deal.Turn}
}

// Handle applies one action and returns the events it caused. An illegal
// action returns a *Refusal and leaves the table exactly as it was. A stale
// Timeout is no refusal: it returns no events and changes nothing.
func (t *Table) Handle(a Action) ([]Event, error) {
	// Most actions cause a few events; one allocation up front saves the
	// slice's growth steps on the hot path.
	t.out = make([]Event, 0, 6)
	switch cmd := a.Cmd.(type) {
	case StartDeal:
		if a.Seat != SystemSeat {
			return nil, refuse(ErrWrongStage, "deals start by themselves")
		}
		return t.startDeal(cmd, a.Now)
	case Timeout:
		if a.Seat != SystemSeat || !t.d.Playing || cmd.Serial != t.d.Serial || t.d.Deadline == 0 {
			return nil, nil
		}
	case nil:
		return nil, refuse(ErrWrongStage, "no command")
	default:
		if a.Seat < 0 || a.Seat >= t.seats {
			return nil, refuse(ErrNotSeated, "seat %d does not exist at a %d-seat table", a.Seat, t.seats)
		}
	}
	if !t.d.Playing {
		return nil, refuse(ErrNotPlaying, "the next deal has not started")
	}
	step, err := t.stages[t.d.Stage].Handle(t, a)
	if err != nil {
		t.out = nil
		return nil, err
	}
	t.advance(step, a.Now)
	return t.takeEvents(), nil
}

// Legal lists the commands seat may send now. It is empty when seat has
// nothing to do.
func (t *Table) Legal(seat int) []Command {
	if !t.d.Playing || seat < 0 || seat >= t.seats {
		return nil
	}
	return t.stages[t.d.Stage].Legal(t, seat, nil)
}

func (t *Table) startDeal(cmd StartDeal, now int64) ([]Event, error) {
	if t.d.Playing {
		return nil, refuse(ErrAlreadyPlaying, "deal %d is still running", t.d.DealNo)
	}
	want := t.rules.deck(t.d.Options)
	deck := want
	if cmd.Deck != nil {
		if !isPermutation(cmd.Deck, want) {
			return nil, refuse(ErrBadDeck, "a %s deck has %d distinct cards", t.d.Game, len(want))
		}
		deck = append([]Card(nil), cmd.Deck...)
	} else {
		Shuffle(deck, cmd.Seed)
	}
	t.d.Playing = true
	t.d.DealNo++
	t.d.Stage = 0
	t.d.Deadline = 0
	t.d.Deal = Deal{
		Deck:     deck,
		Forehand: (t.d.Dealer + 1) % t.seats,
		Hands:    make([][]Card, t.seats),
		Turn:     -1,
		Leader:   -1,
		Tricks:   make([]int, t.seats),
		Points:   make([]int, t.seats),
	}
	t.rules.newDeal(t)
	t.emit(GameStarted{Deal: t.d.DealNo, Dealer: t.d.Dealer, TrumpCard: t.trumpCardAtStart()})
	t.advance(t.stages[0].Enter(t, now), now)
	return t.takeEvents(), nil
}

// trumpCardAtStart is the face-up trump card known when the deal starts.
func (t *Table) trumpCardAtStart() Card {
	if s := t.d.Deal.Schnapsen; s != nil {
		return s.TrumpCard
	}
	return NoCard
}

// advance walks the stage list after a step: entering each next stage
// until one stays, or ending the deal.
func (t *Table) advance(step Step, now int64) {
	for step == Next {
		t.d.Stage++
		t.d.Deadline = 0
		step = t.stages[t.d.Stage].Enter(t, now)
	}
	if step == End {
		t.d.Playing = false
		t.d.Deadline = 0
		t.d.Deal.Turn = -1
		t.d.Dealer = (t.d.Dealer + 1) % t.seats
	}
}

// emit records an event of the action being handled.
func (t *Table) emit(e Event) { t.out = append(t.out, e) }

func (t *Table) takeEvents() []Event {
	out := t.out
	t.out = nil
	if len(out) == 0 {
		return nil
	}
	return out
}

// armTimer sets the current prompt's deadline to now+ms and gives it a new
// serial, so timeouts armed for earlier prompts go stale.
func (t *Table) armTimer(now, ms int64) int64 {
	t.d.Serial++
	t.d.Deadline = now + ms
	return t.d.Deadline
}

// turnTimeout is the table's per-move time.
func (t *Table) turnTimeout() int64 {
	if t.d.Options.TurnTimeoutMs > 0 {
		return t.d.Options.TurnTimeoutMs
	}
	return DefaultTurnTimeoutMs
}

// MarshalJSON encodes the whole table state. The encoding is deterministic:
// equal tables encode to equal bytes.
func (t *Table) MarshalJSON() ([]byte, error) { return json.Marshal(&t.d) }

// UnmarshalJSON restores a table encoded by MarshalJSON. It refuses a
// state the rules cannot reach (validate.go) and then leaves t as it was:
// a snapshot is data from elsewhere, and a node must never crash on it.
func (t *Table) UnmarshalJSON(b []byte) error {
	c, err := decodeTable(b)
	if err != nil {
		return fmt.Errorf("decode table: %w", err)
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("decode table: %w", err)
	}
	*t = *c
	return nil
}

// decodeTable decodes an encoded table and rebuilds its stage list,
// without validating the state.
func decodeTable(b []byte) (*Table, error) {
	var d tableData
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	r, ok := gameRules[d.Game]
	if !ok {
		return nil, fmt.Errorf("unknown game %q", d.Game)
	}
	stages := r.stages(d.Options)
	if d.Playing && (d.Stage < 0 || d.Stage >= len(stages)) {
		return nil, fmt.Errorf("stage %d out of range", d.Stage)
	}
	return &Table{d: d, rules: r, seats: r.seats(d.Options), stages: stages}, nil
}

// Clone returns a deep copy of the table. It does not validate: the
// table's own state is one the rules reached, and a check that wrongly
// refused it would turn into a crash here.
func (t *Table) Clone() *Table {
	b, err := t.MarshalJSON()
	if err != nil {
		panic(fmt.Sprintf("game: clone: %v", err)) // plain data always encodes
	}
	c, err := decodeTable(b)
	if err != nil {
		panic(fmt.Sprintf("game: clone: %v", err))
	}
	return c
}
