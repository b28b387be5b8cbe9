// Package check is the chaos run's checker. It takes what the clients
// wrote down (every request with its outcome, every event received), the
// Raft logs of every node read from their BoltDB files after the run,
// the nodes' final state hashes and the deals stored in PostgreSQL, and
// reports every way they disagree:
//
//   - the nodes' logs agree entry by entry, and replaying the log through
//     a fresh fsm.FSM (the game engine included, from the seeds in the
//     log) reproduces the state hash every node reports;
//   - every acked command is applied exactly once in the history, with the
//     ack's table and event number; a refused command is not applied (or
//     applied as the same refusal); no player command is in the history
//     that no client sent (a command with unknown outcome may be there,
//     once);
//   - every client's stream of events is the history's, type by type;
//   - every finished deal of the history is in PostgreSQL exactly once,
//     with the result the replay computes, and nothing else is;
//   - per table, the clients' operations (unknown outcomes included, as
//     operations that never returned) are linearizable with porcupine
//     against the table's replicated state machine (model.go).
package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/raft"

	"tableraft/cmd/tablebench/internal/record"
	"tableraft/fsm"
	"tableraft/game"
)

// Input is everything the checker reads.
type Input struct {
	// Logs holds each node's Raft log entries in index order.
	Logs map[string][]*raft.Log
	// Hashes is each node's final state hash (GET /status), taken when
	// the FSM had applied HashIndex (0: the end of the log).
	Hashes    map[string]string
	HashIndex uint64
	Ops       []record.Op
	Seen      []record.Seen
	// PG maps each stored deal's game id to its result (fsm.Result as
	// JSON) and PGRows counts the rows of the games table.
	PG     map[string][]byte
	PGRows int
	// LinTimeout bounds porcupine per table (default 10 s).
	LinTimeout time.Duration
}

// Report is what the checker found.
type Report struct {
	LogEntries     int      `json:"logEntries"`
	PlayerEntries  int      `json:"playerEntries"`
	Duplicates     int      `json:"duplicateEntries"` // retried commands deduped by Apply
	Acked          int      `json:"acked"`
	Refused        int      `json:"refused"`
	Unknown        int      `json:"unknown"`
	UnknownApplied int      `json:"unknownApplied"`
	EventsSeen     int      `json:"eventsSeen"`
	Deals          int      `json:"deals"`
	PGRows         int      `json:"pgRows"`
	Tables         int      `json:"tables"`
	Linearizable   int      `json:"linearizableTables"`
	LinUnknown     int      `json:"linearizabilityTimeouts"`
	StateHash      string   `json:"stateHash"`
	Violations     []string `json:"violations"`
	// ViolationCount counts every violation; Violations keeps the first
	// 100.
	ViolationCount int `json:"violationCount"`
}

func (r *Report) fail(format string, args ...any) {
	r.ViolationCount++
	if len(r.Violations) < 100 {
		r.Violations = append(r.Violations, fmt.Sprintf(format, args...))
	}
}

// key names a player command.
type key struct {
	player string
	seq    uint64
}

// applied is one player command of the history.
type applied struct {
	index uint64
	cmd   fsm.Command
	res   *fsm.Applied
	table int64 // the table it acted at (createTable: the new one)
	used  bool  // matched to a client op
}

// Check runs every check.
func Check(in Input) Report {
	var r Report
	if in.LinTimeout <= 0 {
		in.LinTimeout = 10 * time.Second
	}
	ref := checkLogs(&r, in.Logs)

	// Replay the history.
	f := fsm.New(nil)
	byKey := map[key][]*applied{}
	perTable := map[int64][]*applied{} // first applications only, in log order
	eventType := map[int64]map[int64]string{}
	deals := map[string]fsm.Result{}
	for _, l := range ref {
		if l.Type != raft.LogCommand {
			continue
		}
		r.LogEntries++
		cmd, err := fsm.DecodeCommand(l.Data)
		if err != nil {
			r.fail("log entry %d does not decode: %v", l.Index, err)
			continue
		}
		res, _ := f.Apply(l).(*fsm.Applied)
		if l.Index == in.HashIndex {
			r.StateHash = f.StateHash()
		}
		if res == nil {
			r.fail("log entry %d: Apply returned no result", l.Index)
			continue
		}
		for _, e := range res.Events {
			m := eventType[e.Table]
			if m == nil {
				m = map[int64]string{}
				eventType[e.Table] = m
			}
			m[e.No] = e.Event.Type()
			if e.Event.Type() == "dealResult" {
				for _, o := range f.Outbox() {
					if o.Table == e.Table {
						deals[o.GameID] = o // the newest of the table wins
					}
				}
			}
		}
		if cmd.Player == "" {
			continue
		}
		r.PlayerEntries++
		a := &applied{index: l.Index, cmd: cmd, res: res, table: cmd.Table}
		if cmd.Op == fsm.OpCreateTable {
			a.table = res.Ack.Table
		}
		k := key{cmd.Player, cmd.Seq}
		byKey[k] = append(byKey[k], a)
		if res.Duplicate {
			r.Duplicates++
			continue
		}
		if a.table != 0 {
			perTable[a.table] = append(perTable[a.table], a)
		}
	}
	if in.HashIndex == 0 {
		r.StateHash = f.StateHash()
	} else if r.StateHash == "" {
		r.fail("the nodes reported their state at index %d, which the history does not hold", in.HashIndex)
	}
	for node, h := range in.Hashes {
		if h != r.StateHash {
			r.fail("node %s reports state hash %.12s, the replayed history gives %.12s", node, h, r.StateHash)
		}
	}

	// Client operations against the history.
	first := func(k key) *applied {
		for _, a := range byKey[k] {
			if !a.res.Duplicate {
				return a
			}
		}
		return nil
	}
	pos := map[int]*applied{} // op index -> its application
	var unknown []int
	for i, op := range in.Ops {
		switch op.Outcome {
		case record.OK:
			r.Acked++
		case record.Refused:
			r.Refused++
		default:
			r.Unknown++
			unknown = append(unknown, i)
			continue
		}
		if op.Seq == 0 {
			continue // refused before a seq was read: never proposed
		}
		k := key{op.Player, uint64(op.Seq)}
		for _, a := range byKey[k] {
			a.used = true
		}
		a := first(k)
		switch {
		case op.Outcome == record.OK && a == nil:
			r.fail("%s seq %d (%s at table %d) was acked but is not in the history", op.Player, op.Seq, op.Kind, op.Table)
		case op.Outcome == record.OK && a.res.Err != nil:
			r.fail("%s seq %d (%s) was acked, the history refused it (%s)", op.Player, op.Seq, op.Kind, game.CodeOf(a.res.Err))
		case op.Outcome == record.OK && (a.res.Ack.Event != op.Event || a.res.Ack.Table != op.AckTab):
			r.fail("%s seq %d (%s) was acked at table %d event %d, the history applied it at table %d event %d",
				op.Player, op.Seq, op.Kind, op.AckTab, op.Event, a.res.Ack.Table, a.res.Ack.Event)
		case op.Outcome == record.Refused && a != nil && a.res.Err == nil:
			r.fail("%s seq %d (%s at table %d) was refused (%s) but the history applied it at index %d", op.Player, op.Seq, op.Kind, op.Table, op.Code, a.index)
		case op.Outcome == record.Refused && a != nil && game.CodeOf(a.res.Err) != op.Code:
			r.fail("%s seq %d (%s) was refused with %s, the history with %s", op.Player, op.Seq, op.Kind, op.Code, game.CodeOf(a.res.Err))
		}
		if a != nil {
			pos[i] = a
		}
	}
	// Unknown outcomes: matched by content to history entries no known
	// outcome claims, earliest first.
	sort.Slice(unknown, func(i, j int) bool { return in.Ops[unknown[i]].Call.Before(in.Ops[unknown[j]].Call) })
	var entries []*applied
	for _, as := range byKey {
		entries = append(entries, as...)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].index < entries[j].index })
	for _, i := range unknown {
		op := in.Ops[i]
		for _, a := range entries {
			if a.used || a.cmd.Player != op.Player || kindOf(a.cmd) != op.Kind || (op.Kind != "createTable" && a.cmd.Table != op.Table) {
				continue
			}
			if a.cmd.Now < op.Call.UnixMilli()-2000 {
				continue // proposed before the client sent it
			}
			for _, b := range byKey[key{a.cmd.Player, a.cmd.Seq}] {
				b.used = true
			}
			r.UnknownApplied++
			if fa := first(key{a.cmd.Player, a.cmd.Seq}); fa != nil {
				pos[i] = fa
			}
			break
		}
	}
	for _, a := range entries {
		if !a.used {
			r.fail("history index %d holds %s seq %d (%s at table %d), which no client sent", a.index, a.cmd.Player, a.cmd.Seq, kindOf(a.cmd), a.cmd.Table)
		}
	}

	// What the clients received is the history.
	for _, s := range in.Seen {
		r.EventsSeen++
		want, ok := eventType[s.Table][s.Event]
		if !ok {
			r.fail("%s received event %d of table %d (%s), which the history does not hold", s.Player, s.Event, s.Table, s.Type)
		} else if want != s.Type {
			r.fail("%s received event %d of table %d as %s, the history holds %s", s.Player, s.Event, s.Table, s.Type, want)
		}
	}

	// Every finished deal in PostgreSQL exactly once, as replayed.
	r.Deals, r.PGRows = len(deals), in.PGRows
	if in.PG != nil {
		if in.PGRows != len(in.PG) {
			r.fail("PostgreSQL holds %d rows for %d game ids", in.PGRows, len(in.PG))
		}
		for id, d := range deals {
			got, ok := in.PG[id]
			if !ok {
				r.fail("deal %s finished in the history but is not in PostgreSQL", id)
				continue
			}
			if !sameResult(d, got) {
				r.fail("deal %s: PostgreSQL holds a different result than the replay computes", id)
			}
		}
		for id := range in.PG {
			if _, ok := deals[id]; !ok {
				r.fail("PostgreSQL holds deal %s, which the history never finished", id)
			}
		}
	}

	checkLinearizable(&r, in, perTable, pos)
	return r
}

// kindOf names a history entry like a client request.
func kindOf(c fsm.Command) string {
	if c.Op == fsm.OpGame && c.Action != nil {
		return c.Action.Name()
	}
	return string(c.Op)
}

// sameResult compares a replayed result with the stored JSON, through the
// same encoding.
func sameResult(want fsm.Result, got []byte) bool {
	var g fsm.Result
	if err := json.Unmarshal(got, &g); err != nil {
		return false
	}
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(g)
	return bytes.Equal(a, b)
}

// checkLogs compares the nodes' logs index by index and returns the
// longest, the reference history.
func checkLogs(r *Report, logs map[string][]*raft.Log) []*raft.Log {
	var ref []*raft.Log
	refNode := ""
	nodes := make([]string, 0, len(logs))
	for n := range logs {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	for _, n := range nodes {
		if l := logs[n]; len(l) > 0 && (ref == nil || l[len(l)-1].Index > ref[len(ref)-1].Index) {
			ref, refNode = l, n
		}
	}
	if ref == nil {
		r.fail("no node has a log")
		return nil
	}
	if ref[0].Index != 1 {
		r.fail("node %s's log starts at index %d: a snapshot compacted it, the history is incomplete", refNode, ref[0].Index)
	}
	at := map[uint64]*raft.Log{}
	for _, l := range ref {
		at[l.Index] = l
	}
	for _, n := range nodes {
		if n == refNode {
			continue
		}
		for _, l := range logs[n] {
			o := at[l.Index]
			if o == nil {
				continue
			}
			if o.Term != l.Term || o.Type != l.Type || !bytes.Equal(o.Data, l.Data) {
				r.fail("log index %d differs between %s (term %d) and %s (term %d)", l.Index, refNode, o.Term, n, l.Term)
				break
			}
		}
	}
	return ref
}
