package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// haproxyConfig is deploy/local/haproxy.cfg with this cluster's addresses
// (a binary cannot read the repository's file; TestConfigFollowsDeploy
// keeps the timings in step): players reach only the node whose
// /health/leader answers 200, and any live node while none does. The TCP
// backend sends no PROXY header: the nodes here trust no proxy.
const haproxyConfig = `global
    maxconn 9000

defaults
    timeout connect 100ms
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout http-request 5s
    timeout check 300ms
    retries 3
    option redispatch 1

frontend players_http
    mode http
    option forwardfor
    bind %[1]s
    http-request del-header X-Tableraft-Cut-On-Down
    use_backend leader_http if { nbsrv(leader_http) gt 0 }
    default_backend any_http

backend leader_http
    mode http
    option httpchk GET /health/leader
    http-check expect status 200
    # Marks the connections this backend routes: haproxy cuts them when it
    # marks their server down, so a node that stops leading holds them,
    # silent, until then instead of asking them to retry after a pause
    # (the players come back the moment haproxy has switched). Connections
    # through any_http are not cut by haproxy and get no mark.
    http-request set-header X-Tableraft-Cut-On-Down 1
    timeout server 1s
    default-server inter 25ms fastinter 10ms downinter 10ms rise 1 fall 2 on-marked-down shutdown-sessions
%[2]s
backend any_http
    mode http
    # A live node, checked over HTTP: the kernel of a frozen node (SIGSTOP,
    # a stalled VM) still accepts TCP connections, so a TCP check kept it
    # here and the players sent to it while no node led waited until it
    # woke (measured: 3 s for a 3 s freeze, where the others had elected a
    # leader after 1.3 s).
    option httpchk GET /health/live
    http-check expect status 200
    # A node that accepted the connection but does not answer the
    # WebSocket upgrade within a second is not there: the player gets 504
    # and retries (after the upgrade, timeout tunnel applies).
    timeout server 1s
    default-server inter 100ms fastinter 25ms downinter 25ms rise 1 fall 2 on-marked-down shutdown-sessions
%[2]s
frontend players_tcp
    mode tcp
    bind %[3]s
    default_backend leader_tcp

backend leader_tcp
    mode tcp
    default-server on-marked-down shutdown-sessions
%[4]s`

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
		fmt.Fprintf(&hs, "    server %s %s check\n", n.ID, n.HTTPAddr)
		fmt.Fprintf(&ts, "    server %s %s track leader_http/%s\n", n.ID, n.TCPAddr, n.ID)
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
