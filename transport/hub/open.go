package hub

import (
	"fmt"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/transport/codec"
)

// Open shows player's table to sink and, when the player sits there,
// subscribes sink to the table's later events. With resume < 0 (or when
// the gap cannot be replayed) sink gets a tableState answering seq (0:
// unasked); with resume >= 0 it gets the events numbered above resume,
// redacted for the player's seat. It reports whether the player is
// subscribed, and fsm.ErrUnknownTable when the table does not exist.
//
// A later Open of the same sink and table replaces the subscription; the
// events it covers are not sent again.
func (h *Hub) Open(sink Sink, player string, table, seq, resume int64) (bool, error) {
	h.active.Add(1) // before reading: events applied after the read are queued
	h.mu.Lock()
	defer h.mu.Unlock()
	subscribed := false
	defer func() {
		if !subscribed {
			h.active.Add(-1)
		}
	}()
	if old := h.sinks[sink][table]; old != nil {
		h.forgetLocked(old)
	}

	if resume >= 0 {
		if seat := h.f.SeatOf(table, player); seat >= 0 {
			if evs, ok := h.f.EventsSince(table, resume); ok {
				enc, err := h.encoderFor(table)
				if err != nil {
					return false, err
				}
				after := resume
				for _, e := range evs {
					b, err := encode(enc, e, seat)
					if err != nil {
						return false, err
					}
					if !sink.Send(b) {
						h.dropLocked(sink)
						return false, nil
					}
					after = e.No
				}
				h.subscribeLocked(sink, table, seat, after, enc)
				subscribed = true
				return true, nil
			}
		}
	}

	sv, ok := h.f.ViewFor(table, player)
	if !ok {
		return false, fsm.ErrUnknownTable
	}
	enc := h.encoderOf(sv.View.Game)
	players := make([]string, len(sv.Seats))
	for i, s := range sv.Seats {
		switch {
		case s.Player != "":
			players[i] = s.Player
		case s.Bot:
			players[i] = "bot"
		}
	}
	msg := enc.TableState(&codec.TableState{Seq: seq, Table: table, Event: sv.Event, Players: players, View: sv.View})
	if !sink.Send(msg) {
		h.dropLocked(sink)
		return false, nil
	}
	if sv.View.Seat < 0 {
		return false, nil // an observer's one-off view
	}
	h.subscribeLocked(sink, table, sv.View.Seat, sv.Event, enc)
	subscribed = true
	return true, nil
}

// Close ends sink's subscription to table, if any.
func (h *Hub) Close(sink Sink, table int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.sinks[sink][table]; s != nil {
		h.forgetLocked(s)
	}
}

// CloseAfter ends sink's subscription to table once it has been sent
// event number last (at once when it has): a player who leaves still gets
// the events its leave's ack announced.
func (h *Hub) CloseAfter(sink Sink, table, last int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.sinks[sink][table]; s != nil {
		if s.after >= last {
			h.forgetLocked(s)
			return
		}
		s.until = last
	}
}

// Drop ends every subscription of sink (its connection closed).
func (h *Hub) Drop(sink Sink) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(sink)
}

// Subscriptions returns how many subscriptions are open (tests, status).
func (h *Hub) Subscriptions() int64 { return h.active.Load() }

func (h *Hub) subscribeLocked(sink Sink, table int64, seat int, after int64, enc *codec.Encoder) {
	ts := h.tables[table]
	if ts == nil {
		ts = &tableSubs{enc: enc, subs: map[*sub]struct{}{}}
		h.tables[table] = ts
	}
	s := &sub{sink: sink, table: table, seat: seat, after: after}
	ts.subs[s] = struct{}{}
	m := h.sinks[sink]
	if m == nil {
		m = map[int64]*sub{}
		h.sinks[sink] = m
	}
	m[table] = s
}

func (h *Hub) forgetLocked(s *sub) {
	if len(s.acks) > 0 {
		// The events they waited for will not come through this
		// subscription (closed, or replaced by a new Open).
		s.sink.Send(s.acks...)
		s.acks = nil
	}
	if ts := h.tables[s.table]; ts != nil {
		if _, ok := ts.subs[s]; ok {
			delete(ts.subs, s)
			h.active.Add(-1)
		}
		if len(ts.subs) == 0 {
			delete(h.tables, s.table)
		}
	}
	if m := h.sinks[s.sink]; m != nil && m[s.table] == s {
		delete(m, s.table)
		if len(m) == 0 {
			delete(h.sinks, s.sink)
		}
	}
}

func (h *Hub) dropLocked(sink Sink) {
	for _, s := range h.sinks[sink] {
		h.forgetLocked(s)
	}
}

// encoderOf returns the encoder of game kind's notation. Encoders are
// immutable; the hub keeps one per game.
func (h *Hub) encoderOf(kind game.Kind) *codec.Encoder {
	if e, ok := h.encoders.Load(kind); ok {
		return e.(*codec.Encoder)
	}
	t, err := game.NewTable(game.Config{Game: kind})
	if err != nil {
		return codec.NewEncoder(game.SchafkopfNotation) // unreachable: the table exists
	}
	e, _ := h.encoders.LoadOrStore(kind, codec.NewEncoder(t.Notation()))
	return e.(*codec.Encoder)
}

func (h *Hub) encoderFor(table int64) (*codec.Encoder, error) {
	info, ok := h.f.Table(table)
	if !ok {
		return nil, fmt.Errorf("%w", fsm.ErrUnknownTable)
	}
	return h.encoderOf(info.Game), nil
}
