package fsm_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/hashicorp/raft"

	"tableraft/fsm"
	"tableraft/fsm/duty"
	"tableraft/game"
	"tableraft/game/bot"
)

// sim drives an FSM the way a cluster would, without Raft: players send
// commands with growing seqs (they play what the bot would), the leader's
// planner sends timers, bot moves and next deals, on a virtual clock. Every
// command goes through the log, so the log can be replayed.
type sim struct {
	t      *testing.T
	f      *fsm.FSM
	log    []fsm.Command
	now    int64
	seq    map[string]uint64
	plan   *duty.Planner
	seeds  uint64
	events []fsm.TableEvent
}

func newSim(t *testing.T) *sim {
	s := &sim{t: t, now: 1_700_000_000_000, seq: map[string]uint64{}, plan: duty.NewPlanner(duty.DefaultConfig)}
	s.f = fsm.New(func(_ uint64, evs []fsm.TableEvent) { s.events = append(s.events, evs...) })
	return s
}

// propose appends cmd to the log and applies it.
func (s *sim) propose(cmd fsm.Command) *fsm.Applied {
	s.t.Helper()
	s.log = append(s.log, cmd)
	res, err := s.f.ApplyCommand(uint64(len(s.log)), cmd)
	if err != nil {
		s.t.Fatalf("encode %+v: %v", cmd, err)
	}
	return res
}

// player sends a player op with the player's next seq.
func (s *sim) player(player string, cmd fsm.Command) *fsm.Applied {
	s.seq[player]++
	cmd.Player, cmd.Seq, cmd.Now = player, s.seq[player], s.now
	return s.propose(cmd)
}

func (s *sim) seed() [32]byte {
	s.seeds++
	var b [32]byte
	copy(b[:], fmt.Sprint(s.seeds))
	return b
}

// mustCreate creates a table for player with bots and returns its id.
func (s *sim) mustCreate(player string, kind game.Kind, bots int) int64 {
	s.t.Helper()
	res := s.player(player, fsm.Command{Op: fsm.OpCreateTable, Game: kind, Bots: bots, Seed: s.seed()})
	if res.Err != nil {
		s.t.Fatalf("create %s: %v", kind, res.Err)
	}
	return res.Ack.Table
}

// step advances the clock by ms and lets everyone act once: each seated
// player plays the bot's choice for their seat, then the leader's planner
// sends what is due.
func (s *sim) step(ms int64) {
	s.now += ms
	for _, info := range s.f.Tables() {
		for _, seat := range info.Seats {
			if seat.Player == "" || seat.Away {
				continue
			}
			sv, _ := s.f.ViewFor(info.ID, seat.Player)
			if cmd, ok := bot.Choose(&sv.View); ok {
				res := s.player(seat.Player, fsm.Command{Op: fsm.OpGame, Table: info.ID, Action: cmd})
				if res.Err != nil {
					s.t.Fatalf("table %d: %s's %s refused: %v", info.ID, seat.Player, cmd.Name(), res.Err)
				}
			}
		}
	}
	for _, cmd := range s.plan.Plan(s.f, s.now, s.seed) {
		s.propose(cmd)
	}
}

// results counts the deals in the outbox.
func (s *sim) results() int { return len(s.f.Outbox()) }

// finishedAll reports whether every game has at least one result in the
// outbox, each in its own field.
func (s *sim) finishedAll() bool {
	var sk, sn, bs bool
	for _, r := range s.f.Outbox() {
		sk = sk || (r.Game == game.KindSchafkopf && r.Schafkopf != nil)
		sn = sn || (r.Game == game.KindSchnapsen && r.Schnapsen != nil)
		bs = bs || (r.Game == game.KindBauernschnapsen && r.Bauernschnapsen != nil)
	}
	return sk && sn && bs
}

func TestReplayFromEmptyEqualsLiveState(t *testing.T) {
	s := newSim(t)
	s.mustCreate("anna", game.KindSchafkopf, 3)
	s.mustCreate("bert", game.KindSchnapsen, 1)
	s.mustCreate("emil", game.KindBauernschnapsen, 3)
	shared := s.mustCreate("cora", game.KindSchnapsen, 0)
	if res := s.player("dora", fsm.Command{Op: fsm.OpJoinTable, Table: shared, Seed: s.seed()}); res.Err != nil {
		t.Fatal(res.Err)
	}
	for i := 0; i < 600 && !s.finishedAll(); i++ {
		s.step(500)
	}
	if !s.finishedAll() {
		t.Fatalf("not every game finished a deal: %d results", s.results())
	}
	live := mustEncode(t, s.f)

	replayed := fsm.New(nil)
	for i, cmd := range s.log {
		if _, err := replayed.ApplyCommand(uint64(i+1), cmd); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(live, mustEncode(t, replayed)) {
		t.Fatal("replaying the log from empty gives a different state")
	}
	if s.f.StateHash() != replayed.StateHash() {
		t.Fatal("state hashes differ")
	}
}

func TestSnapshotRestoreEqualsState(t *testing.T) {
	s := newSim(t)
	s.mustCreate("anna", game.KindSchafkopf, 3)
	s.mustCreate("bert", game.KindSchnapsen, 1)
	for i := 0; i < 37; i++ { // stop mid-deal
		s.step(400)
	}
	snap, err := s.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	if err := snap.Persist(sink); err != nil {
		t.Fatal(err)
	}
	restored := fsm.New(nil)
	if err := restored.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustEncode(t, s.f), mustEncode(t, restored)) {
		t.Fatal("restore(snapshot(s)) differs from s")
	}
	if restored.AppliedIndex() != s.f.AppliedIndex() {
		t.Fatalf("restored applied index %d, snapshot taken at %d", restored.AppliedIndex(), s.f.AppliedIndex())
	}
	// Both go on identically from there.
	cmds := s.log
	before := len(cmds)
	for i := 0; i < 40; i++ {
		s.step(400)
	}
	for i, cmd := range s.log[before:] {
		if _, err := restored.ApplyCommand(uint64(before+i+1), cmd); err != nil {
			t.Fatal(err)
		}
	}
	if s.f.StateHash() != restored.StateHash() {
		t.Fatal("restored FSM diverged after applying the same log")
	}
}

func TestRestoreRefusesCorruptSnapshots(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"not json", "{"},
		{"unknown version", `{"Version":99}`},
		{"unknown field", `{"Version":1,"Bogus":1}`},
		{"table without state", `{"Version":1,"NextTable":2,"Tables":[{"ID":1}]}`},
		{"table id beyond the sequence", `{"Version":1,"NextTable":1,"Tables":[{"ID":1,"Seats":[{},{}],"Table":{"Game":"schnapsen"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fsm.New(nil)
			if err := f.Restore(io.NopCloser(bytes.NewReader([]byte(tt.data)))); err == nil {
				t.Fatal("corrupt snapshot restored")
			}
		})
	}
}

func TestRepeatedSeqIsAckedNotAppliedTwice(t *testing.T) {
	s := newSim(t)
	table := s.mustCreate("anna", game.KindSchnapsen, 1)
	sv, _ := s.f.ViewFor(table, "anna")
	// Anna is forehand or dealer; find a command she may send.
	for sv.View.Turn != sv.View.Seat {
		s.step(500)
		sv, _ = s.f.ViewFor(table, "anna")
	}
	cmd, ok := bot.Choose(&sv.View)
	if !ok {
		t.Fatal("anna has nothing to play")
	}
	first := s.player("anna", fsm.Command{Op: fsm.OpGame, Table: table, Action: cmd})
	if first.Err != nil || len(first.Events) == 0 {
		t.Fatalf("first send: %v, %d events", first.Err, len(first.Events))
	}
	state := mustEncode(t, s.f)
	retry := fsm.Command{Op: fsm.OpGame, Player: "anna", Seq: s.seq["anna"], Table: table, Now: s.now, Action: cmd}
	again := s.propose(retry)
	if !again.Duplicate || again.Ack != first.Ack || len(again.Events) != 0 || again.Err != nil {
		t.Fatalf("retry: %+v, want the first ack %+v and no events", again, first.Ack)
	}
	if !bytes.Equal(state, mustEncode(t, s.f)) {
		t.Fatal("the retried seq changed the state")
	}
}

func TestRefusedSeqIsRefusedAgain(t *testing.T) {
	s := newSim(t)
	res := s.player("anna", fsm.Command{Op: fsm.OpJoinTable, Table: 42})
	if !errors.Is(res.Err, fsm.ErrUnknownTable) {
		t.Fatalf("join of a missing table: %v", res.Err)
	}
	again := s.propose(fsm.Command{Op: fsm.OpJoinTable, Player: "anna", Seq: 1, Table: 42})
	if !again.Duplicate || !errors.Is(again.Err, fsm.ErrUnknownTable) {
		t.Fatalf("retry of a refused seq: %+v", again)
	}
}

func TestSeqOlderThanWindowIsStale(t *testing.T) {
	s := newSim(t)
	for i := 0; i < fsm.DedupWindow+1; i++ {
		s.player("anna", fsm.Command{Op: fsm.OpJoinTable, Table: 42})
	}
	res := s.propose(fsm.Command{Op: fsm.OpJoinTable, Player: "anna", Seq: 1, Table: 42})
	if !errors.Is(res.Err, fsm.ErrStaleSeq) {
		t.Fatalf("seq 1 after %d more: %v, want staleSeq", fsm.DedupWindow, res.Err)
	}
}

func TestTimeoutTakesEffectOnce(t *testing.T) {
	s := newSim(t)
	table := s.mustCreate("anna", game.KindSchafkopf, 3)
	due := dueOf(t, s.f, table)
	if due.Prompt.Deadline == 0 {
		t.Fatal("the knock window has no deadline")
	}
	timeout := fsm.Command{Op: fsm.OpTimeout, Table: table, Serial: due.Prompt.Serial, Now: due.Prompt.Deadline}
	first := s.propose(timeout)
	if first.Err != nil || len(first.Events) == 0 {
		t.Fatalf("the timeout did nothing: %+v", first)
	}
	state := mustEncode(t, s.f)
	second := s.propose(timeout)
	if second.Err != nil || len(second.Events) != 0 || !bytes.Equal(state, mustEncode(t, s.f)) {
		t.Fatalf("the timeout took effect twice: %+v", second)
	}
}

func TestSeatsAndLobbyRefusals(t *testing.T) {
	s := newSim(t)
	full := s.mustCreate("anna", game.KindSchnapsen, 1)
	open := s.mustCreate("bert", game.KindSchnapsen, 0)
	tests := []struct {
		name   string
		player string
		cmd    fsm.Command
		want   error
	}{
		{"joining a full table", "cora", fsm.Command{Op: fsm.OpJoinTable, Table: full}, fsm.ErrTableFull},
		{"joining twice", "bert", fsm.Command{Op: fsm.OpJoinTable, Table: open}, fsm.ErrAlreadySeated},
		{"playing without a seat", "cora", fsm.Command{Op: fsm.OpGame, Table: full, Action: game.CloseTalon{}}, fsm.ErrNotSeated},
		{"leaving without a seat", "cora", fsm.Command{Op: fsm.OpLeaveTable, Table: full}, fsm.ErrNotSeated},
		{"an unknown table", "cora", fsm.Command{Op: fsm.OpJoinTable, Table: 999}, fsm.ErrUnknownTable},
		{"too many bots", "cora", fsm.Command{Op: fsm.OpCreateTable, Game: game.KindSchnapsen, Bots: 2}, fsm.ErrBadMessage},
		{"an unknown game", "cora", fsm.Command{Op: fsm.OpCreateTable, Game: "poker"}, game.ErrBadOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := mustEncode(t, s.f)
			res := s.player(tt.player, tt.cmd)
			if !errors.Is(res.Err, tt.want) || len(res.Events) != 0 {
				t.Fatalf("got %v with %d events, want %v", res.Err, len(res.Events), tt.want)
			}
			after := mustEncode(t, s.f)
			// Only the dedup window may record the refusal.
			if tablesPart(before) != tablesPart(after) {
				t.Fatal("a refusal changed the tables")
			}
		})
	}
}

func TestLeavingMidDealHandsTheSeatToTheBot(t *testing.T) {
	s := newSim(t)
	table := s.mustCreate("anna", game.KindSchnapsen, 0)
	if res := s.player("bert", fsm.Command{Op: fsm.OpJoinTable, Table: table, Seed: s.seed()}); res.Err != nil {
		t.Fatal(res.Err)
	}
	if res := s.player("bert", fsm.Command{Op: fsm.OpLeaveTable, Table: table}); res.Err != nil {
		t.Fatal(res.Err)
	}
	info, _ := s.f.Table(table)
	if !info.Seats[1].Away || !info.Seats[1].BotPlays() {
		t.Fatalf("bert's seat after leaving mid-deal: %+v", info.Seats[1])
	}
	for i := 0; i < 200 && s.results() == 0; i++ {
		s.step(500)
	}
	if s.results() != 1 {
		t.Fatal("the deal did not finish with the bot in bert's seat")
	}
	info, _ = s.f.Table(table)
	if !info.Seats[1].Free() {
		t.Fatalf("bert's seat after the deal: %+v, want free", info.Seats[1])
	}
	if res := s.player("anna", fsm.Command{Op: fsm.OpLeaveTable, Table: table}); res.Err != nil {
		t.Fatal(res.Err)
	}
	if _, ok := s.f.Table(table); ok {
		t.Fatal("a table without players stays open")
	}
}

func TestAnObserverSeesNoHand(t *testing.T) {
	s := newSim(t)
	table := s.mustCreate("anna", game.KindSchafkopf, 3)
	for _, who := range []string{"", "nobody"} {
		sv, ok := s.f.ViewFor(table, who)
		if !ok || sv.View.Seat != -1 || len(sv.View.Hand) != 0 {
			t.Fatalf("view for %q: seat %d, hand %v", who, sv.View.Seat, sv.View.Hand)
		}
	}
}

func TestEventsSinceReplaysTheGap(t *testing.T) {
	s := newSim(t)
	table := s.mustCreate("anna", game.KindSchafkopf, 3)
	for i := 0; i < 10; i++ {
		s.step(400)
	}
	info, _ := s.f.Table(table)
	evs, ok := s.f.EventsSince(table, info.Event-5)
	if !ok || len(evs) != 5 || evs[0].No != info.Event-4 || evs[4].No != info.Event {
		t.Fatalf("EventsSince: ok=%v, %d events", ok, len(evs))
	}
	if _, ok := s.f.EventsSince(table, 0); ok && info.Event > 256 {
		t.Fatal("a gap beyond the ring was claimed replayable")
	}
}

func TestCommandEncodingRoundTrip(t *testing.T) {
	cmds := []fsm.Command{
		{Op: fsm.OpCreateTable, Player: "p1", Seq: 1, Now: 5, Seed: [32]byte{1}, Game: game.KindSchafkopf, Options: game.Options{ShortDeck: true}, Bots: 3, FirstDealer: 2},
		{Op: fsm.OpGame, Player: "p1", Seq: 2, Table: 9, Action: game.PlayCard{Card: game.Card{Rank: game.Ten, Suit: game.Hearts}, Marriage: true}},
		{Op: fsm.OpGame, Player: "p1", Seq: 3, Table: 9, Action: game.Announce{Game: game.Sauspiel, Ace: game.Card{Rank: game.Ace, Suit: game.Clubs}}},
		{Op: fsm.OpGame, Player: "p1", Seq: 4, Table: 9, Action: game.Announce{Game: game.Solo, Suit: game.Diamonds}},
		{Op: fsm.OpGame, Player: "p1", Seq: 5, Table: 9, Action: game.CallTrump{Suit: game.Spades, Aufschlagen: true}},
		{Op: fsm.OpBotMove, Table: 9, Seat: 3, Serial: 77, Action: game.Kontra{}},
		{Op: fsm.OpTimeout, Table: 9, Serial: 78},
		{Op: fsm.OpResultStored, GameIDs: []string{"t1-d1", "t2-d5"}},
		{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: "n1", HTTP: "127.0.0.1:8001", TCP: "127.0.0.1:9001"}},
	}
	for _, c := range cmds {
		b, err := c.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := fsm.DecodeCommand(b)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%#v", back) != fmt.Sprintf("%#v", c) {
			t.Fatalf("round trip:\n%#v\n%#v", c, back)
		}
	}
	if _, err := fsm.DecodeCommand([]byte{9, '{', '}'}); !errors.Is(err, fsm.ErrBadCommand) {
		t.Fatalf("unknown version: %v", err)
	}
	if _, err := (fsm.Command{Op: fsm.OpGame, Action: game.StartDeal{}}).Encode(); !errors.Is(err, fsm.ErrBadCommand) {
		t.Fatalf("StartDeal as a seat action: %v", err)
	}
}

func TestUndecodableEntryChangesNothing(t *testing.T) {
	f := fsm.New(nil)
	before := mustEncode(t, f)
	res, _ := f.Apply(&raft.Log{Index: 1, Type: raft.LogCommand, Data: []byte("garbage")}).(*fsm.Applied)
	if res == nil || game.CodeOf(res.Err) != "badMessage" {
		t.Fatalf("garbage entry: %+v", res)
	}
	if !bytes.Equal(before, mustEncode(t, f)) {
		t.Fatal("garbage changed the state")
	}
}

func dueOf(t *testing.T, f *fsm.FSM, table int64) fsm.Due {
	t.Helper()
	for _, d := range f.Dues() {
		if d.Table == table {
			return d
		}
	}
	t.Fatalf("no table %d", table)
	return fsm.Due{}
}

func mustEncode(t *testing.T, f *fsm.FSM) []byte {
	t.Helper()
	b, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tablesPart is a crude look at the encoded state: the tables part only.
func tablesPart(state []byte) string {
	i := bytes.Index(state, []byte(`"Windows"`))
	if i < 0 {
		return string(state)
	}
	return string(state[:i])
}

// memSink is a raft.SnapshotSink in memory.
type memSink struct{ bytes.Buffer }

func (m *memSink) ID() string    { return "mem" }
func (m *memSink) Cancel() error { return nil }
func (m *memSink) Close() error  { return nil }

func TestNodeInfoIsPublishedAndForgotten(t *testing.T) {
	s := newSim(t)
	info := fsm.NodeInfo{ID: "n2", HTTP: "127.0.0.1:8002", TCP: "127.0.0.1:9002"}
	s.propose(fsm.Command{Op: fsm.OpNodeInfo, Node: info})
	if got, ok := s.f.Node("n2"); !ok || got != info {
		t.Fatalf("published %+v, read %+v", info, got)
	}
	s.propose(fsm.Command{Op: fsm.OpNodeInfo, Node: fsm.NodeInfo{ID: "n2"}})
	if _, ok := s.f.Node("n2"); ok || len(s.f.Nodes()) != 0 {
		t.Fatal("a removed node's addresses are still published")
	}
	if res := s.propose(fsm.Command{Op: fsm.OpNodeInfo}); !errors.Is(res.Err, fsm.ErrBadMessage) {
		t.Fatalf("node info without an id: %v", res.Err)
	}
}
