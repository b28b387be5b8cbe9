// Package fsm is the replicated state of a Tableraft cluster: every table,
// the table-id sequence, the seats, per-player command dedup and the results
// outbox. It implements raft.FSM. Apply is deterministic: it reads no clock,
// no random source, no network and no disk; the leader stamps time and seeds
// into the commands. See DESIGN.md.
package fsm

import (
	"fmt"
	"io"
	"sync"

	"github.com/hashicorp/raft"

	"tableraft/game"
)

// Applied is Apply's answer to one command: the events it caused, in order
// and numbered per table, and the ack or refusal for the command's sender.
// A Duplicate is a retried (player, seq): nothing was applied, Ack repeats
// the first answer.
type Applied struct {
	Events    []TableEvent
	Ack       Outcome
	Err       error
	Duplicate bool
}

// Listener receives the events of every applied command, on every node, in
// log order. It is called with the FSM locked: it must not block and must
// not call back into the FSM (the hub queues and returns).
type Listener func(index uint64, events []TableEvent)

// FSM is the replicated state machine. All methods are safe for concurrent
// use; Apply, Restore and the readers serialize on one lock.
type FSM struct {
	mu       sync.RWMutex
	s        *state
	index    uint64 // the last applied log index
	listener Listener
	recent   map[int64]*eventRing // per table, for resume; not replicated
	// changed lists the tables with events since the last TakeChanged, and
	// wake signals the first change after it: the leader's duties react to
	// a move at once instead of at their next look at every table. Not
	// replicated, and never read by Apply. changedMu, not mu, guards it:
	// taking the changes must not wait for, or hold up, the readers.
	changedMu sync.Mutex
	changed   map[int64]struct{}
	wake      chan struct{}
}

// state is the replicated data proper: what a snapshot holds.
type state struct {
	NextTable int64
	Tables    map[int64]*tableState
	Windows   map[string]*seqWindow
	Outbox    []Result
	Nodes     map[string]NodeInfo
}

func newState() *state {
	return &state{NextTable: 1, Tables: map[int64]*tableState{}, Windows: map[string]*seqWindow{}, Nodes: map[string]NodeInfo{}}
}

// New returns an empty FSM. listener may be nil.
func New(listener Listener) *FSM {
	return &FSM{s: newState(), listener: listener, recent: map[int64]*eventRing{},
		changed: map[int64]struct{}{}, wake: make(chan struct{}, 1)}
}

var _ raft.FSM = (*FSM)(nil)

// Apply applies one committed log entry. It returns *Applied for command
// entries; raft hands that to the proposer's future.
func (f *FSM) Apply(l *raft.Log) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.index = l.Index
	if l.Type != raft.LogCommand {
		return nil
	}
	cmd, err := DecodeCommand(l.Data)
	if err != nil {
		return &Applied{Err: refuse(ErrBadMessage, "%v", err)}
	}
	res := f.apply(cmd)
	if len(res.Events) > 0 {
		f.changedMu.Lock()
		for _, e := range res.Events {
			if _, closed := e.Event.(TableClosed); closed {
				delete(f.recent, e.Table)
				delete(f.changed, e.Table)
				continue
			}
			f.ring(e.Table).add(e)
			f.changed[e.Table] = struct{}{}
		}
		f.changedMu.Unlock()
		if f.listener != nil {
			f.listener(l.Index, res.Events)
		}
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
	return res
}

// ApplyCommand applies cmd as if it were committed at index: the same path
// as Apply, for tests and tools that run the FSM without Raft.
func (f *FSM) ApplyCommand(index uint64, cmd Command) (*Applied, error) {
	b, err := cmd.Encode()
	if err != nil {
		return nil, err
	}
	res, _ := f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: b}).(*Applied)
	return res, nil
}

// apply runs one decoded command. Refusals leave the state unchanged.
func (f *FSM) apply(cmd Command) *Applied {
	if isPlayerOp(cmd.Op) {
		return f.applyPlayerOp(cmd)
	}
	a := &applier{s: f.s, now: cmd.Now}
	err := a.system(cmd)
	return &Applied{Events: a.events, Err: err}
}

func isPlayerOp(op Op) bool {
	switch op {
	case OpCreateTable, OpJoinTable, OpLeaveTable, OpGame:
		return true
	}
	return false
}

// applyPlayerOp dedups by (player, seq), then applies and records the
// outcome, refusals included, so a retry gets the same answer.
func (f *FSM) applyPlayerOp(cmd Command) *Applied {
	if cmd.Player == "" || cmd.Seq == 0 {
		return &Applied{Err: refuse(ErrBadMessage, "a player command needs a player and a seq > 0")}
	}
	w := f.s.Windows[cmd.Player]
	if w == nil {
		w = &seqWindow{Player: cmd.Player}
	}
	if o, found, stale := w.lookup(cmd.Seq); found && !brokenDedup.Load() {
		return &Applied{Ack: o, Err: outcomeErr(o), Duplicate: true}
	} else if stale {
		return &Applied{Err: refuse(ErrStaleSeq, "seq %d is older than the last %d", cmd.Seq, DedupWindow)}
	}
	a := &applier{s: f.s, now: cmd.Now}
	table, err := a.player(cmd)
	o := Outcome{Seq: cmd.Seq, Table: table}
	if t := f.s.Tables[table]; t != nil {
		o.Event = t.Event
	}
	if err != nil {
		o = Outcome{Seq: cmd.Seq, Code: game.CodeOf(err), Msg: err.Error()}
	}
	w.record(o)
	f.s.Windows[cmd.Player] = w
	return &Applied{Events: a.events, Ack: o, Err: err}
}

// outcomeErr rebuilds the refusal of a recorded outcome.
func outcomeErr(o Outcome) error {
	if o.Code == "" {
		return nil
	}
	return &game.Refusal{Code: o.Code, Message: o.Msg}
}

// Snapshot captures the state. The encoding happens here, under the lock,
// so that Persist writes immutable bytes and never races Apply.
func (f *FSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	b, err := encodeState(f.s, f.index)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return &snapshot{data: b}, nil
}

// Restore replaces the state with a snapshot's.
func (f *FSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return fmt.Errorf("restore: read: %w", err)
	}
	s, index, err := decodeState(b)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.s, f.index = s, index
	f.recent = map[int64]*eventRing{}
	f.changedMu.Lock()
	clear(f.changed)
	f.changedMu.Unlock()
	return nil
}

type snapshot struct{ data []byte }

func (s *snapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := sink.Write(s.data); err != nil {
		sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	return sink.Close()
}

func (s *snapshot) Release() {}
