// Package duty holds the leader-only duties that drive tables forward in
// time: stage timers (the knock window, turn deadlines), the server's bot
// seats and the start of the next deal. Only the leader runs them; a new
// leader re-arms everything from the replicated state it already has,
// because every deadline lives in that state.
//
// A Planner turns the state and the clock into the system commands that
// are due; Run proposes them. Run looks at a table when it changed (the
// FSM tells), when the planner knows something falls due there (a bot's
// think time ends, the next deal, a deadline, a retry), and at every
// table every Tick as a safety net: a bot moves when its think time is
// over, not at the next tick after it. Apply stays the authority: a command planned
// for a prompt that has passed is dropped there, so a duty that fires late
// or twice changes nothing.
package duty

import (
	"container/heap"
	"context"
	"log/slog"
	"sync"
	"time"

	"tableraft/fsm"
	"tableraft/game/bot"
)

// Config tunes the duties.
type Config struct {
	// BotDelay is the bots' think time before a move.
	BotDelay time.Duration
	// NextDealDelay is the pause between a deal's result and the next deal
	// at a full table.
	NextDealDelay time.Duration
	// RetryAfter is how long a planned command waits before it is planned
	// again when the table did not move (the proposal failed or is slow).
	RetryAfter time.Duration
	// Tick is how often Run looks at every table (changes and known due
	// times wake it in between).
	Tick time.Duration
	// Parallel bounds the proposals in flight.
	Parallel int
}

// DefaultConfig is what tableraftd runs with unless flags say otherwise.
var DefaultConfig = Config{
	BotDelay:      300 * time.Millisecond,
	NextDealDelay: 3 * time.Second,
	RetryAfter:    time.Second,
	Tick:          100 * time.Millisecond,
	Parallel:      64,
}

// Planner decides which system commands are due. It remembers, per table,
// when it first saw the table's current event number (to time the bots'
// think delay and the next deal), what it planned last (so that a
// proposal in flight is not planned again at every look) and when
// something falls due there next. A Planner belongs to one leadership
// term: start a new one when leadership is won.
type Planner struct {
	cfg   Config
	seen  map[int64]seenAt
	tried map[int64]plan
	// next is when a table wants a look if nothing changes there before
	// (a bot's think time ends, the next deal, a retry); wakeups orders
	// those times, with stale entries skipped when they come up.
	next    map[int64]int64
	wakeups wakeups
}

type wakeup struct{ at, table int64 }

// wakeups is a min-heap by time (container/heap).
type wakeups []wakeup

func (w wakeups) Len() int           { return len(w) }
func (w wakeups) Less(i, j int) bool { return w[i].at < w[j].at }
func (w wakeups) Swap(i, j int)      { w[i], w[j] = w[j], w[i] }
func (w *wakeups) Push(x any)        { *w = append(*w, x.(wakeup)) }
func (w *wakeups) Pop() any {
	old := *w
	x := old[len(old)-1]
	*w = old[:len(old)-1]
	return x
}

type seenAt struct {
	event int64
	at    int64
}

type plan struct {
	event int64
	at    int64
}

// NewPlanner returns a planner with no memory.
func NewPlanner(cfg Config) *Planner {
	return &Planner{cfg: cfg, seen: map[int64]seenAt{}, tried: map[int64]plan{}, next: map[int64]int64{}}
}

// Plan looks at every table and returns the commands due at now (Unix
// ms). now is also stamped into each command; StartDeal commands carry a
// fresh seed from newSeed.
func (p *Planner) Plan(f *fsm.FSM, now int64, newSeed func() [32]byte) []fsm.Command {
	dues := f.Dues()
	live := make(map[int64]bool, len(dues))
	for _, d := range dues {
		live[d.Table] = true
	}
	for id := range p.seen {
		if !live[id] {
			p.forget(id)
		}
	}
	return p.planDues(dues, f, now, newSeed)
}

// PlanTables is Plan for the tables named only (changed ones, or ones
// whose time came: Due).
func (p *Planner) PlanTables(f *fsm.FSM, tables []int64, now int64, newSeed func() [32]byte) []fsm.Command {
	dues := f.DuesOf(tables)
	found := make(map[int64]bool, len(dues))
	for _, d := range dues {
		found[d.Table] = true
	}
	for _, id := range tables {
		if !found[id] {
			p.forget(id)
		}
	}
	return p.planDues(dues, f, now, newSeed)
}

// Due returns the tables where something falls due at or before now, and
// forgets those times (a look at the table notes the next one).
func (p *Planner) Due(now int64) []int64 {
	var out []int64
	for len(p.wakeups) > 0 && p.wakeups[0].at <= now {
		w := heap.Pop(&p.wakeups).(wakeup)
		if p.next[w.table] == w.at {
			delete(p.next, w.table)
			out = append(out, w.table)
		}
	}
	return out
}

// NextLook returns the earliest time a table wants a look (0: none).
func (p *Planner) NextLook() int64 {
	for len(p.wakeups) > 0 {
		w := p.wakeups[0]
		if p.next[w.table] == w.at {
			return w.at
		}
		heap.Pop(&p.wakeups)
	}
	return 0
}

// wakeAt notes that table wants a look at at (0: no look).
func (p *Planner) wakeAt(table, at int64) {
	if p.next[table] == at {
		return
	}
	if at == 0 {
		delete(p.next, table)
		return
	}
	p.next[table] = at
	heap.Push(&p.wakeups, wakeup{at: at, table: table})
}

func (p *Planner) forget(table int64) {
	delete(p.seen, table)
	delete(p.tried, table)
	delete(p.next, table) // its wakeups are stale now
}

func (p *Planner) planDues(dues []fsm.Due, f *fsm.FSM, now int64, newSeed func() [32]byte) []fsm.Command {
	var out []fsm.Command
	for _, d := range dues {
		s, ok := p.seen[d.Table]
		if !ok || s.event != d.LastEvent {
			s = seenAt{event: d.LastEvent, at: now}
			p.seen[d.Table] = s
		}
		if t, ok := p.tried[d.Table]; ok && t.event == d.LastEvent && now-t.at < p.cfg.RetryAfter.Milliseconds() {
			p.wakeAt(d.Table, t.at+p.cfg.RetryAfter.Milliseconds())
			continue
		}
		// The table has been idle since this planner saw its last event,
		// or since the event's replicated time if that is earlier: after
		// a leader change bots and the next deal keep their schedule
		// instead of waiting a whole delay again. A clock behind the old
		// leader's only makes the first figure win.
		idle := now - s.at
		if d.LastAt > 0 {
			idle = max(idle, now-d.LastAt)
		}
		cmds := p.planTable(f, d, idle, now)
		if len(cmds) == 0 {
			p.lookAgain(d, now-idle, now)
			continue
		}
		for _, cmd := range cmds {
			if cmd.Op == fsm.OpStartDeal {
				cmd.Seed = newSeed()
			}
			cmd.Table, cmd.Now = d.Table, now
			out = append(out, cmd)
		}
		p.tried[d.Table] = plan{event: d.LastEvent, at: now}
		p.wakeAt(d.Table, now+p.cfg.RetryAfter.Milliseconds())
	}
	return out
}

// lookAgain notes when something may fall due at a table where nothing is
// due now, if the table does not change before: the next deal, or a bot's
// move, once the table has been idle (since idleFrom) long enough. A
// prompt's deadline is left to the look at every table each Tick: turn
// timers run for seconds, and a wakeup for each would pile up.
func (p *Planner) lookAgain(d fsm.Due, idleFrom, now int64) {
	var at int64
	switch {
	case d.NextDeal:
		at = idleFrom + p.cfg.NextDealDelay.Milliseconds()
	case len(d.BotSeats) > 0:
		at = idleFrom + p.cfg.BotDelay.Milliseconds()
	}
	if at <= now {
		at = 0
	}
	p.wakeAt(d.Table, at)
}

// planTable picks the commands due at one table: the next deal; or a
// move for every bot seat that wants to act (in a window such as the knock
// window all of them answer at once; at a turn, the seat to act plays and
// the others may give Kontra); or, when a timer has passed, the bot's move
// for a player who let the turn run out, or the window's Timeout.
func (p *Planner) planTable(f *fsm.FSM, d fsm.Due, idle, now int64) []fsm.Command {
	if d.NextDeal {
		if idle < p.cfg.NextDealDelay.Milliseconds() {
			return nil
		}
		return []fsm.Command{{Op: fsm.OpStartDeal}}
	}
	var out []fsm.Command
	if idle >= p.cfg.BotDelay.Milliseconds() {
		for _, seat := range d.BotSeats {
			if cmd, serial, ok := f.BotMove(d.Table, seat, bot.Choose); ok {
				out = append(out, fsm.Command{Op: fsm.OpBotMove, Seat: seat, Serial: serial, Action: cmd})
			}
		}
	}
	if len(out) > 0 || d.Prompt.Deadline == 0 || now < d.Prompt.Deadline {
		return out
	}
	if d.Prompt.Turn >= 0 {
		if cmd, serial, ok := f.BotMove(d.Table, d.Prompt.Turn, bot.Choose); ok {
			return []fsm.Command{{Op: fsm.OpBotMove, Seat: d.Prompt.Turn, Serial: serial, Action: cmd}}
		}
	}
	return []fsm.Command{{Op: fsm.OpTimeout, Serial: d.Prompt.Serial}}
}

// Proposer submits a command to the Raft log and waits for its outcome.
type Proposer func(ctx context.Context, cmd fsm.Command) error

// Run plans and proposes due commands until ctx is cancelled (leadership
// lost or shutdown). It returns when every proposal it started has
// returned.
func Run(ctx context.Context, cfg Config, f *fsm.FSM, propose Proposer, newSeed func() [32]byte, log *slog.Logger) {
	p := NewPlanner(cfg)
	tick := time.NewTicker(cfg.Tick)
	defer tick.Stop()
	next := time.NewTimer(time.Hour)
	defer next.Stop()
	sem := make(chan struct{}, max(cfg.Parallel, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	armed := int64(0) // when next fires (0: not armed)
	for everything := true; ; everything = false {
		// The first look, and one every Tick, is at every table; in
		// between, at the tables that changed and those whose time came.
		if !everything {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				everything = true
			case <-f.Changed():
			case <-next.C:
				armed = 0
			}
		}
		now := time.Now().UnixMilli()
		changed := f.TakeChanged()
		var cmds []fsm.Command
		if everything {
			cmds = p.Plan(f, now, newSeed)
		} else {
			cmds = p.PlanTables(f, union(changed, p.Due(now)), now, newSeed)
		}
		for _, cmd := range cmds {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func(cmd fsm.Command) {
				defer func() { <-sem; wg.Done() }()
				if err := propose(ctx, cmd); err != nil && ctx.Err() == nil {
					log.Warn("duty proposal failed", "table", cmd.Table, "op", string(cmd.Op), "err", err)
				}
			}(cmd)
		}
		if at := p.NextLook(); at > 0 && (armed == 0 || at < armed) {
			next.Reset(time.Until(time.UnixMilli(at)))
			armed = at
		}
	}
}

// union merges b into a, leaving out repeats.
func union(a, b []int64) []int64 {
	seen := make(map[int64]bool, len(a))
	for _, id := range a {
		seen[id] = true
	}
	for _, id := range b {
		if !seen[id] {
			seen[id] = true
			a = append(a, id)
		}
	}
	return a
}
