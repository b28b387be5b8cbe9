package fsm

import (
	"slices"
	"testing"

	"tableraft/game"
)

// TestTakeChangedNamesTheTablesThatMoved: the leader's duties learn which
// tables changed since they last asked, and a closed table is not named.
func TestTakeChangedNamesTheTablesThatMoved(t *testing.T) {
	f := New(nil)
	create := func(index uint64, player string, bots int) int64 {
		t.Helper()
		res, err := f.ApplyCommand(index, Command{Op: OpCreateTable, Player: player, Seq: 1, Now: 1, Game: game.KindSchnapsen, Bots: bots})
		if err != nil || res.Err != nil {
			t.Fatalf("create: %v %v", err, res.Err)
		}
		return res.Ack.Table
	}
	// anna's table waits for a second player; bert's deals at once.
	a, b := create(1, "anna", 0), create(2, "bert", 1)
	select {
	case <-f.Changed():
	default:
		t.Fatal("no change signalled")
	}
	if got := f.TakeChanged(); !slices.Equal(got, []int64{a, b}) {
		t.Fatalf("changed %v, want [%d %d]", got, a, b)
	}
	if got := f.TakeChanged(); len(got) != 0 {
		t.Fatalf("changed again %v without a command", got)
	}
	res, err := f.ApplyCommand(3, Command{Op: OpLeaveTable, Player: "anna", Seq: 2, Now: 2, Table: a})
	if err != nil || res.Err != nil {
		t.Fatalf("leave: %v %v", err, res.Err)
	}
	if _, open := f.s.Tables[a]; open {
		t.Fatal("the table stays open after its only player left before a deal")
	}
	if got := f.TakeChanged(); len(got) != 0 {
		t.Fatalf("changed %v: a closed table is named", got)
	}
}
