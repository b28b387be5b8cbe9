package fsm_test

import (
	"bytes"
	"io"
	"testing"

	"tableraft/fsm"
	"tableraft/game"
)

// FuzzRestore feeds arbitrary bytes to the snapshot reader (the Restore
// path a follower runs on a snapshot the leader sends, and every node on
// the snapshot on its disk). A snapshot either is refused, leaving the
// state as it was, or restores a state that reads without panicking and
// snapshots to itself again.
func FuzzRestore(f *testing.F) {
	for _, seed := range snapshotSeeds(f) {
		f.Add(seed)
	}
	for _, s := range []string{``, `{}`, `{"Version":1}`, `{"Version":1,"NextTable":2,"Tables":[{"ID":1}]}`,
		`{"Version":1,"NextTable":5,"Outbox":[{}],"Windows":[{"Player":"p"}],"Nodes":[{"id":"n1"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st := fsm.New(nil)
		before := st.StateHash()
		if err := st.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
			if st.StateHash() != before {
				t.Fatal("a refused snapshot changed the state")
			}
			return
		}
		// The lobby reads of a restored state. (Not the seat views: the
		// reader checks the snapshot's shape, not that every game state
		// in it is one the rules can reach; a snapshot comes from a peer
		// with a cluster certificate or from this node's disk, where
		// raft checks its CRC. docs/SECURITY.md.)
		_ = st.Tables()
		_ = st.Outbox()
		_ = st.Nodes()
		// Snapshot and restore again: the same state.
		first, err := st.Encode()
		if err != nil {
			t.Fatalf("encode a restored state: %v", err)
		}
		snap, err := st.Snapshot()
		if err != nil {
			t.Fatalf("snapshot a restored state: %v", err)
		}
		sink := &memSink{}
		if err := snap.Persist(sink); err != nil {
			t.Fatal(err)
		}
		again := fsm.New(nil)
		if err := again.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
			t.Fatalf("a restored state's own snapshot is refused: %v", err)
		}
		second, err := again.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatal("restore(snapshot(restore(x))) differs from restore(x)")
		}
	})
}

// snapshotSeeds are real snapshots: tables of every game with players,
// bots and a few moves.
func snapshotSeeds(f *testing.F) [][]byte {
	st := fsm.New(nil)
	index := uint64(0)
	apply := func(cmd fsm.Command) *fsm.Applied {
		index++
		res, err := st.ApplyCommand(index, cmd)
		if err != nil {
			f.Fatal(err)
		}
		return res
	}
	var out [][]byte
	snapshot := func() {
		snap, err := st.Snapshot()
		if err != nil {
			f.Fatal(err)
		}
		sink := &memSink{}
		if err := snap.Persist(sink); err != nil {
			f.Fatal(err)
		}
		out = append(out, append([]byte(nil), sink.Bytes()...))
	}
	snapshot()
	for i, kind := range []game.Kind{game.KindSchafkopf, game.KindSchnapsen, game.KindBauernschnapsen} {
		var seed [32]byte
		seed[0] = byte(i + 1)
		res := apply(fsm.Command{Op: fsm.OpCreateTable, Player: "p" + string(rune('a'+i)), Seq: 1, Now: 1_700_000_000_000, Game: kind, Bots: 1, Seed: seed})
		if res.Err != nil {
			f.Fatal(res.Err)
		}
	}
	apply(fsm.Command{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: "n1", HTTP: "127.0.0.1:8001", TCP: "127.0.0.1:9001"}})
	snapshot()
	return out
}
