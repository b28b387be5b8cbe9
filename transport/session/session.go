package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"tableraft/transport/codec"
)

// session is one client connection from its first byte to its close.
type session struct {
	srv  *Server
	conn Conn
	q    *queue

	player string
	// ctx ends when this node stops leading or the session ends. It is
	// the session's own child of the term's: every proposal derives a
	// timeout from it, and children of one context shared by every
	// session contended on its lock (a leader's mutex profile).
	ctx    context.Context
	cancel context.CancelFunc

	// viaProxy: the connection came through a trusted load balancer
	// (ProxiedConn). handingOver: this node stopped leading and holds the
	// session until the proxy cuts it (Limits.HandOverHold); messages are
	// dropped unanswered meanwhile (the client resends what is in flight).
	viaProxy    bool
	handingOver atomic.Bool

	limiter *rate.Limiter // messages
	strikes *rate.Limiter // refused messages

	closeOnce sync.Once
}

// Serve runs one connection until it ends: hello, resume, then messages
// until the client leaves, breaks a limit, or this node stops leading. It
// returns when the connection is closed.
func (s *Server) Serve(conn Conn) {
	sess := &session{
		srv:     s,
		conn:    conn,
		limiter: rate.NewLimiter(rate.Limit(s.lim.Rate), s.lim.Burst),
		strikes: rate.NewLimiter(rate.Limit(s.lim.StrikeRate), s.lim.StrikeBurst),
	}
	sess.q = newQueue(s.lim.QueueMessages, s.lim.QueueBytes, sess.write, func() { _ = conn.Close() })
	if pc, ok := conn.(ProxiedConn); ok {
		sess.viaProxy = pc.ViaProxy()
	}
	if !s.admit(sess) {
		sess.finish(codec.EncodeReconnectTo(codec.ReasonShutdown, s.lim.RetryMs, s.hint()))
		sess.q.wait()
		return
	}
	defer func() {
		if sess.cancel != nil {
			sess.cancel()
		}
		s.leave(sess)
		s.cfg.Hub.Drop(sess.q)
		sess.q.drop()
		_ = conn.Close() // ends a write stuck on a slow client
		sess.q.wait()
	}()
	if !sess.hello() {
		sess.q.wait() // the last message goes out before the close
		return
	}
	sess.loop()
}

// write writes a batch of messages to the connection (the queue's writer
// goroutine calls it) and reports whether the connection is still good.
func (sess *session) write(msgs [][]byte) bool {
	for _, m := range msgs {
		_ = sess.conn.SetWriteDeadline(time.Now().Add(sess.srv.lim.WriteTimeout))
		if err := sess.conn.WriteMessage(m); err != nil {
			return false
		}
	}
	return sess.conn.Flush() == nil
}

// send queues a message; a full queue drops the connection.
func (sess *session) send(msg []byte) {
	sess.q.Send(msg)
}

// finish sends msg (if any) as the last message and closes the
// connection once it is written.
func (sess *session) finish(msg []byte) {
	sess.closeOnce.Do(func() {
		if msg != nil {
			sess.q.Send(msg)
		}
		sess.q.close()
	})
}

// reconnect tells the client to connect again and closes the connection.
func (sess *session) reconnect(reason string, hint codec.Hint) {
	sess.finish(codec.EncodeReconnectTo(reason, sess.srv.lim.RetryMs, hint))
}

// handOver keeps the session open and silent for up to hold, so that the
// proxy in front cuts it when it switches to the new leader and the
// client comes back then; if it has not by then, the client is told to
// reconnect at once.
func (sess *session) handOver(reason string, hint codec.Hint, hold time.Duration) {
	sess.handingOver.Store(true)
	time.AfterFunc(hold, func() { sess.finish(codec.EncodeReconnectTo(reason, 0, hint)) })
}

// hello reads and answers the first message. It reports whether the
// session goes on.
func (sess *session) hello() bool {
	srv := sess.srv
	_ = sess.conn.SetReadDeadline(time.Now().Add(srv.lim.HelloTimeout))
	b, err := sess.conn.ReadMessage()
	if err != nil {
		if errors.Is(err, ErrTooLong) {
			sess.finishError(0, codec.CodeBadMessage, "the message is longer than 4096 bytes")
		} else {
			sess.finish(nil)
		}
		return false
	}
	m, err := codec.Decode(b)
	if err != nil {
		sess.finish(encodeErr(err))
		return false
	}
	h, ok := m.(codec.Hello)
	if !ok {
		sess.finishError(seqOf(m), codec.CodeUnauthorized, "say hello with a token first")
		return false
	}
	player, err := srv.cfg.Keys.Verify(h.Token)
	if err != nil {
		sess.finishError(0, codec.CodeUnauthorized, "the token is not valid")
		return false
	}
	sess.player = player
	ctx, ok := srv.enlist(sess)
	if ended := srv.takeoverEnded(); !ok && ended != nil {
		<-ended // this node is about to lead: serve the player then
		ctx, ok = srv.enlist(sess)
	}
	if !ok {
		sess.reconnect(codec.ReasonLeaderChanged, srv.hint())
		return false
	}
	sess.ctx, sess.cancel = context.WithCancel(ctx)
	sess.send(codec.EncodeWelcomeAt(player, srv.cfg.NodeID, int64(srv.cfg.FSM.LastSeq(player))))
	sess.resume(h.Resume)
	return true
}

// resume opens every table the player sits at: the events the client
// missed when it names the table in resume and this node still holds
// them, else a tableState. A resumed table where the player no longer
// sits gets its public tableState, or unknownTable when it is gone.
func (sess *session) resume(entries []codec.Resume) {
	srv := sess.srv
	after := make(map[int64]int64, len(entries))
	for _, r := range entries {
		after[r.Table] = r.Event
	}
	for _, t := range srv.cfg.FSM.PlayerTables(sess.player) {
		from, ok := after[t]
		if !ok {
			from = -1
		}
		delete(after, t)
		if _, err := srv.cfg.Hub.Open(sess.q, sess.player, t, 0, from); err != nil {
			sess.sendError(0, codeOf(err), fmt.Sprintf("table %d: %v", t, messageOf(err)))
		}
	}
	for _, r := range entries {
		if _, left := after[r.Table]; !left {
			continue
		}
		delete(after, r.Table)
		if _, err := srv.cfg.Hub.Open(sess.q, sess.player, r.Table, 0, -1); err != nil {
			sess.sendError(0, codeOf(err), fmt.Sprintf("table %d is closed", r.Table))
		}
	}
}

// loop reads and answers messages until the connection ends.
func (sess *session) loop() {
	srv := sess.srv
	for {
		_ = sess.conn.SetReadDeadline(time.Now().Add(srv.lim.IdleTimeout))
		b, err := sess.conn.ReadMessage()
		if errors.Is(err, ErrTooLong) {
			sess.refuse(codec.EncodeError(0, codec.CodeBadMessage, "the message is longer than 4096 bytes"), codec.CodeBadMessage)
			continue
		}
		if err != nil {
			return
		}
		if sess.handingOver.Load() {
			continue // this node no longer leads; the client resends after the cut
		}
		m, err := codec.Decode(b)
		if err != nil {
			sess.refuse(encodeErr(err), codec.CodeBadMessage)
			continue
		}
		if !sess.limiter.Allow() {
			sess.refuse(codec.EncodeError(seqOf(m), codec.CodeRateLimited, "too many messages; slow down"), codec.CodeRateLimited)
			continue
		}
		if !sess.handle(m) {
			return
		}
	}
}

// sendError answers an error and counts it.
func (sess *session) sendError(seq int64, code, msg string) {
	sess.srv.refused(code)
	sess.send(codec.EncodeError(seq, code, msg))
}

// finishError answers an error, counts it and closes the connection.
func (sess *session) finishError(seq int64, code, msg string) {
	sess.srv.refused(code)
	sess.finish(codec.EncodeError(seq, code, msg))
}

// refuse answers a refused message and counts it; a client that keeps
// sending refused messages is closed.
func (sess *session) refuse(msg []byte, code string) {
	sess.srv.refused(code)
	if sess.strikes.Allow() {
		sess.send(msg)
		return
	}
	sess.finish(codec.EncodeError(0, code, "too many refused messages; closing the connection"))
}
