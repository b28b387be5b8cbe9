package fsm_test

import (
	"bytes"
	"io"
	"testing"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/game/bot"
)

// FuzzRestore feeds arbitrary bytes to the snapshot reader (the Restore
// path a follower runs on a snapshot the leader sends, and every node on
// the snapshot on its disk). A snapshot either is refused, leaving the
// state as it was, or restores a state whose every read (lobby, seat and
// observer views, bot moves, duties, command checks) works without
// panicking and which snapshots to itself again.
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
		// Every read of a restored state, the seat views included: the
		// reader refuses a game state the rules cannot reach
		// (game.Table.UnmarshalJSON validates it), so none of them may
		// fail. docs/SECURITY.md.
		readAll(st)
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

// readAll reads st the ways the transport and the leader's duties do.
func readAll(st *fsm.FSM) {
	_ = st.Outbox()
	_ = st.Nodes()
	_ = st.Dues()
	_ = st.TableCount()
	for _, info := range st.Tables() {
		_, _ = st.Table(info.ID)
		_, _ = st.ViewFor(info.ID, "") // an observer
		_, _ = st.EventsSince(info.ID, 0)
		for seat, s := range info.Seats {
			_, _, _ = st.BotMove(info.ID, seat, bot.Choose)
			if s.Player == "" {
				continue
			}
			_ = st.SeatOf(info.ID, s.Player)
			_ = st.PlayerTables(s.Player)
			_, _ = st.ViewFor(info.ID, s.Player)
			// The leader's pre-check: the legal list, else a try on a copy.
			_, _ = st.CheckGame(info.ID, s.Player, 1, func(game.Notation) (game.Command, error) { return game.Pass{}, nil })
			_, _ = st.CheckGame(info.ID, s.Player, 1, func(game.Notation) (game.Command, error) {
				return game.PlayCard{Card: game.Card{Rank: game.Ace, Suit: game.Hearts}}, nil
			})
		}
	}
}

// snapshotSeeds are real snapshots: tables of every game, full with
// bots, taken at several points of their deals.
func snapshotSeeds(f *testing.F) [][]byte {
	st := fsm.New(nil)
	index := uint64(0)
	now := int64(1_700_000_000_000)
	apply := func(cmd fsm.Command) *fsm.Applied {
		index++
		now += 1000
		cmd.Now = now
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
		seats, err := game.SeatsOf(kind, game.Options{})
		if err != nil {
			f.Fatal(err)
		}
		res := apply(fsm.Command{Op: fsm.OpCreateTable, Player: "p" + string(rune('a'+i)), Seq: 1, Game: kind, Bots: seats - 1, Seed: seed})
		if res.Err != nil {
			f.Fatal(res.Err)
		}
	}
	apply(fsm.Command{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: "n1", HTTP: "127.0.0.1:8001", TCP: "127.0.0.1:9001"}})
	snapshot()
	// The bot moves every seat (as for a player who left) and the timers
	// fire, the way the leader's duties drive a table.
	for step := 1; step <= 60; step++ {
		for _, due := range st.Dues() {
			moved := false
			for seat := 0; seat < 4 && !moved; seat++ {
				if cmd, serial, ok := st.BotMove(due.Table, seat, bot.Choose); ok {
					apply(fsm.Command{Op: fsm.OpBotMove, Table: due.Table, Seat: seat, Serial: serial, Action: cmd})
					moved = true
				}
			}
			if !moved && due.Prompt.Deadline != 0 {
				apply(fsm.Command{Op: fsm.OpTimeout, Table: due.Table, Serial: due.Prompt.Serial})
			}
		}
		if step%6 == 0 {
			snapshot()
		}
	}
	return out
}
