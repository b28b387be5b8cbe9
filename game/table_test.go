package game

import (
	"bytes"
	"errors"
	"testing"
)

func TestNewTableRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"unknown game", Config{Game: "poker"}},
		{"short deck outside schafkopf", Config{Game: KindSchnapsen, Options: Options{ShortDeck: true}}},
		{"negative turn timeout", Config{Game: KindSchafkopf, Options: Options{TurnTimeoutMs: -1}}},
		{"first dealer beyond the seats", Config{Game: KindSchnapsen, FirstDealer: 2}},
		{"negative first dealer", Config{Game: KindSchafkopf, FirstDealer: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewTable(tt.cfg); !errors.Is(err, ErrBadOptions) {
				t.Fatalf("NewTable error = %v, want badOptions", err)
			}
		})
	}
}

func TestIdleTableRefusals(t *testing.T) {
	schnapsenDeck := SchnapsenDeck()
	tests := []struct {
		name string
		a    Action
		want *Refusal
	}{
		{"a card before the deal", Action{Seat: 0, Cmd: PlayCard{Card: schnapsenDeck[0]}}, ErrNotPlaying},
		{"a seat that does not exist", Action{Seat: 2, Cmd: PlayCard{Card: schnapsenDeck[0]}}, ErrNotSeated},
		{"a player starting the deal", Action{Seat: 0, Cmd: StartDeal{}}, ErrWrongStage},
		{"a deck with a card missing", Action{Seat: SystemSeat, Cmd: StartDeal{Deck: schnapsenDeck[1:]}}, ErrBadDeck},
		{"a schafkopf deck at a schnapsen table", Action{Seat: SystemSeat, Cmd: StartDeal{Deck: SchafkopfDeck(true)[:20]}}, ErrBadDeck},
		{"no command", Action{Seat: 0}, ErrWrongStage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := mustTable(t, Config{Game: KindSchnapsen})
			before := mustEncode(t, tbl)
			evs, err := tbl.Handle(tt.a)
			if !errors.Is(err, tt.want) || evs != nil {
				t.Fatalf("Handle = %v, %v; want %s", evs, err, tt.want.Code)
			}
			if !bytes.Equal(before, mustEncode(t, tbl)) {
				t.Fatal("a refused action changed the table")
			}
		})
	}
}

func TestStaleTimeoutChangesNothing(t *testing.T) {
	for _, kind := range []Kind{KindSchafkopf, KindSchnapsen} {
		t.Run(string(kind), func(t *testing.T) {
			tbl := mustTable(t, Config{Game: kind})
			if _, err := tbl.Handle(Action{Seat: SystemSeat, Cmd: StartDeal{Seed: Seed{7}}, Now: 1000}); err != nil {
				t.Fatal(err)
			}
			p := tbl.Prompt()
			if p.Deadline == 0 {
				t.Fatal("the first prompt of a deal has no deadline")
			}
			before := mustEncode(t, tbl)
			for _, serial := range []int64{p.Serial - 1, p.Serial + 1, 0} {
				evs, err := tbl.Handle(Action{Seat: SystemSeat, Cmd: Timeout{Serial: serial}, Now: p.Deadline})
				if err != nil || evs != nil {
					t.Fatalf("stale timeout %d: %v, %v", serial, evs, err)
				}
			}
			// A timeout from a player's seat is no timer either.
			if evs, err := tbl.Handle(Action{Seat: 0, Cmd: Timeout{Serial: p.Serial}}); err != nil || evs != nil {
				t.Fatalf("timeout from a seat: %v, %v", evs, err)
			}
			if !bytes.Equal(before, mustEncode(t, tbl)) {
				t.Fatal("a stale timeout changed the table")
			}
		})
	}
}

func TestStartDealWhilePlayingIsRefused(t *testing.T) {
	tbl := mustTable(t, Config{Game: KindSchafkopf})
	if _, err := tbl.Handle(Action{Seat: SystemSeat, Cmd: StartDeal{Seed: Seed{1}}}); err != nil {
		t.Fatal(err)
	}
	before := mustEncode(t, tbl)
	if _, err := tbl.Handle(Action{Seat: SystemSeat, Cmd: StartDeal{Seed: Seed{2}}}); !errors.Is(err, ErrAlreadyPlaying) {
		t.Fatalf("second StartDeal: %v, want alreadyPlaying", err)
	}
	if !bytes.Equal(before, mustEncode(t, tbl)) {
		t.Fatal("the refused StartDeal changed the table")
	}
}

func TestEncodeRestoreRoundTrip(t *testing.T) {
	tbl := mustTable(t, Config{Game: KindSchafkopf, Options: Options{ShortDeck: true}, FirstDealer: 3})
	if _, err := tbl.Handle(Action{Seat: SystemSeat, Cmd: StartDeal{Seed: Seed{9}}, Now: 5}); err != nil {
		t.Fatal(err)
	}
	b := mustEncode(t, tbl)
	var back Table
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, mustEncode(t, &back)) {
		t.Fatal("restored table encodes differently")
	}
	if back.Seats() != 4 || back.StageName() != tbl.StageName() {
		t.Fatalf("restored table: %d seats, stage %s", back.Seats(), back.StageName())
	}
}

func TestUnmarshalRefusesCorruptState(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"not json", "{"},
		{"unknown game", `{"Game":"poker"}`},
		{"stage out of range", `{"Game":"schnapsen","Playing":true,"Stage":99}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tbl Table
			if err := tbl.UnmarshalJSON([]byte(tt.data)); err == nil {
				t.Fatal("corrupt state accepted")
			}
		})
	}
}

func mustTable(t *testing.T, cfg Config) *Table {
	t.Helper()
	tbl, err := NewTable(cfg)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	return tbl
}

func mustEncode(t *testing.T, tbl *Table) []byte {
	t.Helper()
	b, err := tbl.MarshalJSON()
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}
