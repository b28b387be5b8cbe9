package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// haproxyConfig is deploy/local/haproxy.cfg with this cluster's
// addresses: players reach only the node whose /health/leader answers 200.
const haproxyConfig = `global
    maxconn 9000

defaults
    timeout connect 1s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout http-request 5s
    timeout check 200ms
    retries 2
    option redispatch

frontend players_http
    mode http
    bind %s
    default_backend leader_http

backend leader_http
    mode http
    option httpchk GET /health/leader
    http-check expect status 200
    default-server inter 100ms fastinter 50ms downinter 100ms rise 1 fall 1 on-marked-down shutdown-sessions
%s
frontend players_tcp
    mode tcp
    bind %s
    default_backend leader_tcp

backend leader_tcp
    mode tcp
    option httpchk GET /health/leader
    http-check expect status 200
    default-server inter 100ms fastinter 50ms downinter 100ms rise 1 fall 1 on-marked-down shutdown-sessions
%s`

func (c *Cluster) startHaproxy() error {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		return fmt.Errorf("cluster: haproxy is not installed (apt-get install haproxy): %w", err)
	}
	front, err := freeAddrs(2)
	if err != nil {
		return err
	}
	var hs, ts strings.Builder
	for _, n := range c.Nodes {
		_, port, _ := strings.Cut(n.HTTPAddr[strings.LastIndex(n.HTTPAddr, ":"):], ":")
		fmt.Fprintf(&hs, "    server %s %s check\n", n.ID, n.HTTPAddr)
		fmt.Fprintf(&ts, "    server %s %s check port %s\n", n.ID, n.TCPAddr, port)
	}
	cfg := filepath.Join(c.cfg.Dir, "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(haproxyConfig, front[0], hs.String(), front[1], ts.String())), 0o644); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(c.cfg.Dir, "haproxy.log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "-db", "-f", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("cluster: start haproxy: %w", err)
	}
	c.haproxy, c.haproxyDone = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(c.haproxyDone) }()
	c.WS, c.TCP = "ws://"+front[0]+"/ws", "tcp://"+front[1]
	return nil
}
