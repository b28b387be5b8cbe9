package fsm

import (
	"slices"
	"sort"

	"tableraft/game"
)

// TableInfo is a table as the lobby lists it.
type TableInfo struct {
	ID      int64
	Game    game.Kind
	Options game.Options
	Seats   []Seat
	Playing bool
	Event   int64
}

// Tables lists every table, ordered by id.
func (f *FSM) Tables() []TableInfo {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]TableInfo, 0, len(f.s.Tables))
	for _, t := range f.s.Tables {
		out = append(out, info(t))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Table returns one table's lobby entry.
func (f *FSM) Table(id int64) (TableInfo, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t := f.s.Tables[id]
	if t == nil {
		return TableInfo{}, false
	}
	return info(t), true
}

func info(t *tableState) TableInfo {
	return TableInfo{
		ID: t.ID, Game: t.Table.Game(), Options: t.Table.Options(),
		Seats: append([]Seat(nil), t.Seats...), Playing: t.Table.Playing(), Event: t.Event,
	}
}

// SeatView is a table as one player may see it, with the event number the
// view is current at.
type SeatView struct {
	Table int64
	Event int64
	Seats []Seat
	View  game.View
}

// ViewFor returns the table as player sees it (an observer's view when the
// player has no seat there).
func (f *FSM) ViewFor(table int64, player string) (SeatView, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t := f.s.Tables[table]
	if t == nil {
		return SeatView{}, false
	}
	return SeatView{Table: t.ID, Event: t.Event, Seats: append([]Seat(nil), t.Seats...), View: t.Table.View(t.seatOf(player))}, true
}

// SeatOf returns player's seat at table, or -1.
func (f *FSM) SeatOf(table int64, player string) int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if t := f.s.Tables[table]; t != nil {
		return t.seatOf(player)
	}
	return -1
}

// PlayerTables lists the tables where player sits.
func (f *FSM) PlayerTables(player string) []int64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	var out []int64
	for id, t := range f.s.Tables {
		if s := t.seatOf(player); s >= 0 && !t.Seats[s].Away {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Due is what the leader's duties need to know of one table: its timer,
// whose turn it is, which seats the bot plays, and whether the next deal
// is due (an idle, full table).
type Due struct {
	Table     int64
	Prompt    game.Prompt
	BotSeats  []int
	NextDeal  bool
	LastEvent int64
	// LastAt is the replicated time (Unix ms) of the last event: a new
	// leader continues the table's clock instead of starting it anew.
	LastAt int64
}

// Dues lists the duties of every table, ordered by id.
func (f *FSM) Dues() []Due {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]Due, 0, len(f.s.Tables))
	for _, t := range f.s.Tables {
		out = append(out, t.due())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out
}

// DuesOf lists the duties of the tables named, in that order; a table
// that does not exist (any more) is left out.
func (f *FSM) DuesOf(tables []int64) []Due {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]Due, 0, len(tables))
	for _, id := range tables {
		if t := f.s.Tables[id]; t != nil {
			out = append(out, t.due())
		}
	}
	return out
}

func (t *tableState) due() Due {
	d := Due{Table: t.ID, Prompt: t.Table.Prompt(), NextDeal: !t.Table.Playing() && t.full(), LastEvent: t.Event, LastAt: t.EventAt}
	for i, s := range t.Seats {
		if s.BotPlays() {
			d.BotSeats = append(d.BotSeats, i)
		}
	}
	return d
}

// Changed receives after Apply changed a table that TakeChanged has not
// returned yet (one signal for any number of changes).
func (f *FSM) Changed() <-chan struct{} { return f.wake }

// TakeChanged returns the tables with events since its last call (closed
// tables left out), ordered by id, and forgets them.
func (f *FSM) TakeChanged() []int64 {
	f.changedMu.Lock()
	defer f.changedMu.Unlock()
	out := make([]int64, 0, len(f.changed))
	for id := range f.changed {
		out = append(out, id)
	}
	clear(f.changed)
	slices.Sort(out)
	return out
}

// BotMove returns the command the bot would send for seat at table now,
// with the prompt serial it was chosen for. choose is the bot (package
// game/bot), handed in so that fsm does not depend on it.
func (f *FSM) BotMove(table int64, seat int, choose func(*game.View) (game.Command, bool)) (game.Command, int64, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t := f.s.Tables[table]
	if t == nil || !t.Table.Playing() {
		return nil, 0, false
	}
	v := t.Table.View(seat)
	cmd, ok := choose(&v)
	return cmd, t.Table.Prompt().Serial, ok
}

// Outbox returns the results waiting to be stored, oldest first.
func (f *FSM) Outbox() []Result {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return append([]Result(nil), f.s.Outbox...)
}

// Node returns what node id published about itself.
func (f *FSM) Node(id string) (NodeInfo, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	n, ok := f.s.Nodes[id]
	return n, ok
}

// Nodes lists every node's published addresses, ordered by id.
func (f *FSM) Nodes() []NodeInfo {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]NodeInfo, 0, len(f.s.Nodes))
	for _, n := range f.s.Nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// AppliedIndex is the log index of the last command applied (or restored
// from a snapshot). Raft's own applied index runs ahead of it by the
// entries the FSM never sees (a new leader's no-op, configuration
// changes).
func (f *FSM) AppliedIndex() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.index
}

// TableCount is the number of open tables.
func (f *FSM) TableCount() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.s.Tables)
}

// EventsSince returns table's events numbered above after, when this node
// still holds all of them (it keeps the most recent ones in memory, not in
// the snapshot). False means the gap cannot be replayed: send a full view.
func (f *FSM) EventsSince(table int64, after int64) ([]TableEvent, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t := f.s.Tables[table]
	if t == nil {
		return nil, false
	}
	if after >= t.Event {
		return nil, after == t.Event
	}
	r := f.recent[table]
	if r == nil {
		return nil, false
	}
	return r.since(after, t.Event)
}

// eventRing keeps the last ringSize events of a table.
type eventRing struct {
	buf  []TableEvent
	next int
}

const ringSize = 256

func (f *FSM) ring(table int64) *eventRing {
	r := f.recent[table]
	if r == nil {
		r = &eventRing{}
		f.recent[table] = r
	}
	return r
}

func (r *eventRing) add(e TableEvent) {
	if len(r.buf) < ringSize {
		r.buf = append(r.buf, e)
		return
	}
	r.buf[r.next] = e
	r.next = (r.next + 1) % ringSize
}

// since returns the events numbered after+1 .. last, if all are held.
func (r *eventRing) since(after, last int64) ([]TableEvent, bool) {
	n := int(last - after)
	if n > len(r.buf) {
		return nil, false
	}
	out := make([]TableEvent, 0, n)
	for i := 0; i < len(r.buf); i++ {
		e := r.buf[(r.next+i)%len(r.buf)]
		if e.No > after {
			out = append(out, e)
		}
	}
	if len(out) != n || out[0].No != after+1 {
		return nil, false
	}
	return out, true
}
