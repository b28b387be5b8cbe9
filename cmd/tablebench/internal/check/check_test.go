package check

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"tableraft/cmd/tablebench/internal/record"
	"tableraft/fsm"
	"tableraft/game"
)

// history is a small replicated history built in the test: player a
// creates a Schafkopf table (no bots: it waits for players), b and c join.
type history struct {
	logs []*raft.Log
	ops  []record.Op
	hash string
}

func entry(t *testing.T, index uint64, cmd fsm.Command) *raft.Log {
	t.Helper()
	b, err := cmd.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return &raft.Log{Index: index, Term: 1, Type: raft.LogCommand, Data: b}
}

// build makes the history and the clients' record of it: every op acked
// with the outcome the FSM gives, op i called at second 10*i and
// answered at 10*i+1.
func build(t *testing.T) history {
	t.Helper()
	t0 := time.Unix(1_000_000, 0)
	cmds := []fsm.Command{
		{Op: fsm.OpCreateTable, Player: "a", Seq: 1, Game: game.KindSchafkopf, Now: t0.UnixMilli()},
		{Op: fsm.OpJoinTable, Player: "b", Seq: 1, Table: 1, Now: t0.Add(10 * time.Second).UnixMilli()},
		{Op: fsm.OpJoinTable, Player: "c", Seq: 1, Table: 1, Now: t0.Add(20 * time.Second).UnixMilli()},
	}
	f := fsm.New(nil)
	var h history
	for i, c := range cmds {
		l := entry(t, uint64(i+1), c)
		h.logs = append(h.logs, l)
		res := f.Apply(l).(*fsm.Applied)
		if res.Err != nil {
			t.Fatalf("command %d: %v", i, res.Err)
		}
		op := record.Op{Player: c.Player, Kind: string(c.Op), Table: c.Table, Seq: int64(c.Seq),
			Call: t0.Add(time.Duration(10*i) * time.Second), Return: t0.Add(time.Duration(10*i+1) * time.Second),
			Outcome: record.OK, Event: res.Ack.Event, AckTab: res.Ack.Table}
		h.ops = append(h.ops, op)
	}
	h.hash = f.StateHash()
	return h
}

func (h history) input() Input {
	return Input{Logs: map[string][]*raft.Log{"n1": h.logs, "n2": h.logs}, Hashes: map[string]string{"n1": h.hash, "n2": h.hash},
		Ops: h.ops, PG: map[string][]byte{}}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(t *testing.T, h *history, in *Input)
		want   string // a violation containing this; "" for none
	}{
		{"a clean history passes", func(*testing.T, *history, *Input) {}, ""},
		{"an acked command missing from the history", func(t *testing.T, h *history, in *Input) {
			in.Logs = map[string][]*raft.Log{"n1": h.logs[:2]}
		}, "acked but is not in the history"},
		{"a command no client sent", func(t *testing.T, h *history, in *Input) {
			in.Ops = in.Ops[:2] // nobody recorded c's join
		}, "which no client sent"},
		{"an ack with another event number", func(t *testing.T, h *history, in *Input) {
			in.Ops[1].Event++
		}, "the history applied it at"},
		{"a refusal for an applied command", func(t *testing.T, h *history, in *Input) {
			in.Ops[2].Outcome, in.Ops[2].Code = record.Refused, "tableFull"
		}, "was refused (tableFull) but the history applied it"},
		{"a node with another state", func(t *testing.T, h *history, in *Input) {
			in.Hashes["n2"] = "0000"
		}, "node n2 reports state hash"},
		{"nodes whose logs differ", func(t *testing.T, h *history, in *Input) {
			other := append([]*raft.Log(nil), h.logs...)
			c := *other[1]
			c.Term = 2
			other[1] = &c
			in.Logs["n2"] = other
		}, "log index 2 differs"},
		{"a deal in PostgreSQL the history never finished", func(t *testing.T, h *history, in *Input) {
			in.PG["t1-d1"], in.PGRows = []byte(`{}`), 1
		}, "never finished"},
		{"acks in an order real time forbids", func(t *testing.T, h *history, in *Input) {
			// c's join returned before b's was sent, yet the log applied
			// b's first: no linearization exists.
			in.Ops[2].Call, in.Ops[2].Return = in.Ops[1].Call.Add(-3*time.Second), in.Ops[1].Call.Add(-2*time.Second)
		}, "not linearizable"},
		{"an unknown outcome that was applied is matched", func(t *testing.T, h *history, in *Input) {
			in.Ops[2].Outcome, in.Ops[2].Seq, in.Ops[2].Return, in.Ops[2].Event, in.Ops[2].AckTab = record.Unknown, 0, time.Time{}, 0, 0
		}, ""},
		{"a client event the history does not hold", func(t *testing.T, h *history, in *Input) {
			in.Seen = []record.Seen{{Player: "a", Table: 1, Event: 99, Type: "cardPlayed"}}
		}, "which the history does not hold"},
		{"a client event of another type", func(t *testing.T, h *history, in *Input) {
			in.Seen = []record.Seen{{Player: "a", Table: 1, Event: 1, Type: "cardPlayed"}}
		}, "the history holds playerJoined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := build(t)
			in := h.input()
			tt.break_(t, &h, &in)
			r := Check(in)
			all := strings.Join(r.Violations, "\n")
			switch {
			case tt.want == "" && r.ViolationCount != 0:
				t.Fatalf("want no violation, got %d:\n%s", r.ViolationCount, all)
			case tt.want != "" && !strings.Contains(all, tt.want):
				t.Fatalf("want a violation with %q, got %d:\n%s", tt.want, r.ViolationCount, all)
			}
		})
	}
}

// TestUnknownAppliedIsCounted: an unknown outcome the history applied is
// matched to its entry by content.
func TestUnknownAppliedIsCounted(t *testing.T) {
	h := build(t)
	in := h.input()
	in.Ops[1].Outcome, in.Ops[1].Seq, in.Ops[1].Return = record.Unknown, 0, time.Time{}
	r := Check(in)
	if r.ViolationCount != 0 || r.UnknownApplied != 1 || r.Linearizable != 1 {
		t.Fatalf("violations %v, unknown applied %d, linearizable tables %d", r.Violations, r.UnknownApplied, r.Linearizable)
	}
}

// TestHashAtReportedIndex: the nodes' hashes are compared with the
// replay's at the index they reported, not at the end of a log that grew
// after the report.
func TestHashAtReportedIndex(t *testing.T) {
	h := build(t)
	f := fsm.New(nil)
	for _, l := range h.logs[:2] {
		f.Apply(l)
	}
	in := h.input()
	in.HashIndex, in.Hashes = 2, map[string]string{"n1": f.StateHash()}
	if r := Check(in); r.ViolationCount != 0 {
		t.Fatalf("hash at index 2: %v", r.Violations)
	}
	in.HashIndex = 3
	if r := Check(in); r.ViolationCount == 0 {
		t.Fatal("the hash of index 2 passed as the hash of index 3")
	}
}
