package fsm_test

import (
	"errors"
	"testing"

	"tableraft/fsm"
	"tableraft/game"
)

// TestCheckGameAgreesWithApply: over whole deals, the pre-check of every
// legal move and of every card of every hand gives exactly the answer
// Apply gives, and never changes the state.
func TestCheckGameAgreesWithApply(t *testing.T) {
	for _, kind := range []game.Kind{game.KindSchafkopf, game.KindSchnapsen} {
		t.Run(string(kind), func(t *testing.T) {
			s := newSim(t)
			bots := 3
			if kind == game.KindSchnapsen {
				bots = 1
			}
			table := s.mustCreate("p1", kind, bots)
			for i := 0; i < 120; i++ {
				sv, ok := s.f.ViewFor(table, "p1")
				if !ok {
					t.Fatal("table vanished")
				}
				hash := s.f.StateHash()
				var tries []game.Command
				for _, c := range sv.View.Hand {
					tries = append(tries, game.PlayCard{Card: c})
				}
				tries = append(tries, game.Knock{}, game.Pass{}, game.Kontra{})
				for _, cmd := range tries {
					got, err := s.f.CheckGame(table, "p1", s.now, func(game.Notation) (game.Command, error) { return cmd, nil })
					if got != cmd {
						t.Fatalf("CheckGame resolved %v to %v", cmd, got)
					}
					if s.f.StateHash() != hash {
						t.Fatalf("CheckGame(%v) changed the state", cmd)
					}
					// Apply's verdict, on a copy of the state.
					want := applyOnCopy(t, s, table, cmd)
					if game.CodeOf(err) != game.CodeOf(want) {
						t.Fatalf("deal %d, %v: CheckGame says %v, Apply says %v", sv.View.DealNo, cmd, err, want)
					}
				}
				s.step(50)
			}
		})
	}
}

// applyOnCopy applies cmd for p1 to a replay of s's log and returns the
// refusal, leaving s untouched.
func applyOnCopy(t *testing.T, s *sim, table int64, cmd game.Command) error {
	t.Helper()
	c := fsm.New(nil)
	for i, l := range s.log {
		if _, err := c.ApplyCommand(uint64(i+1), l); err != nil {
			t.Fatal(err)
		}
	}
	res, err := c.ApplyCommand(uint64(len(s.log)+1), fsm.Command{Op: fsm.OpGame, Player: "p1", Seq: 1 << 40, Table: table, Now: s.now, Action: cmd})
	if err != nil {
		t.Fatal(err)
	}
	return res.Err
}

func TestCheckGameRefusesStrangersAndUnknownTables(t *testing.T) {
	s := newSim(t)
	table := s.mustCreate("p1", game.KindSchnapsen, 1)
	resolve := func(game.Notation) (game.Command, error) { return game.Pass{}, nil }
	if _, err := s.f.CheckGame(table, "stranger", s.now, resolve); !errors.Is(err, fsm.ErrNotSeated) {
		t.Errorf("a stranger: %v, want notSeated", err)
	}
	if _, err := s.f.CheckGame(table+1, "p1", s.now, resolve); !errors.Is(err, fsm.ErrUnknownTable) {
		t.Errorf("no such table: %v, want unknownTable", err)
	}
	bad := errors.New("bad card")
	if _, err := s.f.CheckGame(table, "p1", s.now, func(game.Notation) (game.Command, error) { return nil, bad }); err != bad {
		t.Errorf("resolve's error: %v", err)
	}
}

func TestRecordedAndLastSeq(t *testing.T) {
	s := newSim(t)
	if got := s.f.LastSeq("p1"); got != 0 {
		t.Fatalf("LastSeq of a new player = %d", got)
	}
	table := s.mustCreate("p1", game.KindSchnapsen, 1)
	res := s.player("p1", fsm.Command{Op: fsm.OpJoinTable, Table: table}) // refused: alreadySeated
	if res.Err == nil {
		t.Fatal("joining one's own table was accepted")
	}
	if got := s.f.LastSeq("p1"); got != 2 {
		t.Fatalf("LastSeq = %d, want 2", got)
	}
	if o, ok := s.f.Recorded("p1", 1); !ok || o.Table != table || o.Code != "" {
		t.Errorf("Recorded(1) = %+v, %v", o, ok)
	}
	if o, ok := s.f.Recorded("p1", 2); !ok || o.Code != "alreadySeated" {
		t.Errorf("Recorded(2) = %+v, %v", o, ok)
	}
	if _, ok := s.f.Recorded("p1", 3); ok {
		t.Error("Recorded(3) found an outcome never recorded")
	}
}
