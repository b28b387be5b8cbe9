package game

import (
	"bytes"
	"errors"
	"testing"
)

// mustHandle applies an action that must be accepted and checks that the
// table still survives an encode/restore round trip unchanged and that
// the decoder's validation accepts the state reached.
func mustHandle(t testing.TB, tbl *Table, a Action) []Event {
	t.Helper()
	ev, err := tbl.Handle(a)
	if err != nil {
		t.Fatalf("seat %d %s %+v: %v", a.Seat, a.Cmd.Name(), a.Cmd, err)
	}
	enc := skEncode(t, tbl)
	var restored Table
	if err := restored.UnmarshalJSON(enc); err != nil {
		t.Fatalf("the state after %s does not validate: %v\n%s", a.Cmd.Name(), err, enc)
	}
	if again := skEncode(t, tbl.Clone()); !bytes.Equal(enc, again) {
		t.Fatalf("clone differs after %s:\n%s\n%s", a.Cmd.Name(), enc, again)
	}
	return ev
}

// mustRefuse applies an action that must be refused with want, and checks
// that it changed nothing: no events, the encoded table byte-identical.
func mustRefuse(t testing.TB, tbl *Table, a Action, want *Refusal) {
	t.Helper()
	before := skEncode(t, tbl)
	ev, err := tbl.Handle(a)
	if !errors.Is(err, want) || CodeOf(err) != want.Code {
		t.Fatalf("seat %d %s %+v: got %v, want %s", a.Seat, a.Cmd.Name(), a.Cmd, err, want.Code)
	}
	if ev != nil {
		t.Fatalf("refused %s emitted %v", a.Cmd.Name(), ev)
	}
	if after := skEncode(t, tbl); !bytes.Equal(before, after) {
		t.Fatalf("refused %s changed the table:\n%s\n%s", a.Cmd.Name(), before, after)
	}
}
