// Package hub fans the events of applied commands out to the connected
// players, each in the form its seat may see (game.VisibleTo), encoded at
// the border by the codec. It also opens a player's view of a table: a
// full tableState, or the events a resuming client missed, after which the
// table's later events follow without a gap or a repeat.
//
// The FSM calls Listener with its lock held, so Listener only queues; one
// goroutine (Run) delivers. Every subscription remembers the last event
// number it was sent: a tableState or a resume sets it, delivery skips
// what it already covers. Delivery never blocks: a Sink that cannot take
// a message is dropped (the session closes it and the client resyncs when
// it comes back).
package hub

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/transport/codec"
)

// Sink receives a subscriber's messages: a session's send queue. Send
// queues msgs in order, as one burst (one write to the socket, where the
// connection allows it); it must not block. False means the sink is full
// or closed, and the hub forgets every subscription of it.
type Sink interface {
	Send(msgs ...[]byte) bool
}

// Hub routes table events to subscribers. Its methods are safe for
// concurrent use.
type Hub struct {
	f        *fsm.FSM
	log      *slog.Logger
	encoders sync.Map // game.Kind -> *codec.Encoder

	// active counts subscriptions (and opens under way): while it is 0 the
	// Listener drops events at once, as on a follower.
	active atomic.Int64

	qmu   sync.Mutex
	queue [][]fsm.TableEvent
	wake  chan struct{}

	mu     sync.Mutex
	tables map[int64]*tableSubs
	sinks  map[Sink]map[int64]*sub
	// out gathers what one pass of Run sends to each sink, so that a
	// player gets an applied batch (its ack, the events, the prompt) in
	// one burst; h.mu is held while it is filled and sent.
	out map[Sink][][]byte
}

// tableSubs are the subscriptions of one table.
type tableSubs struct {
	enc  *codec.Encoder
	subs map[*sub]struct{}
}

// sub is one sink's subscription to one table, as seat.
type sub struct {
	sink  Sink
	table int64
	seat  int
	after int64 // the last event number sent
	until int64 // CloseAfter: the last event to send, 0 = no end
	// acks wait for the next event sent to this subscription: a
	// command's ack goes out just before its events (Ack).
	acks [][]byte
}

// New returns a hub that reads tables from f once Attach is called. The FSM
// is created with the hub's Listener, so the two are wired in two steps.
func New(log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	return &Hub{log: log, wake: make(chan struct{}, 1), tables: map[int64]*tableSubs{}, sinks: map[Sink]map[int64]*sub{}, out: map[Sink][][]byte{}}
}

// Attach sets the FSM the hub reads views and missed events from. Call it
// before Open.
func (h *Hub) Attach(f *fsm.FSM) { h.f = f }

// Listener is the fsm.Listener: it queues the events of one applied
// command for Run. It never blocks on delivery.
func (h *Hub) Listener(_ uint64, events []fsm.TableEvent) {
	if h.active.Load() == 0 {
		return
	}
	h.qmu.Lock()
	h.queue = append(h.queue, events)
	h.qmu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run delivers queued events until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		}
		h.qmu.Lock()
		batches := h.queue
		h.queue = nil
		h.qmu.Unlock()
		h.mu.Lock()
		for _, evs := range batches {
			for _, e := range evs {
				h.deliver(e)
			}
		}
		h.flushLocked()
		h.mu.Unlock()
	}
}

// Ack sends msg, the ack of a command at table whose events end at event,
// to sink. When sink subscribes to table and has not been sent that event
// yet, the ack waits for the next event to it and goes out first, in the
// same burst: the client reads "committed; its events follow", and the
// ack and the events cost one write. Otherwise it is sent at once.
func (h *Hub) Ack(sink Sink, table, event int64, msg []byte) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.sinks[sink][table]; s != nil && s.after < event {
		s.acks = append(s.acks, msg)
		return true
	}
	return sink.Send(msg)
}

// flushLocked sends what deliver gathered, a burst per sink; h.mu is held.
func (h *Hub) flushLocked() {
	for sink, msgs := range h.out {
		if !sink.Send(msgs...) {
			h.dropLocked(sink)
		}
	}
	clear(h.out)
}

// deliver gathers e for every subscriber of its table that does not have
// it yet (flushLocked sends it); h.mu is held.
func (h *Hub) deliver(e fsm.TableEvent) {
	ts := h.tables[e.Table]
	if ts == nil {
		return
	}
	// Public events are encoded once for all seats; private ones once per
	// seat that receives them.
	var public []byte
	_, private := e.Event.(game.Redactor)
	for s := range ts.subs {
		if e.No <= s.after {
			continue
		}
		var msg []byte
		if private || public == nil {
			b, err := encode(ts.enc, e, s.seat)
			if err != nil {
				h.log.Error("hub: encoding an event", "table", e.Table, "event", e.No, "type", e.Event.Type(), "err", err)
				return
			}
			msg = b
			if !private {
				public = b
			}
		} else {
			msg = public
		}
		s.after = e.No
		h.out[s.sink] = append(h.out[s.sink], s.acks...)
		h.out[s.sink] = append(h.out[s.sink], msg)
		s.acks = nil
		if s.until != 0 && s.after >= s.until {
			h.forgetLocked(s)
		}
	}
	if _, closed := e.Event.(fsm.TableClosed); closed {
		for s := range ts.subs {
			h.forgetLocked(s)
		}
		delete(h.tables, e.Table)
	}
}

// encode writes table event e as seat may see it.
func encode(enc *codec.Encoder, e fsm.TableEvent, seat int) ([]byte, error) {
	switch ev := e.Event.(type) {
	case fsm.PlayerJoined:
		name := ev.Player
		if ev.Bot {
			name = "bot"
		}
		return codec.EncodePlayerJoined(e.Table, e.No, ev.Seat, name), nil
	case fsm.PlayerLeft:
		return codec.EncodePlayerLeft(e.Table, e.No, ev.Seat, ev.Player), nil
	case fsm.TableClosed:
		return codec.EncodeTableClosed(e.Table, e.No), nil
	}
	return enc.Event(e.Table, e.No, game.VisibleTo(e.Event, seat))
}
