package hub

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"tableraft/fsm"
)

// recorder is a Sink that keeps every burst it is sent.
type recorder struct {
	mu      sync.Mutex
	bursts  [][]string
	refused bool
}

func (r *recorder) Send(msgs ...[]byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.refused {
		return false
	}
	burst := make([]string, len(msgs))
	for i, m := range msgs {
		burst[i] = string(m)
	}
	r.bursts = append(r.bursts, burst)
	return true
}

func (r *recorder) got() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]string(nil), r.bursts...)
}

// joined is table event no of table 1: a player took a seat (encoded
// without a game encoder).
func joined(no int64) fsm.TableEvent {
	return fsm.TableEvent{Table: 1, No: no, Event: fsm.PlayerJoined{Seat: 1, Player: "p2"}}
}

// subscribed returns a running hub where sink watches table 1 from seat 0,
// sent everything up to event after.
func subscribed(t *testing.T, sink Sink, after int64) *Hub {
	t.Helper()
	h := New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go h.Run(ctx)
	h.mu.Lock()
	h.active.Add(1)
	h.subscribeLocked(sink, 1, 0, after, nil)
	h.mu.Unlock()
	return h
}

func waitBursts(t *testing.T, r *recorder, n int) [][]string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(r.got()) < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	return r.got()
}

// burstKinds names each message of each burst by the type it carries.
func burstKinds(bursts [][]string) string {
	var out []string
	for _, b := range bursts {
		var kinds []string
		for _, m := range b {
			switch {
			case strings.Contains(m, `"type":"ack"`):
				kinds = append(kinds, "ack")
			case strings.Contains(m, `"type":"playerJoined"`):
				kinds = append(kinds, "joined")
			default:
				kinds = append(kinds, m)
			}
		}
		out = append(out, "["+strings.Join(kinds, " ")+"]")
	}
	return strings.Join(out, "")
}

func TestAckGoesOutWithItsEvents(t *testing.T) {
	tests := []struct {
		name string
		// after is the last event the subscription was sent; ackEvent
		// the last event of the acked command.
		after, ackEvent int64
		// events are applied after the ack is handed over.
		events []int64
		want   string
	}{
		{"ack before its events, one burst", 4, 6, []int64{5, 6}, "[ack joined joined]"},
		{"events already sent: ack at once", 6, 6, nil, "[ack]"},
		{"ack of an older event: at once", 6, 3, []int64{7}, "[ack][joined]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{}
			h := subscribed(t, r, tc.after)
			if !h.Ack(r, 1, tc.ackEvent, []byte(`{"type":"ack","seq":1}`)) {
				t.Fatal("Ack refused")
			}
			var evs []fsm.TableEvent
			for _, no := range tc.events {
				evs = append(evs, joined(no))
			}
			if len(evs) > 0 {
				h.Listener(0, evs)
			}
			want := strings.Count(tc.want, "[")
			if got := burstKinds(waitBursts(t, r, want)); got != tc.want {
				t.Errorf("bursts %s, want %s", got, tc.want)
			}
		})
	}
}

func TestAckNotSubscribedGoesOutAtOnce(t *testing.T) {
	r, other := &recorder{}, &recorder{}
	h := subscribed(t, other, 0)
	h.Ack(r, 1, 5, []byte(`{"type":"ack","seq":1}`))
	if got := burstKinds(r.got()); got != "[ack]" {
		t.Errorf("bursts %s, want [ack]", got)
	}
}

func TestAckWaitingIsSentWhenTheSubscriptionEnds(t *testing.T) {
	r := &recorder{}
	h := subscribed(t, r, 2)
	h.Ack(r, 1, 5, []byte(`{"type":"ack","seq":1}`))
	if got := r.got(); len(got) != 0 {
		t.Fatalf("sent %v before its events", got)
	}
	h.Close(r, 1)
	if got := burstKinds(r.got()); got != "[ack]" {
		t.Errorf("bursts %s, want [ack]", got)
	}
}

func TestARefusedBurstDropsTheSink(t *testing.T) {
	r := &recorder{refused: true}
	h := subscribed(t, r, 0)
	h.Listener(0, []fsm.TableEvent{joined(1)})
	deadline := time.Now().Add(5 * time.Second)
	for h.Subscriptions() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := h.Subscriptions(); n != 0 {
		t.Errorf("%d subscriptions after the sink refused a burst, want 0", n)
	}
}
