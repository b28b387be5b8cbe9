// Package tcp serves the player protocol on a plain TCP port: one JSON
// object per line (UTF-8, "\n"-terminated, at most codec.MaxMessageSize
// bytes without the line end; a trailing "\r" is ignored, blank lines are
// skipped). The session layer does the rest.
package tcp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/pires/go-proxyproto"

	"tableraft/transport/codec"
	"tableraft/transport/guard"
	"tableraft/transport/session"
)

// Options are the checks in front of a TCP session. The zero value trusts
// no proxy and admits any number of connections.
type Options struct {
	// Proxies are the load balancers (haproxy with send-proxy-v2) whose
	// PROXY protocol header names the real client. From them a header is
	// used when present; from anyone else it is read and ignored.
	Proxies *guard.Proxies
	// PerIP bounds the open connections of one client address; past it
	// the connection gets an error rateLimited and is closed.
	PerIP *guard.PerIP
	// KeepAlive is the TCP keep-alive period, which finds peers that
	// vanished without a FIN (0: the Go default of 15 s).
	KeepAlive time.Duration
}

// Serve is ServeWith the zero Options.
func Serve(ln net.Listener, srv *session.Server) error { return ServeWith(ln, srv, Options{}) }

// ServeWith accepts connections on ln and runs a session for each until
// ln is closed. It returns nil when ln was closed.
func ServeWith(ln net.Listener, srv *session.Server, o Options) error {
	if trusted := o.Proxies.List(); len(trusted) > 0 {
		policy, err := proxyproto.ConnLaxWhiteListPolicy(trusted)
		if err != nil {
			return fmt.Errorf("tcp: trusted proxies: %w", err)
		}
		// The header must arrive within the hello timeout's order of
		// magnitude; the session's own deadlines take over after it.
		ln = &proxyproto.Listener{Listener: ln, ConnPolicy: policy, ReadHeaderTimeout: 5 * time.Second}
	}
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			// A temporary failure (out of file descriptors): back off
			// and go on, as net/http does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			time.Sleep(delay)
			continue
		}
		delay = 0
		go serveConn(c, srv, o)
	}
}

// serveConn runs one connection: its real address (reading a PROXY header
// may block, so not on the accept loop), the per-address bound, then the
// session.
func serveConn(c net.Conn, srv *session.Server, o Options) {
	if tc, ok := tcpConn(c); ok {
		_ = tc.SetKeepAlive(true)
		if o.KeepAlive > 0 {
			_ = tc.SetKeepAlivePeriod(o.KeepAlive)
		}
	}
	if o.PerIP != nil {
		release, ok := o.PerIP.Acquire(guard.HostIP(c.RemoteAddr().String()))
		if !ok {
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = c.Write(append(codec.EncodeError(0, codec.CodeRateLimited, "too many connections from your address"), '\n'))
			_ = c.Close()
			return
		}
		defer release()
	}
	conn := NewConn(c)
	if pc, ok := c.(*proxyproto.Conn); ok {
		conn.viaProxy = o.Proxies.Trusted(net.ParseIP(guard.HostIP(pc.Raw().RemoteAddr().String())))
	}
	srv.Serve(conn)
}

// tcpConn finds the *net.TCPConn under c (also under a PROXY protocol
// wrapper).
func tcpConn(c net.Conn) (*net.TCPConn, bool) {
	switch c := c.(type) {
	case *net.TCPConn:
		return c, true
	case *proxyproto.Conn:
		return c.TCPConn()
	}
	return nil, false
}

// Conn is a session.Conn over a TCP connection.
type Conn struct {
	c        net.Conn
	r        *bufio.Reader
	viaProxy bool // the peer is a trusted proxy (session.ProxiedConn)
	wbuf     []byte
}

// NewConn frames c as lines.
func NewConn(c net.Conn) *Conn {
	return &Conn{c: c, r: bufio.NewReaderSize(c, codec.MaxMessageSize+2)}
}

// ReadMessage returns the next non-blank line without its line end. The
// slice is valid until the next call.
func (c *Conn) ReadMessage() ([]byte, error) {
	for {
		line, err := c.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, c.discardLine()
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(bytes.TrimSpace(line)) > 0 {
				return nil, io.ErrUnexpectedEOF // a last line without its "\n"
			}
			return nil, err
		}
		line = bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) > codec.MaxMessageSize {
			return nil, session.ErrTooLong
		}
		return line, nil
	}
}

// discardLine skips the rest of a line that is too long, up to
// session.MaxDiscard bytes in all.
func (c *Conn) discardLine() error {
	skipped := c.r.Buffered()
	for skipped <= session.MaxDiscard {
		_, err := c.r.ReadSlice('\n')
		if err == nil {
			return session.ErrTooLong
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
		skipped += c.r.Size()
	}
	return errors.New("tcp: a line longer than the discard limit")
}

// WriteMessage buffers msg as one line; Flush sends it.
func (c *Conn) WriteMessage(msg []byte) error {
	c.wbuf = append(c.wbuf, msg...)
	c.wbuf = append(c.wbuf, '\n')
	if len(c.wbuf) >= 32<<10 {
		return c.Flush()
	}
	return nil
}

// Flush writes the buffered lines. A large buffer is given back, so an
// idle connection holds little memory.
func (c *Conn) Flush() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	_, err := c.c.Write(c.wbuf)
	if cap(c.wbuf) > 4<<10 {
		c.wbuf = nil
	} else {
		c.wbuf = c.wbuf[:0]
	}
	return err
}

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.c.SetWriteDeadline(t) }

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// RemoteAddr names the peer.
func (c *Conn) RemoteAddr() string { return c.c.RemoteAddr().String() }

// ViaProxy reports whether the connection came through a trusted proxy.
func (c *Conn) ViaProxy() bool { return c.viaProxy }
