package session_test

import (
	"fmt"
	"testing"
)

// TestRetriedSeqIsAckedNotApplied: a command sent again with the same seq
// (as a client does after a failover) gets the same ack and is applied
// once; a new connection's welcome names the last seq committed.
func TestRetriedSeqIsAckedNotApplied(t *testing.T) {
	b := newBorder(t, fastLimits())
	r := b.helloAs("again")
	r.send(`{"type":"createTable","seq":1,"game":"schnapsen","options":{"turnTimeoutMs":600000}}`)
	first := r.until("ack", 1)
	r.send(`{"type":"createTable","seq":1,"game":"schnapsen","options":{"turnTimeoutMs":600000}}`)
	second := r.until("ack", 1)
	if first["table"] != second["table"] || first["event"] != second["event"] {
		t.Fatalf("the retry was answered %v, the first %v", second, first)
	}
	if n := len(b.f.Tables()); n != 1 {
		t.Fatalf("%d tables after a retried createTable, want 1", n)
	}
	// A refused command's retry gets the same refusal.
	r.send(`{"type":"joinTable","seq":2,"table":99}`)
	e1 := r.until("error", 2)
	r.send(`{"type":"joinTable","seq":2,"table":99}`)
	e2 := r.until("error", 2)
	if e1["code"] != "unknownTable" || e2["code"] != e1["code"] {
		t.Fatalf("refusals %v then %v", e1, e2)
	}
	r2 := b.raw()
	r2.send(fmt.Sprintf(`{"type":"hello","token":%q}`, b.token("again")))
	// seq 2 was refused by the leader's pre-check, before the log: only
	// seq 1 is recorded.
	if w := r2.next(); w["type"] != "welcome" || w["seq"] != float64(1) {
		t.Fatalf("welcome %v, want seq 1", w)
	}
}
