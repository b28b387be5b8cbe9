package client

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"
)

// silentNode welcomes every connection and then says nothing more, not
// even pong: a node gone without a word behind a proxy that keeps the
// player's side open. It hands each connection to conns.
func silentNode(t *testing.T, conns chan<- net.Conn) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			go func() {
				r := bufio.NewReader(c)
				if _, err := r.ReadBytes('\n'); err != nil { // the hello
					return
				}
				if _, err := c.Write([]byte(`{"type":"welcome","player":"p1","node":"n1"}` + "\n")); err != nil {
					return
				}
				conns <- c
				for { // read the pings, answer nothing
					if _, err := r.ReadBytes('\n'); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "tcp://" + ln.Addr().String()
}

// A welcomed connection that brings nothing for Silence is taken for
// dead: the client connects again (and would resume its tables there).
func TestASilentConnectionIsReplaced(t *testing.T) {
	conns := make(chan net.Conn, 4)
	addr := silentNode(t, conns)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, Config{Addrs: []string{addr}, Token: "t", PingInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-conns
	select {
	case <-conns:
	case <-ctx.Done():
		t.Fatal("the client kept a connection that said nothing for 10 s (Silence 100 ms)")
	}
	for c.Reconnects() < 1 { // the client handles the second welcome
		select {
		case <-ctx.Done():
			t.Fatal("the client did not take the second connection's welcome")
		case <-time.After(5 * time.Millisecond):
		}
	}
}
