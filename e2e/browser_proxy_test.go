package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// startBrowserProxy runs haproxy in front of pc for the browser test: the
// deploy's leader-only routing (haproxyConfig), plus a fallback for the
// moments when no node passes the leader check (an election, a transfer,
// a check that timed out on a loaded machine): then any live node takes
// the connection and answers the page with reconnect, which it handles
// like any other. Without the fallback haproxy answers 503, and a browser
// writes every 503 to its console, which TestBrowser does not allow.
// TestPlayersThroughHaproxy keeps the deploy's settings and measures them.
func startBrowserProxy(t *testing.T, pc *playerCluster) string {
	t.Helper()
	var any strings.Builder
	for _, nd := range pc.nodes {
		fmt.Fprintf(&any, "    server %s %s check\n", nd.id, nd.httpAddr)
	}
	return startHaproxyWith(t, pc, browserHaproxyConfig(any.String()))
}

// browserHaproxyConfig adds the fallback backend (servers: its server
// lines, checked by a TCP connect) to haproxyConfig.
func browserHaproxyConfig(servers string) string {
	const route = "    default_backend leader_http\n"
	fallback := "backend any_http\n    mode http\n    default-server inter 100ms fastinter 50ms downinter 100ms rise 1 fall 2\n" + servers + "\n"
	cfg := strings.Replace(haproxyConfig, route,
		"    use_backend leader_http if { nbsrv(leader_http) gt 0 }\n    default_backend any_http\n", 1)
	return strings.Replace(cfg, "frontend players_tcp", fallback+"frontend players_tcp", 1)
}

func TestBrowserHaproxyConfigAddsTheFallback(t *testing.T) {
	cfg := browserHaproxyConfig("    server n1 127.0.0.1:1 check\n")
	for _, want := range []string{"use_backend leader_http if { nbsrv(leader_http) gt 0 }", "default_backend any_http", "backend any_http", "server n1 127.0.0.1:1 check\n\nfrontend players_tcp"} {
		if !strings.Contains(cfg, want) {
			t.Fatalf("haproxyConfig changed: the browser test's fallback no longer applies (no %q):\n%s", want, cfg)
		}
	}
	if strings.Count(cfg, "%s") != 4 {
		t.Fatalf("the config must keep haproxyConfig's four %%s:\n%s", cfg)
	}
}
