package fsm

import (
	"fmt"

	"tableraft/game"
)

// maxBots bounds the bots a createTable may ask for (every game has at
// most four seats, one of them the creator's).
const maxBots = 3

// applier applies one command to the state and collects its events. Every
// method validates before it mutates, so a refusal changes nothing.
type applier struct {
	s      *state
	now    int64
	events []TableEvent
}

// emit numbers e with t's next event number.
func (a *applier) emit(t *tableState, e game.Event) {
	t.Event++
	t.EventAt = a.now
	a.events = append(a.events, TableEvent{Table: t.ID, No: t.Event, Event: e})
}

// player applies a player op and returns the table the ack names.
func (a *applier) player(cmd Command) (int64, error) {
	switch cmd.Op {
	case OpCreateTable:
		return a.createTable(cmd)
	case OpJoinTable:
		return cmd.Table, a.joinTable(cmd)
	case OpLeaveTable:
		return cmd.Table, a.leaveTable(cmd)
	case OpGame:
		return cmd.Table, a.game(cmd)
	}
	return 0, refuse(ErrBadMessage, "unknown op %q", cmd.Op)
}

// system applies an op of the leader's duties.
func (a *applier) system(cmd Command) error {
	switch cmd.Op {
	case OpStartDeal:
		t, err := a.table(cmd.Table)
		if err != nil {
			return err
		}
		if t.Table.Playing() || !t.full() {
			return nil // a deal started meanwhile, or a seat emptied: nothing to do
		}
		return a.startDeal(t, cmd.Seed)
	case OpTimeout:
		t, err := a.table(cmd.Table)
		if err != nil {
			return err
		}
		return a.handle(t, game.Action{Seat: game.SystemSeat, Cmd: game.Timeout{Serial: cmd.Serial}, Now: a.now})
	case OpBotMove:
		t, err := a.table(cmd.Table)
		if err != nil {
			return err
		}
		if t.Table.Prompt().Serial != cmd.Serial || cmd.Action == nil {
			return nil // chosen for a prompt that has passed
		}
		return a.handle(t, game.Action{Seat: cmd.Seat, Cmd: cmd.Action, Now: a.now})
	case OpResultStored:
		a.resultsStored(cmd.GameIDs)
		return nil
	case OpNodeInfo:
		if cmd.Node.ID == "" {
			return refuse(ErrBadMessage, "node info without an id")
		}
		if cmd.Node.HTTP == "" && cmd.Node.TCP == "" {
			delete(a.s.Nodes, cmd.Node.ID) // a removed node publishes nothing
			return nil
		}
		a.s.Nodes[cmd.Node.ID] = cmd.Node
		return nil
	}
	return refuse(ErrBadMessage, "unknown op %q", cmd.Op)
}

func (a *applier) table(id int64) (*tableState, error) {
	t := a.s.Tables[id]
	if t == nil {
		return nil, refuse(ErrUnknownTable, "table %d does not exist", id)
	}
	return t, nil
}

func (a *applier) createTable(cmd Command) (int64, error) {
	if cmd.Bots < 0 || cmd.Bots > maxBots {
		return 0, refuse(ErrBadMessage, "bots must be 0 to %d", maxBots)
	}
	if cmd.FirstDealer < 0 {
		return 0, refuse(ErrBadMessage, "first dealer %d", cmd.FirstDealer)
	}
	seats, err := game.SeatsOf(cmd.Game, cmd.Options)
	if err != nil {
		return 0, err
	}
	// The leader draws FirstDealer from 0..3; it is taken modulo the seats
	// here, where the game is known.
	tbl, err := game.NewTable(game.Config{Game: cmd.Game, Options: cmd.Options, FirstDealer: cmd.FirstDealer % seats})
	if err != nil {
		return 0, err
	}
	if cmd.Bots >= tbl.Seats() {
		return 0, refuse(ErrBadMessage, "a %s table has %d seats: at most %d bots", cmd.Game, tbl.Seats(), tbl.Seats()-1)
	}
	t := &tableState{ID: a.s.NextTable, Seats: make([]Seat, tbl.Seats()), Table: tbl}
	a.s.NextTable++
	a.s.Tables[t.ID] = t
	t.Seats[0] = Seat{Player: cmd.Player}
	a.emit(t, PlayerJoined{Seat: 0, Player: cmd.Player})
	for i := 1; i <= cmd.Bots; i++ {
		t.Seats[i] = Seat{Bot: true}
		a.emit(t, PlayerJoined{Seat: i, Bot: true})
	}
	if t.full() {
		if err := a.startDeal(t, cmd.Seed); err != nil {
			return 0, err
		}
	}
	return t.ID, nil
}

func (a *applier) joinTable(cmd Command) error {
	t, err := a.table(cmd.Table)
	if err != nil {
		return err
	}
	if t.seatOf(cmd.Player) >= 0 {
		return refuse(ErrAlreadySeated, "you sit at table %d already", t.ID)
	}
	seat := -1
	for i, s := range t.Seats {
		if s.Free() {
			seat = i
			break
		}
	}
	if seat < 0 {
		return refuse(ErrTableFull, "table %d is full", t.ID)
	}
	t.Seats[seat] = Seat{Player: cmd.Player}
	a.emit(t, PlayerJoined{Seat: seat, Player: cmd.Player})
	if t.full() && !t.Table.Playing() {
		return a.startDeal(t, cmd.Seed)
	}
	return nil
}

// seated finds the table of cmd and the seat its player holds there (and
// has not left).
func (a *applier) seated(cmd Command) (*tableState, int, error) {
	t, err := a.table(cmd.Table)
	if err != nil {
		return nil, 0, err
	}
	seat := t.seatOf(cmd.Player)
	if seat < 0 || t.Seats[seat].Away {
		return nil, 0, refuse(ErrNotSeated, "you have no seat at table %d", t.ID)
	}
	return t, seat, nil
}

func (a *applier) leaveTable(cmd Command) error {
	t, seat, err := a.seated(cmd)
	if err != nil {
		return err
	}
	if t.Table.Playing() {
		t.Seats[seat].Away = true
		a.emit(t, PlayerLeft{Seat: seat, Player: cmd.Player, Replaced: true})
		return nil
	}
	t.Seats[seat] = Seat{}
	a.emit(t, PlayerLeft{Seat: seat, Player: cmd.Player})
	a.closeIfEmpty(t)
	return nil
}

func (a *applier) game(cmd Command) error {
	t, seat, err := a.seated(cmd)
	if err != nil {
		return err
	}
	if cmd.Action == nil {
		return refuse(ErrBadMessage, "no game command")
	}
	return a.handle(t, game.Action{Seat: seat, Cmd: cmd.Action, Now: a.now})
}

func (a *applier) startDeal(t *tableState, seed game.Seed) error {
	t.DealStart = a.now
	return a.handle(t, game.Action{Seat: game.SystemSeat, Cmd: game.StartDeal{Seed: seed}, Now: a.now})
}

// handle runs a game action at t and numbers its events. When the action
// ends the deal, the result goes to the outbox and the seats of players who
// left are freed.
func (a *applier) handle(t *tableState, act game.Action) error {
	evs, err := t.Table.Handle(act)
	if err != nil {
		return err
	}
	for _, e := range evs {
		a.emit(t, e)
		switch r := e.(type) {
		case game.SchafkopfResult:
			a.toOutbox(t, Result{Schafkopf: &r, Contract: r.Game})
		case game.SchnapsenResult:
			a.toOutbox(t, Result{Schnapsen: &r})
		case game.BauernschnapsenResult:
			a.toOutbox(t, Result{Bauernschnapsen: &r, Contract: r.Game})
		}
	}
	if !t.Table.Playing() {
		a.afterDeal(t)
	}
	return nil
}

func (a *applier) toOutbox(t *tableState, r Result) {
	r.GameID = fmt.Sprintf("t%d-d%d", t.ID, t.Table.DealNo())
	r.Table = t.ID
	r.Game = t.Table.Game()
	r.Options = t.Table.Options()
	r.DealNo = t.Table.DealNo()
	r.Dealer = (t.Table.Dealer() + t.Table.Seats() - 1) % t.Table.Seats() // the dealer has moved on
	r.Players = t.players()
	r.StartedAt = t.DealStart
	r.EndedAt = a.now
	a.s.Outbox = append(a.s.Outbox, r)
}

// afterDeal frees the seats of players who left during the deal and closes
// a table no player is left at.
func (a *applier) afterDeal(t *tableState) {
	for i, s := range t.Seats {
		if s.Away {
			t.Seats[i] = Seat{}
			a.emit(t, PlayerLeft{Seat: i, Player: s.Player})
		}
	}
	a.closeIfEmpty(t)
}

func (a *applier) closeIfEmpty(t *tableState) {
	if t.humans() > 0 {
		return
	}
	a.emit(t, TableClosed{})
	delete(a.s.Tables, t.ID)
}

// resultsStored removes stored results from the outbox. Unknown ids are
// ignored: a retried ResultStored is harmless.
func (a *applier) resultsStored(ids []string) {
	done := make(map[string]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	kept := a.s.Outbox[:0]
	for _, r := range a.s.Outbox {
		if !done[r.GameID] {
			kept = append(kept, r)
		}
	}
	a.s.Outbox = kept
}
