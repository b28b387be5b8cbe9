// Package ws serves the player protocol over WebSocket (gorilla/websocket)
// at /ws of the node's HTTP address: one JSON object per text message. The
// session layer does the rest.
package ws

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"tableraft/transport/codec"
	"tableraft/transport/guard"
	"tableraft/transport/session"
)

// Options are the checks in front of the upgrade. The zero value admits
// pages of the same host only, any number of connections, and no
// server pings.
type Options struct {
	// Origins are the web origins whose pages may connect (nil: the same
	// host only). Tokens travel in hello, never in cookies, so a foreign
	// page could not act for a player anyway; the check keeps other
	// sites from using the players' browsers as free connections.
	Origins *guard.Origins
	// Proxies are the load balancers whose X-Forwarded-For is believed
	// when counting connections per address.
	Proxies *guard.Proxies
	// PerIP bounds the open connections of one client address; nil: no
	// bound. Past it the upgrade is answered 429.
	PerIP *guard.PerIP
	// PingInterval, when positive, sends a WebSocket ping this often; a
	// pong (browsers answer by themselves) extends the read deadline by
	// IdleTimeout, so a quiet live tab stays and a dead peer is closed
	// when its idle deadline passes.
	PingInterval time.Duration
	IdleTimeout  time.Duration
}

// Handler is HandlerWith the zero Options.
func Handler(srv *session.Server) http.Handler { return HandlerWith(srv, Options{}) }

// HandlerWith upgrades requests to WebSocket and runs a session on each,
// after the origin and per-address checks of o.
func HandlerWith(srv *session.Server, o Options) http.Handler {
	up := &websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// Small read buffers and pooled write buffers keep an idle
		// connection cheap; messages are at most 4 KiB anyway.
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     o.Origins.Check,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !o.Origins.Check(r) {
			refuse(w, http.StatusForbidden, codec.CodeForbidden, "this page's origin may not connect")
			return
		}
		if o.PerIP != nil {
			release, ok := o.PerIP.Acquire(o.Proxies.ClientIP(r))
			if !ok {
				refuse(w, http.StatusTooManyRequests, codec.CodeRateLimited, "too many connections from your address")
				return
			}
			defer release()
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return // Upgrade has answered the request
		}
		conn := NewConn(c)
		conn.pingEvery, conn.idle = o.PingInterval, o.IdleTimeout
		conn.viaProxy = cutOnDown(o.Proxies, r)
		defer conn.stopKeepAlive()
		srv.Serve(conn)
	})
}

// refuse answers a request that is not upgraded, with the protocol's
// error object.
func refuse(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(codec.EncodeError(0, code, msg))
}

// keepAlive pings the peer every interval and lets every pong extend the
// read deadline by idle. It starts after the first message (the hello):
// a connection that never says hello gets no pings, so answering them
// cannot stretch its hello timeout.
func (c *Conn) keepAlive(interval, idle time.Duration) {
	c.c.SetPongHandler(func(string) error {
		return c.c.SetReadDeadline(time.Now().Add(idle))
	})
	done := make(chan struct{})
	c.stopPings = func() { close(done) }
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				// WriteControl may run beside the session's writer.
				if c.c.WriteControl(websocket.PingMessage, nil, time.Now().Add(interval)) != nil {
					return
				}
			}
		}
	}()
}

// stopKeepAlive ends the pings, if they started. It runs after the
// session, so never beside ReadMessage.
func (c *Conn) stopKeepAlive() {
	if c.stopPings != nil {
		c.stopPings()
		c.stopPings = nil
	}
}

// Conn is a session.Conn over a WebSocket.
//
// Writes are batched: WriteMessage frames a message into a buffer and
// Flush hands all frames of a burst (an ack, the events, the next prompt)
// to the socket in one write. gorilla writes every message with a system
// call of its own, and those calls were a third of a loaded leader's CPU
// (docs/BENCHMARKS.md). The frames are the ones gorilla would write: a
// server's frames are unmasked and we negotiate no extension. A write to
// the socket is atomic with respect to other writes on it, so gorilla's
// own control frames (pong, close) never land inside a batch.
type Conn struct {
	c   *websocket.Conn
	out *[]byte // frames not yet flushed; only the writer touches it
	// pingEvery and idle configure the keep-alive (0: none); stopPings
	// ends it once started. All three belong to the reading goroutine.
	pingEvery, idle time.Duration
	stopPings       func()
	// viaProxy: the peer is a trusted proxy (session.ProxiedConn).
	viaProxy bool
}

// ViaProxy reports whether the connection came through a trusted proxy
// that cuts it when it marks this node down (it set CutOnDownHeader).
func (c *Conn) ViaProxy() bool { return c.viaProxy }

// cutOnDown reports whether r came from a trusted proxy that will cut the
// connection when it marks this node down: the mark of
// deploy/*/haproxy.cfg's leader-only backend, believed from a trusted
// proxy only. Such a connection is held at a leader change.
func cutOnDown(p *guard.Proxies, r *http.Request) bool {
	return p.Trusted(net.ParseIP(guard.HostIP(r.RemoteAddr))) && r.Header.Get(CutOnDownHeader) == "1"
}

// CutOnDownHeader is what a trusted proxy sets on the connections it cuts
// when it marks their server down (haproxy's on-marked-down
// shutdown-sessions); see session.Limits.HandOverHold.
const CutOnDownHeader = "X-Tableraft-Cut-On-Down"

// batchLimit is the size past which WriteMessage flushes by itself.
const batchLimit = 64 << 10

// batches holds the batch buffers between bursts, so that an idle
// connection holds none.
var batches = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// NewConn wraps c. Frames longer than session.MaxDiscard end the
// connection (gorilla answers them with close code 1009).
func NewConn(c *websocket.Conn) *Conn {
	c.SetReadLimit(session.MaxDiscard)
	return &Conn{c: c}
}

// ReadMessage returns the next data message. One longer than
// codec.MaxMessageSize is read to its end and refused with
// session.ErrTooLong.
func (c *Conn) ReadMessage() ([]byte, error) {
	_, r, err := c.c.NextReader()
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(r, codec.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if c.stopPings == nil && c.pingEvery > 0 && c.idle > 0 {
		c.keepAlive(c.pingEvery, c.idle)
	}
	if len(b) > codec.MaxMessageSize {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return nil, err
		}
		return nil, session.ErrTooLong
	}
	return b, nil
}

// WriteMessage queues msg as one text message for the next Flush.
func (c *Conn) WriteMessage(msg []byte) error {
	if c.out == nil {
		c.out = batches.Get().(*[]byte)
	}
	*c.out = appendTextFrame(*c.out, msg)
	if len(*c.out) >= batchLimit {
		return c.Flush()
	}
	return nil
}

// Flush writes the queued frames in one write.
func (c *Conn) Flush() error {
	if c.out == nil {
		return nil
	}
	_, err := c.c.UnderlyingConn().Write(*c.out)
	*c.out = (*c.out)[:0]
	if cap(*c.out) <= batchLimit*2 {
		batches.Put(c.out)
	}
	c.out = nil
	return err
}

// appendTextFrame appends msg as one unmasked, final text frame
// (RFC 6455 section 5.2).
func appendTextFrame(b, msg []byte) []byte {
	const finText = 0x80 | websocket.TextMessage
	switch n := len(msg); {
	case n < 126:
		b = append(b, finText, byte(n))
	case n <= 0xFFFF:
		b = append(b, finText, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, finText, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, msg...)
}

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline of the batched writes (on the
// socket) and of gorilla's own.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if err := c.c.UnderlyingConn().SetWriteDeadline(t); err != nil {
		return err
	}
	return c.c.SetWriteDeadline(t)
}

// Close sends a close frame (best effort) and closes the connection.
func (c *Conn) Close() error {
	err := c.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	if cerr := c.c.Close(); err == nil || errors.Is(err, websocket.ErrCloseSent) {
		err = cerr
	}
	return err
}

// RemoteAddr names the peer.
func (c *Conn) RemoteAddr() string { return c.c.RemoteAddr().String() }
