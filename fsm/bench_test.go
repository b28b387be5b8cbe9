package fsm_test

import (
	"testing"

	"tableraft/fsm"
	"tableraft/game"
)

var benchCommand = fsm.Command{
	Op: fsm.OpGame, Player: "p4242", Seq: 1234, Table: 9876, Now: 1_700_000_000_000,
	Action: game.PlayCard{Card: game.Card{Rank: game.Ten, Suit: game.Hearts}},
}

// BenchmarkCommandEncode and BenchmarkCommandDecode price the log encoding
// of a typical move, to set beside a Raft commit (milliseconds).
func BenchmarkCommandEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := benchCommand.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCommandDecode(b *testing.B) {
	data, err := benchCommand.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fsm.DecodeCommand(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "bytes/cmd")
}
