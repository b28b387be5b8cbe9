package duty

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/game/bot"
)

var cfg = Config{BotDelay: 300 * time.Millisecond, NextDealDelay: 3 * time.Second, RetryAfter: time.Second, Tick: 10 * time.Millisecond, Parallel: 4}

const t0 = int64(1_700_000_000_000)

func seed() [32]byte { return [32]byte{7} }

// newState returns an FSM with one Schafkopf table: the creator (who never
// acts: her turns run out after a second) and three bots, the first deal in
// its knock window.
func newState(t *testing.T) (*fsm.FSM, int64) {
	t.Helper()
	f := fsm.New(nil)
	res, err := f.ApplyCommand(1, fsm.Command{Op: fsm.OpCreateTable, Player: "anna", Seq: 1, Now: t0, Seed: seed(), Game: game.KindSchafkopf, Bots: 3, Options: game.Options{TurnTimeoutMs: 1000}})
	if err != nil || res.Err != nil {
		t.Fatalf("create: %v %v", err, res.Err)
	}
	return f, res.Ack.Table
}

func TestBotsWaitTheirThinkTime(t *testing.T) {
	f, table := newState(t)
	p := NewPlanner(cfg)
	if cmds := p.Plan(f, t0, seed); len(cmds) != 0 {
		t.Fatalf("bots moved before their think time: %+v", cmds)
	}
	cmds := p.Plan(f, t0+cfg.BotDelay.Milliseconds(), seed)
	if len(cmds) != 3 {
		t.Fatalf("%d commands, want the three bots' answers to the knock window", len(cmds))
	}
	for _, c := range cmds {
		if c.Op != fsm.OpBotMove || c.Table != table || c.Seat == 0 || c.Now != t0+cfg.BotDelay.Milliseconds() {
			t.Fatalf("unexpected command %+v", c)
		}
	}
}

func TestAPlanIsNotRepeatedWhileInFlight(t *testing.T) {
	f, table := newState(t)
	p := NewPlanner(cfg)
	p.Plan(f, t0, seed)
	at := t0 + cfg.BotDelay.Milliseconds()
	if got := p.NextLook(); got != at {
		t.Fatalf("next look at %d, want the end of the bots' think time %d", got, at)
	}
	if due := p.Due(at - 1); len(due) != 0 {
		t.Fatalf("due before the think time is over: %v", due)
	}
	if due := p.Due(at); len(due) != 1 || due[0] != table {
		t.Fatalf("due at the end of the think time: %v, want [%d]", due, table)
	}
	if len(p.PlanTables(f, []int64{table}, at, seed)) == 0 {
		t.Fatal("nothing planned")
	}
	if got := p.NextLook(); got != at+cfg.RetryAfter.Milliseconds() {
		t.Fatalf("next look at %d, want the retry at %d", got, at+cfg.RetryAfter.Milliseconds())
	}
	if cmds := p.Plan(f, at+10, seed); len(cmds) != 0 {
		t.Fatalf("planned again while the first proposals are in flight: %+v", cmds)
	}
	if cmds := p.Plan(f, at+cfg.RetryAfter.Milliseconds(), seed); len(cmds) == 0 {
		t.Fatal("not planned again after RetryAfter although the table did not move")
	}
}

func TestExpiredWindowTimesOut(t *testing.T) {
	f, table := newState(t)
	p := NewPlanner(Config{BotDelay: time.Hour, NextDealDelay: time.Hour, RetryAfter: time.Second})
	var due fsm.Due
	for _, d := range f.Dues() {
		if d.Table == table {
			due = d
		}
	}
	if due.Prompt.Deadline == 0 {
		t.Fatal("no knock window deadline")
	}
	p.Plan(f, t0, seed)
	cmds := p.Plan(f, due.Prompt.Deadline, seed)
	if len(cmds) != 1 || cmds[0].Op != fsm.OpTimeout || cmds[0].Serial != due.Prompt.Serial {
		t.Fatalf("at the deadline: %+v, want one timeout for serial %d", cmds, due.Prompt.Serial)
	}
}

func TestTheNextDealWaitsItsDelay(t *testing.T) {
	f, table := newState(t)
	p := NewPlanner(Config{BotDelay: 0, NextDealDelay: 3 * time.Second, RetryAfter: time.Millisecond})
	now, index := t0, uint64(2)
	for i := 0; i < 500 && len(f.Outbox()) == 0; i++ {
		now += 100
		for _, c := range p.Plan(f, now, seed) {
			if _, err := f.ApplyCommand(index, c); err != nil {
				t.Fatal(err)
			}
			index++
		}
	}
	if len(f.Outbox()) == 0 {
		t.Fatal("the bots did not finish the deal")
	}
	// The delay runs from the replicated time of the deal's last event
	// (stamped with the planning time, now), for this planner and for a
	// fresh one, a new leader's, that sees the table for the first time.
	ended := now
	fresh := NewPlanner(p.cfg)
	for _, at := range []int64{ended + 100, ended + 2_900} {
		for _, pl := range []*Planner{p, fresh} {
			if cmds := pl.Plan(f, at, seed); len(cmds) != 0 {
				t.Fatalf("planned %d ms after the deal: %+v", at-ended, cmds)
			}
		}
	}
	if cmds := fresh.Plan(f, ended+3_000, seed); len(cmds) != 1 || cmds[0].Op != fsm.OpStartDeal {
		t.Fatalf("a new leader's planner after the delay: %+v, want one StartDeal", cmds)
	}
	cmds := p.Plan(f, ended+3_000, seed)
	if len(cmds) != 1 || cmds[0].Op != fsm.OpStartDeal || cmds[0].Table != table || cmds[0].Seed == ([32]byte{}) {
		t.Fatalf("after the delay: %+v, want one StartDeal with a seed", cmds)
	}
}

// TestRunActsOnChangesBetweenTicks: with a Tick that never comes after
// the first look, the bots still answer once their think time is over
// (the planner's own wakeup) and again after a move changed the table
// (the FSM's change signal).
func TestRunActsOnChangesBetweenTicks(t *testing.T) {
	f, table := newState(t)
	var mu sync.Mutex
	index := uint64(2)
	var proposed []fsm.Command
	apply := func(cmd fsm.Command) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := f.ApplyCommand(index, cmd); err != nil {
			t.Error(err)
		}
		index++
	}
	propose := func(_ context.Context, cmd fsm.Command) error {
		mu.Lock()
		proposed = append(proposed, cmd)
		mu.Unlock()
		apply(cmd)
		return nil
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(proposed)
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s", what)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Run(ctx, Config{BotDelay: 20 * time.Millisecond, NextDealDelay: time.Hour, RetryAfter: time.Hour, Tick: time.Hour, Parallel: 4},
			f, propose, seed, slog.New(slog.DiscardHandler))
		close(done)
	}()
	defer func() { cancel(); <-done }()

	waitFor("bot answers to the knock window", func() bool { return count() >= 3 })
	// Anna answers too (as the creator's client would); the table moves
	// on to a stage where a bot acts, and Run sees the change.
	move, _, ok := f.BotMove(table, 0, bot.Choose)
	if !ok {
		t.Fatal("no move for anna")
	}
	apply(fsm.Command{Op: fsm.OpGame, Player: "anna", Seq: 2, Table: table, Now: time.Now().UnixMilli(), Action: move})
	waitFor("bot move after anna's", func() bool { return count() > 3 })
}
