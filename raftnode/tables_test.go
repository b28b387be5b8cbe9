package raftnode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/fsm/duty"
	"tableraft/game"
	"tableraft/game/bot"
)

// The tests in this file run the real replicated state (fsm.FSM) on every
// node and the real leader duty (fsm/duty: timers, bot seats, next deals)
// on the leader, with short delays so that deals move fast. At each table
// one seat belongs to a player driven from the test the way a client
// would play: it reads its view on the leader, sends the bot's choice as
// an OpGame with its next seq, and after an error that leaves the outcome
// open retries the same (player, seq) wherever the leader is now. The
// other seats are the server's bots.

// fastDuty is the duty configuration of these tests: bots think for 20 ms
// and a full table deals again after 100 ms, so a deal takes about a
// second.
var fastDuty = duty.Config{
	BotDelay:      20 * time.Millisecond,
	NextDealDelay: 100 * time.Millisecond,
	RetryAfter:    300 * time.Millisecond,
	Tick:          10 * time.Millisecond,
	Parallel:      64,
}

// tableOptions is every test table's options: a player who misses a turn
// (during a failover, say) is played for by the duty after 3 s.
var tableOptions = game.Options{TurnTimeoutMs: 3000}

// nodeState is one node's replicated state: the real FSM, wrapped to count
// snapshot restores and to check, from the FSM's listener, that every
// table's events are numbered without a gap on this node.
type nodeState struct {
	*fsm.FSM
	restores    atomic.Int32 // Restore calls, those during Open included
	openedWith  int32        // Restore calls when Open returned
	dutyRunning atomic.Int32 // the tables duty runs on this node now

	mu   sync.Mutex
	last map[int64]int64 // table -> last event number seen
	gaps []string
}

func newNodeState() *nodeState {
	s := &nodeState{last: map[int64]int64{}}
	s.FSM = fsm.New(s.listen)
	return s
}

// listen checks the event numbering; it runs inside Apply.
func (s *nodeState) listen(_ uint64, evs []fsm.TableEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range evs {
		if prev, ok := s.last[e.Table]; ok && e.No != prev+1 && len(s.gaps) < 10 {
			s.gaps = append(s.gaps, fmt.Sprintf("table %d: event %d after %d", e.Table, e.No, prev))
		}
		s.last[e.Table] = e.No
	}
}

// Restore counts the restore and starts the numbering check afresh.
func (s *nodeState) Restore(rc io.ReadCloser) error {
	s.restores.Add(1)
	if err := s.FSM.Restore(rc); err != nil {
		return err
	}
	s.mu.Lock()
	clear(s.last)
	s.mu.Unlock()
	return nil
}

func (s *nodeState) gapList() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.gaps...)
}

// tableCluster is a testCluster whose nodes run nodeStates and the tables
// duty.
type tableCluster struct {
	*testCluster
	states map[string]*atomic.Pointer[nodeState] // by node ID; fixed after start

	mu  sync.Mutex
	all []*nodeState // every state ever opened, restarts included
}

// newTableCluster starts three voters with the real FSM and duty.
func newTableCluster(t *testing.T, opts ...clusterOption) *tableCluster {
	t.Helper()
	tc := &tableCluster{states: map[string]*atomic.Pointer[nodeState]{}}
	for i := 1; i <= 3; i++ {
		tc.states[fmt.Sprintf("n%d", i)] = &atomic.Pointer[nodeState]{}
	}
	tc.testCluster = startTestCluster(t, 3, func(tn *testNode) *Node { return tc.openNode(t, tn) }, opts...)
	return tc
}

// openNode opens tn with a fresh state, as a restarted process would, and
// registers the tables duty exactly as tableraftd does.
func (tc *tableCluster) openNode(t *testing.T, tn *testNode) *Node {
	st := newNodeState()
	tc.states[tn.id].Store(st)
	tc.mu.Lock()
	tc.all = append(tc.all, st)
	tc.mu.Unlock()
	n, err := Open(tn.cfg, st)
	if err != nil {
		t.Fatalf("open %s: %v", tn.id, err)
	}
	st.openedWith = st.restores.Load()
	logger := testLogger().With("node", tn.id)
	n.AddDuty(Duty{Name: "tables", Run: func(ctx context.Context) {
		st.dutyRunning.Add(1)
		defer st.dutyRunning.Add(-1)
		duty.Run(ctx, fastDuty, st.FSM, func(ctx context.Context, cmd fsm.Command) error {
			_, err := n.ProposeCommand(ctx, cmd)
			return err
		}, NewSeed, logger)
	}})
	return n
}

// state returns tn's current state.
func (tc *tableCluster) state(tn *testNode) *nodeState { return tc.states[tn.id].Load() }

// leaderNow returns the connected node that believes it leads, and its
// state, or nils: where haproxy would send a player now.
func (tc *tableCluster) leaderNow() (*Node, *nodeState) {
	for _, tn := range tc.connected() {
		if n := tn.node(); n != nil && n.IsLeader() {
			return n, tc.state(tn)
		}
	}
	return nil, nil
}

// results is the number of results in the leader's outbox (-1 without a
// leader).
func (tc *tableCluster) results() int {
	if _, st := tc.leaderNow(); st != nil {
		return len(st.Outbox())
	}
	return -1
}

// waitResults waits until the leader's outbox holds n results.
func (tc *tableCluster) waitResults(t *testing.T, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d results in the outbox", n), func() bool { return tc.results() >= n })
}

// proposal counts what the players' proposals ran into.
type proposal struct {
	notAppended atomic.Int32 // not leader, timeout, shutdown: sent again
	unknown     atomic.Int32 // outcome unknown: sent again with the same seq
	dupAnswers  atomic.Int32 // a retry the FSM answered as a Duplicate
	inFlight    atomic.Int32 // proposals waiting for raft now
}

// propose sends cmd through whichever node leads now until the FSM
// answers, as a client behind haproxy would. A command refused before it
// was appended is sent again as is; one whose outcome is unknown is sent
// again with the same (player, seq), which the FSM's dedup answers as a
// Duplicate if the first copy was applied after all.
func (tc *tableCluster) propose(cmd fsm.Command, stats *proposal) (*fsm.Applied, error) {
	deadline := time.Now().Add(waitTimeout)
	var last error
	retry := false
	for time.Now().Before(deadline) {
		n, _ := tc.leaderNow()
		if n == nil {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		stats.inFlight.Add(1)
		res, err := n.ProposeCommand(ctx, cmd)
		stats.inFlight.Add(-1)
		cancel()
		switch {
		case err == nil:
			if retry && res.Duplicate {
				stats.dupAnswers.Add(1)
			}
			return res, nil
		case errors.Is(err, ErrOutcomeUnknown):
			stats.unknown.Add(1)
			retry = true
		case errors.Is(err, ErrNotLeader), errors.Is(err, ErrTimeout), errors.Is(err, ErrShutdown):
			stats.notAppended.Add(1)
			time.Sleep(5 * time.Millisecond) // wait out the election
		default:
			return nil, err
		}
		last = err
	}
	return nil, fmt.Errorf("no answer within %v, last: %w", waitTimeout, last)
}

// tablePlayer holds one seat of one table. Only its goroutine touches it
// until the players are stopped.
type tablePlayer struct {
	name  string
	kind  game.Kind
	bots  int
	table int64
	seq   uint64
	known int64 // the table's event number in the player's last ack
	left  bool
	sent  []sentCommand
}

// sentCommand is an answered player command and the FSM's answer.
type sentCommand struct {
	cmd fsm.Command
	ack fsm.Outcome
}

// tablePlayers are the players of a test, one per table.
type tablePlayers struct {
	tc      *tableCluster
	players []*tablePlayer
	stop    context.CancelFunc
	wg      sync.WaitGroup
	stats   proposal

	mu     sync.Mutex
	errs   []error
	budget int // players that left because their seqs ran out
}

// startPlayers creates n tables, alternately Schafkopf with three bots and
// Schnapsen with one, each by its own player, and lets the players play
// until stopped.
func (tc *tableCluster) startPlayers(t *testing.T, n int) *tablePlayers {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pl := &tablePlayers{tc: tc, stop: cancel}
	for i := range n {
		p := &tablePlayer{name: fmt.Sprintf("p%02d", i+1), kind: game.KindSchafkopf, bots: 3}
		if i%2 == 1 {
			p.kind, p.bots = game.KindSchnapsen, 1
		}
		res := pl.send(p, fsm.Command{Op: fsm.OpCreateTable, Game: p.kind, Options: tableOptions, Bots: p.bots})
		if res == nil || res.Err != nil {
			cancel()
			t.Fatalf("%s creates a %s table: %+v, %v", p.name, p.kind, res, pl.errList())
		}
		p.table = res.Ack.Table
		pl.players = append(pl.players, p)
	}
	for _, p := range pl.players {
		pl.wg.Add(1)
		go pl.play(ctx, p)
	}
	t.Cleanup(func() { cancel(); pl.wg.Wait() })
	return pl
}

// maxSeq keeps every seq a player sends inside the FSM's dedup window, so
// that the end of the test can re-propose all of them: a player whose
// seqs run out leaves its table.
const maxSeq = fsm.DedupWindow

// play is one player's loop: act when the bot would, leave when stopped.
func (pl *tablePlayers) play(ctx context.Context, p *tablePlayer) {
	defer pl.wg.Done()
	for ctx.Err() == nil {
		if p.seq >= maxSeq-1 {
			pl.mu.Lock()
			pl.budget++
			pl.mu.Unlock()
			break
		}
		_, st := pl.tc.leaderNow()
		if st == nil {
			pause(ctx, 5*time.Millisecond)
			continue
		}
		// A client acts on a state at least as new as its last ack; a
		// new leader that is still applying the log is waited for.
		sv, ok := st.ViewFor(p.table, p.name)
		if !ok || sv.Event < p.known {
			pause(ctx, 5*time.Millisecond)
			continue
		}
		cmd, ok := bot.Choose(&sv.View)
		if !ok {
			pause(ctx, 10*time.Millisecond)
			continue
		}
		if pl.send(p, fsm.Command{Op: fsm.OpGame, Table: p.table, Action: cmd}) == nil {
			return
		}
	}
	if res := pl.send(p, fsm.Command{Op: fsm.OpLeaveTable, Table: p.table}); res != nil {
		if res.Err != nil {
			pl.fail(fmt.Errorf("%s leaves table %d: %w", p.name, p.table, res.Err))
		}
		p.left = true
	}
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// send proposes cmd with p's next seq and records the answer; nil when no
// answer came (the error is recorded).
func (pl *tablePlayers) send(p *tablePlayer, cmd fsm.Command) *fsm.Applied {
	p.seq++
	cmd.Player, cmd.Seq = p.name, p.seq
	res, err := pl.tc.propose(cmd, &pl.stats)
	if err != nil {
		pl.fail(fmt.Errorf("%s seq %d (%s): %w", p.name, p.seq, cmd.Op, err))
		return nil
	}
	p.sent = append(p.sent, sentCommand{cmd: cmd, ack: res.Ack})
	if res.Ack.Table == p.table || p.table == 0 {
		p.known = max(p.known, res.Ack.Event)
	}
	return res
}

func (pl *tablePlayers) fail(err error) {
	pl.mu.Lock()
	pl.errs = append(pl.errs, err)
	pl.mu.Unlock()
}

func (pl *tablePlayers) errList() []error {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return append([]error(nil), pl.errs...)
}

// waitInFlight waits, polling every millisecond for up to 5 s, until at
// least n player proposals are in flight, and returns how many are.
func (pl *tablePlayers) waitInFlight(n int32) int32 {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := pl.stats.inFlight.Load()
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(time.Millisecond)
	}
}

// leave makes every player leave and waits until they have.
func (pl *tablePlayers) leave(t *testing.T) {
	t.Helper()
	pl.stop()
	pl.wg.Wait()
	for _, err := range pl.errList() {
		t.Errorf("player: %v", err)
	}
	for _, p := range pl.players {
		if !p.left {
			t.Errorf("%s did not leave table %d", p.name, p.table)
		}
	}
	var sent int
	for _, p := range pl.players {
		sent += len(p.sent)
	}
	t.Logf("players: %d commands answered, %d sent again after not being appended, %d after an unknown outcome (%d of those answered as duplicates), %d players ran out of seqs",
		sent, pl.stats.notAppended.Load(), pl.stats.unknown.Load(), pl.stats.dupAnswers.Load(), pl.budget)
}

// checkAcked re-proposes every answered player command: each must come back
// as a Duplicate with the answer the player got the first time. That is
// the proof that no acknowledged command was lost, and that none applies
// twice.
func (pl *tablePlayers) checkAcked(t *testing.T) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	var stats proposal // apart from the play's, which leave logged
	for _, p := range pl.players {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range p.sent {
				res, err := pl.tc.propose(s.cmd, &stats)
				if err == nil && res.Duplicate && res.Ack == s.ack && len(res.Events) == 0 {
					continue
				}
				mu.Lock()
				if err != nil {
					bad = append(bad, fmt.Sprintf("%s seq %d: %v", p.name, s.cmd.Seq, err))
				} else {
					bad = append(bad, fmt.Sprintf("%s seq %d (%s): duplicate=%v ack %+v, first ack %+v",
						p.name, s.cmd.Seq, s.cmd.Op, res.Duplicate, res.Ack, s.ack))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, b := range bad {
		if i == 10 {
			t.Errorf("... and %d more", len(bad)-10)
			break
		}
		t.Errorf("acknowledged command lost or changed: %s", b)
	}
}

// finish makes the players leave, waits for the bots to end the deals in
// progress and the tables to close, then checks that every acknowledged
// command is in the dedup record and that every node holds the same state.
func (tc *tableCluster) finish(t *testing.T, pl *tablePlayers) {
	t.Helper()
	start := time.Now()
	pl.leave(t)
	waitFor(t, "every table closed", func() bool {
		_, st := tc.leaderNow()
		return st != nil && st.TableCount() == 0
	})
	t.Logf("tables closed %v after the players left", time.Since(start).Round(time.Millisecond))
	pl.checkAcked(t)
	tc.checkSameState(t)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	for _, st := range tc.all {
		for _, g := range st.gapList() {
			t.Errorf("event numbering: %s", g)
		}
	}
}

// waitForWhy polls cond until it returns "" and fails with its last
// answer when waitTimeout passes.
func waitForWhy(t *testing.T, what string, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		why := cond()
		if why == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %s", waitTimeout, what, why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkSameState waits until every running node has applied the leader's
// whole log and checks that their states encode to the same bytes.
func (tc *tableCluster) checkSameState(t *testing.T) {
	t.Helper()
	var hash string
	var index uint64
	waitForWhy(t, "identical state on every node", func() string {
		leader := tc.currentLeader()
		if leader == nil {
			return "no agreed leader"
		}
		index = leader.node().Status().LastLogIndex
		var ref []byte
		for _, tn := range tc.up() {
			if got := tn.node().Status().AppliedIndex; got != index {
				return fmt.Sprintf("%s applied %d of %d", tn.id, got, index)
			}
			st := tc.state(tn)
			b, err := st.Encode()
			if err != nil {
				return err.Error()
			}
			if ref == nil {
				ref, hash = b, st.StateHash()
			} else if !bytes.Equal(ref, b) {
				return fmt.Sprintf("%s's state differs from %s's at index %d", tn.id, tc.up()[0].id, index)
			}
		}
		return ""
	})
	t.Logf("%d nodes agree at index %d, state hash %.12s", len(tc.up()), index, hash)
}

// checkOneTableDuty waits until the tables duty runs on the leader and
// nowhere else.
func (tc *tableCluster) checkOneTableDuty(t *testing.T) {
	t.Helper()
	waitFor(t, "the tables duty on the leader only", func() bool {
		leader := tc.currentLeader()
		if leader == nil {
			return false
		}
		for _, tn := range tc.up() {
			want := int32(0)
			if tn == leader {
				want = 1
			}
			if tc.state(tn).dutyRunning.Load() != want {
				return false
			}
		}
		return true
	})
}

// tableEvents returns every open table's event number on st.
func tableEvents(st *nodeState) map[int64]int64 {
	out := map[int64]int64{}
	for _, info := range st.Tables() {
		out[info.ID] = info.Event
	}
	return out
}

// midTrick counts the tables of pl whose current trick has cards in it.
func midTrick(st *nodeState, pl *tablePlayers) int {
	n := 0
	for _, p := range pl.players {
		if sv, ok := st.ViewFor(p.table, "observer"); ok && sv.View.Playing && len(sv.View.Trick) > 0 {
			n++
		}
	}
	return n
}

func TestTablesPlayOnAfterLeaderKill(t *testing.T) {
	start := time.Now()
	tc := newTableCluster(t)
	pl := tc.startPlayers(t, 20)
	tc.waitResults(t, 10)
	tc.checkOneTableDuty(t)

	old := tc.Leader(t)
	// Kill while players' commands are in flight, so that some answers
	// die with the leader and their players must send the same seq again.
	inFlight := pl.waitInFlight(2)
	before := tc.state(old).Outbox()
	t.Logf("%v: %d results; killing the leader %s with %d player commands in flight",
		time.Since(start).Round(time.Millisecond), len(before), old.id, inFlight)
	killed := time.Now()
	tc.Kill(old.id)
	leader := tc.Leader(t)
	if leader.id == old.id {
		t.Fatal("the killed node still leads")
	}
	t.Logf("%s leads %v after the kill", leader.id, time.Since(killed).Round(time.Millisecond))
	tc.waitResults(t, len(before)+10)
	t.Logf("%d results %v after the kill", tc.results(), time.Since(killed).Round(time.Millisecond))

	tc.Restart(old.id)
	tc.checkOneTableDuty(t)
	tc.waitResults(t, len(before)+15)
	tc.finish(t, pl)

	for _, tn := range tc.up() {
		have := map[string]fsm.Result{}
		for _, r := range tc.state(tn).Outbox() {
			have[r.GameID] = r
		}
		for _, r := range before {
			if got, ok := have[r.GameID]; !ok || !reflect.DeepEqual(got, r) {
				t.Errorf("%s's outbox lost or changed result %s from before the kill", tn.id, r.GameID)
			}
		}
	}
	t.Logf("whole scenario %v", time.Since(start).Round(time.Millisecond))
}

func TestTablesPartitionedLeaderCannotCommit(t *testing.T) {
	start := time.Now()
	tc := newTableCluster(t)
	pl := tc.startPlayers(t, 10)
	tc.waitResults(t, 5)

	old := tc.Leader(t)
	tc.Partition(old.id)
	t.Logf("%v: partitioned the leader %s with %d results", time.Since(start).Round(time.Millisecond), old.id, len(tc.state(old).Outbox()))

	// A player whose client still talks to the old leader gets a typed
	// error, never an answer: the minority cannot commit.
	probe := fsm.Command{Op: fsm.OpJoinTable, Player: "probe", Seq: 1, Table: 1 << 40}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	res, err := old.node().ProposeCommand(ctx, probe)
	cancel()
	switch {
	case err == nil:
		t.Fatalf("the partitioned leader committed a command: %+v", res)
	case errors.Is(err, ErrNotLeader), errors.Is(err, ErrOutcomeUnknown), errors.Is(err, ErrTimeout):
		t.Logf("the partitioned leader answers: %v", err)
	default:
		t.Fatalf("the partitioned leader answers %v, want ErrNotLeader, ErrOutcomeUnknown or ErrTimeout", err)
	}
	waitFor(t, "the old leader to step down", func() bool { return !old.node().IsLeader() })
	waitFor(t, "its tables duty to stop", func() bool { return tc.state(old).dutyRunning.Load() == 0 })

	leader := tc.Leader(t)
	if leader == old {
		t.Fatal("the partitioned node leads the majority")
	}
	majority := tc.results()
	tc.waitResults(t, majority+5)
	t.Logf("%s leads the majority; results %d -> %d", leader.id, majority, tc.results())
	// While the majority plays on, the minority's state stands still.
	frozen, err := tc.state(old).Encode()
	if err != nil {
		t.Fatal(err)
	}
	tc.waitResults(t, tc.results()+3)
	if now, _ := tc.state(old).Encode(); !bytes.Equal(now, frozen) {
		t.Error("the partitioned node's state changed while it was cut off")
	}

	tc.Heal()
	tc.Leader(t)
	tc.checkOneTableDuty(t)
	// The probe's entry never committed: sent again now, it is applied
	// for the first time, not answered as a duplicate.
	var stats proposal
	res, err = tc.propose(probe, &stats)
	if err != nil {
		t.Fatalf("the probe after healing: %v", err)
	}
	if res.Duplicate {
		t.Errorf("the probe proposed to the minority was applied: %+v", res.Ack)
	}
	tc.finish(t, pl)
	t.Logf("whole scenario %v", time.Since(start).Round(time.Millisecond))
}

func TestTablesTransferLeadershipMidTrick(t *testing.T) {
	start := time.Now()
	tc := newTableCluster(t)
	pl := tc.startPlayers(t, 10)
	tc.waitResults(t, 3)

	old := tc.Leader(t)
	target := tc.Followers(t)[0]
	waitFor(t, "tables in the middle of a trick", func() bool { return midTrick(tc.state(old), pl) >= 3 })
	mid := midTrick(tc.state(old), pl)
	events := tableEvents(tc.state(old))

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	transfer := time.Now()
	if err := old.node().TransferLeadership(ctx, target.id); err != nil {
		t.Fatalf("TransferLeadership: %v", err)
	}
	leader := tc.Leader(t)
	t.Logf("%v: leadership %s -> %s in %v with %d tables mid-trick", transfer.Sub(start).Round(time.Millisecond),
		old.id, leader.id, time.Since(transfer).Round(time.Millisecond), mid)
	if leader.id != target.id {
		t.Fatalf("leader is %s, want %s", leader.id, target.id)
	}
	tc.checkOneTableDuty(t)

	// No table is stuck: each one's event number moves on under the new
	// leader (or the table closed, its player out of seqs).
	waitForWhy(t, "every table to move on", func() string {
		now := tableEvents(tc.state(leader))
		for id, ev := range events {
			if got, open := now[id]; open && got <= ev {
				return fmt.Sprintf("table %d still at event %d", id, got)
			}
		}
		return ""
	})
	t.Logf("every table moved on %v after the transfer", time.Since(transfer).Round(time.Millisecond))
	tc.waitResults(t, tc.results()+5)
	tc.finish(t, pl)
	t.Logf("whole scenario %v", time.Since(start).Round(time.Millisecond))
}

func TestTablesFollowerCatchesUpFromSnapshot(t *testing.T) {
	start := time.Now()
	tc := newTableCluster(t, func(cfg *Config) {
		// Snapshot every 200 entries or so and keep only 50 behind.
		cfg.SnapshotThreshold = 200
		cfg.SnapshotInterval = 50 * time.Millisecond
		cfg.TrailingLogs = 50
		cfg.walSegmentSize = 16 << 10 // compaction drops the early segments
		cfg.transportTimeout = snapshotTestRPCTimeout
	})
	pl := tc.startPlayers(t, 10)
	tc.waitResults(t, 3)

	down := tc.Followers(t)[0]
	n := down.node()
	tc.Kill(down.id)
	downLast := n.raft.LastIndex() // read once it is down, so it is final
	t.Logf("%v: %s down at log index %d", time.Since(start).Round(time.Millisecond), down.id, downLast)

	// Play on until the leader's snapshot and compacted log leave
	// nothing for the follower to catch up from but the snapshot.
	var snapIndex, first uint64
	waitFor(t, "a snapshot past the follower and the log compacted", func() bool {
		leader := tc.currentLeader()
		if leader == nil {
			return false
		}
		n := leader.node()
		if _, err := fmt.Sscan(n.raft.Stats()["last_snapshot_index"], &snapIndex); err != nil {
			return false
		}
		f, err := n.store.FirstIndex()
		first = f
		return err == nil && snapIndex > downLast && first > downLast+1
	})
	t.Logf("%v: leader snapshot at %d, its log starts at %d", time.Since(start).Round(time.Millisecond), snapIndex, first)

	// A request the leader built before it compacted, with the entries
	// the follower lacks, waits in its dial until the transport timeout
	// and would still catch the follower up from the log.
	time.Sleep(2 * snapshotTestRPCTimeout)
	// Restores during Open come from the follower's own snapshots; one
	// after Open can only be the leader's InstallSnapshot.
	tc.Restart(down.id)
	st := tc.state(down)
	waitFor(t, "the follower to install the leader's snapshot", func() bool { return st.restores.Load() > st.openedWith })
	t.Logf("%s restored %d snapshot(s) while opening, then installed the leader's", down.id, st.openedWith)
	tc.waitResults(t, tc.results()+3)
	tc.finish(t, pl)
	t.Logf("whole scenario %v", time.Since(start).Round(time.Millisecond))
}
