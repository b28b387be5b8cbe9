// Package duty holds the leader-only duties that drive tables forward in
// time: stage timers (the knock window, turn deadlines), the server's bot
// seats and the start of the next deal. Only the leader runs them; a new
// leader re-arms everything from the replicated state it already has,
// because every deadline lives in that state.
//
// A Planner turns the state and the clock into the system commands that
// are due; Run proposes them. Apply stays the authority: a command planned
// for a prompt that has passed is dropped there, so a duty that fires late
// or twice changes nothing.
package duty

import (
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
	// Tick is how often Run looks at the state.
	Tick time.Duration
	// Parallel bounds the proposals in flight.
	Parallel int
}

// DefaultConfig is what tableraftd runs with unless flags say otherwise.
var DefaultConfig = Config{
	BotDelay:      300 * time.Millisecond,
	NextDealDelay: 3 * time.Second,
	RetryAfter:    time.Second,
	Tick:          20 * time.Millisecond,
	Parallel:      64,
}

// Planner decides which system commands are due. It remembers, per table,
// when it first saw the table's current event number (to time the bots'
// think delay and the next deal) and what it planned last (so that a
// proposal in flight is not planned again at every tick). A Planner belongs
// to one leadership term: start a new one when leadership is won.
type Planner struct {
	cfg   Config
	seen  map[int64]seenAt
	tried map[int64]plan
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
	return &Planner{cfg: cfg, seen: map[int64]seenAt{}, tried: map[int64]plan{}}
}

// Plan returns the commands due at now (Unix ms). now is also stamped into
// each command; StartDeal commands carry a fresh seed from newSeed.
func (p *Planner) Plan(f *fsm.FSM, now int64, newSeed func() [32]byte) []fsm.Command {
	var out []fsm.Command
	live := make(map[int64]bool)
	for _, d := range f.Dues() {
		live[d.Table] = true
		s, ok := p.seen[d.Table]
		if !ok || s.event != d.LastEvent {
			s = seenAt{event: d.LastEvent, at: now}
			p.seen[d.Table] = s
		}
		if t, ok := p.tried[d.Table]; ok && t.event == d.LastEvent && now-t.at < p.cfg.RetryAfter.Milliseconds() {
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
	}
	for id := range p.seen {
		if !live[id] {
			delete(p.seen, id)
			delete(p.tried, id)
		}
	}
	return out
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
	sem := make(chan struct{}, max(cfg.Parallel, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, cmd := range p.Plan(f, time.Now().UnixMilli(), newSeed) {
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
	}
}
