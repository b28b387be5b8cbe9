package session_test

import (
	"sync"
	"testing"
	"time"

	"tableraft/fsm"
)

// observer counts what the session layer reports (session.Observer).
type observer struct {
	mu       sync.Mutex
	refused  map[string]int
	proposed map[fsm.Op]int
}

func (o *observer) Refused(code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refused[code]++
}

func (o *observer) Proposed(op fsm.Op, _ time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err == nil {
		o.proposed[op]++
	}
}

func (o *observer) counts(code string, op fsm.Op) (refused, proposed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refused[code], o.proposed[op]
}

// TestObserverSeesRefusalsAndProposals: every error answered to a client
// is reported with its code, every proposed command with its op.
func TestObserverSeesRefusalsAndProposals(t *testing.T) {
	b := newBorder(t, fastLimits())
	r := b.raw()
	r.send(`{"type":"listTables","seq":1}`)
	if m := r.next(); m["code"] != "unauthorized" {
		t.Fatalf("answer %v, want unauthorized", m)
	}
	p := b.helloAs("watched")
	p.send(`{"type":"createTable","seq":1,"game":"schnapsen","options":{"turnTimeoutMs":600000}}`)
	p.until("ack", 1)
	p.send(`{"type":"joinTable","seq":2,"table":99}`)
	p.until("error", 2)
	if n, _ := b.obs.counts("unauthorized", ""); n != 1 {
		t.Errorf("%d unauthorized reported, want 1", n)
	}
	if n, _ := b.obs.counts("unknownTable", ""); n != 1 {
		t.Errorf("%d unknownTable reported, want 1", n)
	}
	if _, n := b.obs.counts("", fsm.OpCreateTable); n != 1 {
		t.Errorf("%d createTable proposals reported, want 1", n)
	}
}
