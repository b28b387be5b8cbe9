package check

import (
	"fmt"
	"math"
	"sort"

	"github.com/anishathalye/porcupine"

	"tableraft/cmd/tablebench/internal/record"
	"tableraft/game"
)

// The linearizability model. A table is one object; its operations are
// the clients' requests at it. The model's state is how far the table's
// replicated state machine has gone: the position of the last client
// command applied, in the order the log applied the table's first
// applications (perTable). An operation steps the machine to the
// position where the history applied it, and only forward; its outcome
// must be the one the replayed machine gave at that step (the ack's event
// number, or the same refusal code). An operation the history never
// applied leaves the state alone and may only have been refused (by the
// leader's pre-check) or have an unknown outcome; an acked one is
// impossible. Unknown outcomes never return (Return = +inf), so porcupine
// may place them anywhere after their call, or nowhere.
//
// So a history is linearizable iff some order of the clients' operations
// that respects real time (an op that returned before another was sent
// comes first) is the order the log applied them, with the outcomes the
// state machine gives in that order.

type linInput struct {
	pos int  // position in the table's applications, -1: never applied
	bad bool // its outcome contradicts the replayed machine at pos
}

func linStep(state, input, _ any) (bool, any) {
	s, in := state.(int), input.(linInput)
	switch {
	case in.bad:
		return false, s
	case in.pos < 0:
		return true, s
	case in.pos <= s:
		return false, s
	}
	return true, in.pos
}

var linModel = porcupine.Model{
	Init: func() any { return -1 },
	Step: linStep,
	DescribeOperation: func(input, _ any) string {
		in := input.(linInput)
		return fmt.Sprintf("pos %d bad %v", in.pos, in.bad)
	},
}

func checkLinearizable(r *Report, in Input, perTable map[int64][]*applied, pos map[int]*applied) {
	position := map[*applied]int{}
	for _, as := range perTable {
		for i, a := range as {
			position[a] = i
		}
	}
	ops := map[int64][]porcupine.Operation{}
	var base int64 = math.MaxInt64
	for _, op := range in.Ops {
		base = min(base, op.Call.UnixNano())
	}
	for i, op := range in.Ops {
		table := op.Table
		if op.Kind == "createTable" {
			table = op.AckTab
			if a := pos[i]; a != nil {
				table = a.table
			}
		}
		if table == 0 {
			continue
		}
		li := linInput{pos: -1}
		if a := pos[i]; a != nil {
			li.pos = position[a]
			switch op.Outcome {
			case record.OK:
				li.bad = a.res.Err != nil || a.res.Ack.Event != op.Event
			case record.Refused:
				li.bad = a.res.Err == nil || game.CodeOf(a.res.Err) != op.Code
			}
		} else if op.Outcome == record.OK {
			li.bad = true
		}
		ret := int64(math.MaxInt64)
		if op.Outcome != record.Unknown {
			ret = op.Return.UnixNano() - base
		}
		ops[table] = append(ops[table], porcupine.Operation{ClientId: 0, Input: li, Call: op.Call.UnixNano() - base, Output: op.Outcome, Return: ret})
	}
	tables := make([]int64, 0, len(ops))
	for t := range ops {
		tables = append(tables, t)
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i] < tables[j] })
	r.Tables = len(tables)
	for _, t := range tables {
		switch porcupine.CheckOperationsTimeout(linModel, ops[t], in.LinTimeout) {
		case porcupine.Ok:
			r.Linearizable++
		case porcupine.Unknown:
			r.LinUnknown++
		default:
			r.fail("table %d: the clients' operations are not linearizable against the replicated state machine", t)
		}
	}
}
