package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// defaultHaproxyAPI is the runtime API socket of make run's haproxy.
const defaultHaproxyAPI = "data/haproxy.sock"

// haproxySwitch moves players' traffic at once through haproxy's runtime
// API ("stats socket ... level admin"): the target's server is forced up
// and the leader's down, in one request, so haproxy neither waits for its
// checks to notice (two failed checks: 30-90 ms) nor sends anyone to the
// old leader in between. The checks keep running and agree: the leader
// that hands over answers /health/leader with 503, the target that takes
// over with 200 (and holds the players' hellos until it leads). haproxy's server names
// must be the node ids (as in deploy/*/haproxy.cfg); the TCP backend
// tracks the HTTP one and follows.
type haproxySwitch struct {
	addrs   []string // unix socket paths, or host:port for a TCP socket
	backend string
}

// dialHaproxy connects to one runtime API address.
func dialHaproxy(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	if strings.Contains(addr, "/") || !strings.Contains(addr, ":") {
		return d.DialContext(ctx, "unix", addr)
	}
	return d.DialContext(ctx, "tcp", addr)
}

// apply sends "set server" for up and down to one address and returns
// haproxy's answer to any command that failed.
func (h haproxySwitch) apply(ctx context.Context, addr, up, down string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := dialHaproxy(ctx, addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cmd := fmt.Sprintf("set server %s/%s health up; set server %s/%s health down\n", h.backend, up, h.backend, down)
	if _, err := io.WriteString(conn, cmd); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	// Without the interactive prompt haproxy answers every command (an
	// empty answer is success) and closes the connection.
	answer, err := io.ReadAll(conn)
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	if msg := strings.TrimSpace(string(answer)); msg != "" {
		return fmt.Errorf("haproxy: %s", strings.ReplaceAll(msg, "\n", "; "))
	}
	return nil
}

// run switches every address and prints one line for each. A missing
// default socket (no make run here) is skipped quietly: haproxy's checks
// still switch it.
func (h haproxySwitch) run(ctx context.Context, e *env, up, down string, start time.Time) {
	for _, addr := range h.addrs {
		if addr == defaultHaproxyAPI {
			if _, err := os.Stat(addr); err != nil {
				continue
			}
		}
		if err := h.apply(ctx, addr, up, down); err != nil {
			fmt.Fprintf(e.stdout, "haproxy API %s: %v; its checks will switch it\n", addr, err)
			continue
		}
		fmt.Fprintf(e.stdout, "haproxy API %s: %s/%s up, %s/%s down after %s\n", addr, h.backend, up, h.backend, down, since(start))
	}
}
