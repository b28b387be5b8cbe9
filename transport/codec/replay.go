package codec

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"

	"tableraft/game"
)

// A replay file runs the game engine offline on a fixed deck (for support,
// tests and rule questions); docs/PROTOCOL.md "Replay files" describes it.

// ReplayStepMs is the clock of a replay: the deal starts at Unix time 0
// and action i happens at (i+1)*ReplayStepMs, so deadlines in the output
// are the same on every run.
const ReplayStepMs = 1000

// ErrInvalidReplay is wrapped by every error that makes a replay file
// invalid as a whole: not a JSON object, an unknown game, bad options, a
// dealer who is no seat, a deck that is not the game's.
var ErrInvalidReplay = errors.New("invalid replay file")

// Replay is a decoded replay file.
type Replay struct {
	Game    game.Kind
	Options game.Options
	Dealer  int
	// Deck holds the card codes as written, index 0 first; Run reads them
	// with the game's notation.
	Deck    []string
	Actions []ReplayAction
}

// ReplayAction is one action of a replay file: a game command from Seat,
// or the current stage timer firing.
type ReplayAction struct {
	Seat    int
	Timeout bool
	Command GameCommand
	// Err is set when the action itself is malformed (not an object, an
	// unknown type, a missing field). Such an action is refused when the
	// replay runs, like a command the table refuses; the file stays valid.
	Err *Error
}

// DecodeReplay reads a replay file. Unknown top-level keys and unknown
// fields of an action are ignored. Errors wrap ErrInvalidReplay.
func DecodeReplay(b []byte) (*Replay, error) {
	o, perr := parseObject(b)
	if perr != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidReplay, perr.Message)
	}
	r := &Replay{Game: game.Kind(o.needStr("game"))}
	r.Options = decodeOptions(&o)
	dealer, ok := o.integer("dealer")
	if !ok && o.err == nil {
		o.failf("missing field %q", "dealer")
	}
	r.Dealer = int(dealer)
	if !o.has("deck") && o.err == nil {
		o.failf("missing field %q", "deck")
	}
	for i, raw := range o.list("deck") {
		var code string
		o.decode(fmt.Sprintf("deck[%d]", i), raw, &code, "a card code string")
		r.Deck = append(r.Deck, code)
	}
	actions := o.list("actions")
	if o.err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidReplay, o.err.Message)
	}
	r.Actions = make([]ReplayAction, len(actions))
	for i, raw := range actions {
		r.Actions[i] = decodeAction(raw)
	}
	return r, nil
}

// decodeAction reads one action; a malformed one carries its error.
func decodeAction(b []byte) ReplayAction {
	o, err := parseObject(b)
	if err != nil {
		return ReplayAction{Err: badMessage("an action must be a JSON object")}
	}
	typ := o.needStr("type")
	if typ == "timeout" {
		return ReplayAction{Timeout: true}
	}
	seat, ok := o.integer("seat")
	if !ok && o.err == nil {
		o.failf("missing field %q", "seat")
	}
	a := ReplayAction{Seat: int(seat)}
	if o.err == nil && !isCommand(typ) {
		o.failf("unknown command type %q", typ)
	}
	if o.err == nil {
		decodeCommand(&o, typ, &a.Command)
	}
	a.Err = o.err
	return a
}

type replayStatusWire struct {
	I    int    `json:"i"`
	OK   bool   `json:"ok"`
	Code string `json:"code,omitempty"`
}

// Run plays the replay and writes its JSON lines to w: the events of the
// deal's start, then for each action its status line followed by the
// events it caused. Events are unredacted, numbered from 1 and carry no
// table id. An invalid file gives an error wrapping ErrInvalidReplay
// before anything is written; a refused action is no error.
func (r *Replay) Run(w io.Writer) error {
	t, err := game.NewTable(game.Config{Game: r.Game, Options: r.Options, FirstDealer: r.Dealer})
	if err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidReplay, describe(err))
	}
	n := t.Notation()
	deck := make([]game.Card, len(r.Deck))
	for i, code := range r.Deck {
		if deck[i], err = n.Parse(code); err != nil {
			return fmt.Errorf("%w: deck[%d]: %q is not a %s card", ErrInvalidReplay, i, code, r.Game)
		}
	}
	events, err := t.Handle(game.Action{Seat: game.SystemSeat, Cmd: game.StartDeal{Deck: deck}})
	if err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidReplay, describe(err))
	}
	p := replayPrinter{out: bufio.NewWriter(w), enc: NewEncoder(n)}
	p.events(events)
	for i, a := range r.Actions {
		events, err := a.apply(t, n, int64(i+1)*ReplayStepMs)
		status := replayStatusWire{I: i, OK: err == nil}
		if err != nil {
			status.Code = codeOf(err)
		}
		p.line(mustMarshal(status))
		p.events(events)
	}
	if p.err != nil {
		return p.err
	}
	return p.out.Flush()
}

// apply hands one action to the table at time now.
func (a *ReplayAction) apply(t *game.Table, n game.Notation, now int64) ([]game.Event, error) {
	if a.Err != nil {
		return nil, a.Err
	}
	if a.Timeout {
		return t.Handle(game.Action{Seat: game.SystemSeat, Cmd: game.Timeout{Serial: t.Prompt().Serial}, Now: now})
	}
	cmd, err := a.Command.Resolve(n)
	if err != nil {
		return nil, err
	}
	return t.Handle(game.Action{Seat: a.Seat, Cmd: cmd, Now: now})
}

// replayPrinter writes the output lines and numbers the events; it keeps
// the first error.
type replayPrinter struct {
	out *bufio.Writer
	enc *Encoder
	no  int64
	err error
}

func (p *replayPrinter) line(b []byte) {
	p.out.Write(b)
	p.out.WriteByte('\n')
}

func (p *replayPrinter) events(events []game.Event) {
	for _, ev := range events {
		p.no++
		b, err := p.enc.Event(0, p.no, ev)
		if err != nil {
			p.err = cmp.Or(p.err, err)
			continue
		}
		p.line(b)
	}
}

// codeOf is the protocol error code of a refusal from the codec or the
// table.
func codeOf(err error) string {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	if code := game.CodeOf(err); code != "" {
		return code
	}
	return "error"
}

// describe is the message of a refusal, without its code.
func describe(err error) string {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	var r *game.Refusal
	if errors.As(err, &r) {
		return r.Message
	}
	return err.Error()
}
