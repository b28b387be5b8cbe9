package e2e

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/gorilla/websocket"

	"tableraft/transport/adminapi"
	"tableraft/transport/auth"
)

// fingerprint is what a refused probe must leave as it was: who leads in
// which term, the membership, and the replicated state (applied index and
// hash).
type fingerprint struct {
	Leader    string
	Term      uint64
	Servers   string
	FSMIndex  uint64
	StateHash string
}

func (sc *secureCluster) fingerprint(t testing.TB) fingerprint {
	t.Helper()
	leader := sc.waitLeader(10 * time.Second)
	s, err := sc.status(leader)
	if err != nil {
		t.Fatal(err)
	}
	var servers []string
	for _, srv := range s.Servers {
		servers = append(servers, srv.ID+"="+srv.Addr+"/"+srv.Suffrage)
	}
	return fingerprint{Leader: s.ID, Term: s.Term, Servers: strings.Join(servers, ","), FSMIndex: s.FSMIndex, StateHash: s.StateHash}
}

// unchanged checks, at the end of a probe, that the fingerprint is what
// it was at its start.
func (sc *secureCluster) unchanged(t *testing.T) {
	t.Helper()
	before := sc.fingerprint(t)
	t.Cleanup(func() {
		if after := sc.fingerprint(t); after != before {
			t.Errorf("the probe changed the cluster:\n before %+v\n after  %+v", before, after)
		}
	})
}

// TestSecurityProbes runs every probe of docs/SECURITY.md against a
// three-node cluster with mutual TLS between the nodes: each is refused
// with its code, changes nothing and leaks nothing.
func TestSecurityProbes(t *testing.T) {
	sc := newSecureCluster(t, 3, "--player-hello-timeout", "2s")
	leader := sc.waitLeader(10 * time.Second)
	addr := sc.tcp[leader]
	mint := func(player string) string {
		tok, err := sc.keys.Mint(player, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	var tokens []string
	token := func(player string) string { tok := mint(player); tokens = append(tokens, tok); return tok }

	// The scene: p1 and p2 play Schnapsen at table T, with a turn timer
	// of an hour so that nothing moves by itself.
	p1 := dialLine(t, addr)
	p1.hello(token("p1"))
	p1.send(map[string]any{"type": "createTable", "seq": 1, "game": "schnapsen", "options": map[string]any{"turnTimeoutMs": 3_600_000}})
	table := p1.await("ack", 1).num("table")
	p2 := dialLine(t, addr)
	p2.hello(token("p2"))
	p2.send(map[string]any{"type": "joinTable", "seq": 1, "table": table})
	p2.await("ack", 1)
	seq := map[string]int64{"p1": 1, "p2": 1, "p3": 0}
	next := func(p string) int64 { seq[p]++; return seq[p] }
	state := func(l *lineConn, p string) msg {
		s := next(p)
		l.send(map[string]any{"type": "sync", "seq": s, "table": table})
		return l.await("tableState", s)
	}
	var st1, st2 msg
	waitFor(t, 20*time.Second, "the deal to start", func() bool {
		st1 = state(p1, "p1")
		return st1["playing"] == true && st1["turn"] != nil && st1["hand"] != nil
	})
	st2 = state(p2, "p2")
	waitFor(t, 10*time.Second, "the cluster to settle", func() bool {
		a := sc.fingerprint(t)
		time.Sleep(300 * time.Millisecond)
		return a == sc.fingerprint(t)
	})

	t.Run("no token", func(t *testing.T) {
		sc.unchanged(t)
		for _, tc := range []struct{ first, code string }{
			{`{"type":"listTables","seq":1}`, "unauthorized"},
			{`{"type":"createTable","seq":1,"game":"schnapsen"}`, "unauthorized"},
			{`{"type":"sync","seq":1,"table":1}`, "unauthorized"},
			{`{"type":"hello"}`, "badMessage"},
			{`{"type":"hello","token":""}`, "badMessage"},
		} {
			c := dialLine(t, addr)
			c.send(tc.first)
			c.refused(0, tc.code)
			if !c.closedByServer(10 * time.Second) {
				t.Errorf("%s: the connection stays open", tc.first)
			}
		}
	})

	t.Run("forged, expired or foreign tokens", func(t *testing.T) {
		sc.unchanged(t)
		forger, _ := auth.New([]byte("not-the-cluster-secret-0123456789abcdef"))
		forged, _ := forger.Mint("p1", time.Hour)
		expired, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{Subject: "p1", Audience: jwt.ClaimStrings{auth.DefaultAudience},
			IssuedAt: jwt.NewNumericDate(time.Now().Add(-2 * time.Hour)), ExpiresAt: jwt.NewNumericDate(time.Now().Add(-time.Hour))}).SignedString([]byte(sc.secret))
		otherService, _ := sc.keys.WithAudience("another-service")
		foreignAud, _ := otherService.Mint("p1", time.Hour)
		noneAlg, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.RegisteredClaims{Subject: "p1", Audience: jwt.ClaimStrings{auth.DefaultAudience},
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}).SignedString(jwt.UnsafeAllowNoneSignatureType)
		for name, tok := range map[string]string{"forged": forged, "expired": expired, "another audience": foreignAud, "alg none": noneAlg, "garbage": "abc.def.ghi"} {
			c := dialLine(t, addr)
			c.send(map[string]any{"type": "hello", "token": tok})
			c.refused(0, "unauthorized")
			if !c.closedByServer(10 * time.Second) {
				t.Errorf("%s: the connection stays open", name)
			}
		}
	})

	t.Run("p1 acts on p2's seat", func(t *testing.T) {
		sc.unchanged(t)
		// Whoever is not to move tries to move: the server acts for the
		// token's player only, at that player's seat.
		idle, idleState, name := p1.on(t), st1, "p1"
		if st1.num("turn") == st1.num("seat") {
			idle, idleState, name = p2.on(t), st2, "p2"
		}
		card := idleState["hand"].([]any)[0].(string)
		s := next(name)
		idle.send(map[string]any{"type": "playACard", "seq": s, "table": table, "card": card})
		idle.refused(s, "notYourTurn")
		// Naming the other seat changes nothing: commands carry no seat,
		// the server takes the token's.
		s = next(name)
		idle.send(map[string]any{"type": "playACard", "seq": s, "table": table, "card": card, "seat": 1 - idleState.num("seat")})
		idle.refused(s, "notYourTurn")
	})

	p3 := dialLine(t, addr)
	p3.hello(token("p3"))

	t.Run("joining a full table", func(t *testing.T) {
		sc.unchanged(t)
		s := next("p3")
		p3.on(t).send(map[string]any{"type": "joinTable", "seq": s, "table": table})
		p3.on(t).refused(s, "tableFull")
	})

	t.Run("commands for a table without a seat", func(t *testing.T) {
		sc.unchanged(t)
		card := st1["hand"].([]any)[0].(string)
		for _, tc := range []struct {
			m    map[string]any
			code string
		}{
			{map[string]any{"type": "playACard", "table": table, "card": card}, "notSeated"},
			{map[string]any{"type": "closeTalon", "table": table}, "notSeated"},
			{map[string]any{"type": "leaveTable", "table": table}, "notSeated"},
			{map[string]any{"type": "playACard", "table": table + 1000, "card": card}, "unknownTable"},
		} {
			s := next("p3")
			tc.m["seq"] = s
			p3.on(t).send(tc.m)
			p3.on(t).refused(s, tc.code)
		}
	})

	t.Run("reading another hand via sync", func(t *testing.T) {
		sc.unchanged(t)
		s := next("p3")
		p3.on(t).send(map[string]any{"type": "sync", "seq": s, "table": table})
		obs := p3.on(t).await("tableState", s)
		for _, k := range []string{"hand", "seat", "legal"} {
			if _, ok := obs[k]; ok {
				t.Errorf("an observer's tableState has %q: %v", k, obs)
			}
		}
		// p1's own view names none of p2's cards, and the other way round.
		for _, pair := range []struct {
			view  msg
			other msg
		}{{st1, st2}, {st2, st1}} {
			raw, _ := json.Marshal(pair.view)
			for _, c := range pair.other["hand"].([]any) {
				if strings.Contains(string(raw), fmt.Sprintf("%q", c)) {
					t.Errorf("a seat's tableState shows the other seat's card %s: %s", c, raw)
				}
			}
		}
		raw, _ := json.Marshal(obs)
		for _, c := range append(st1["hand"].([]any), st2["hand"].([]any)...) {
			if strings.Contains(string(raw), fmt.Sprintf("%q", c)) {
				t.Errorf("the observer's tableState shows the card %s: %s", c, raw)
			}
		}
	})

	t.Run("a 1 MiB frame", func(t *testing.T) {
		sc.unchanged(t)
		big := `{"type":"listTables","seq":99,"x":"` + strings.Repeat("x", 1<<20) + `"}`
		c := dialLine(t, addr)
		c.hello(token("p4"))
		c.send(big)
		c.refused(0, "badMessage")
		c.send(`{"type":"ping"}`)
		c.await("pong", 0)

		ws := dialWS(t, leader, "")
		wsHello(t, ws, token("p4"))
		if err := ws.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
			t.Fatal(err)
		}
		if m := wsAwait(t, ws, "error"); m.str("code") != "badMessage" {
			t.Fatalf("1 MiB over WebSocket: %v", m)
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping"}`))
		wsAwait(t, ws, "pong")
	})

	t.Run("10,000 messages a second from one connection", func(t *testing.T) {
		sc.unchanged(t)
		c := dialLine(t, addr)
		c.hello(token("p5"))
		var burst strings.Builder
		for i := 1; i <= 10_000; i++ {
			fmt.Fprintf(&burst, `{"type":"listTables","seq":%d}`+"\n", i)
		}
		go func() { // the server may close while this still writes
			_ = c.c.SetWriteDeadline(time.Now().Add(30 * time.Second))
			_, _ = io.WriteString(c.c, burst.String())
		}()
		answered, limited := 0, 0
		for {
			m, err := c.next(30 * time.Second)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Fatal("the flooding connection was not closed")
				}
				break
			}
			switch {
			case m.str("type") == "tables":
				answered++
			case m.str("code") == "rateLimited":
				limited++
			}
		}
		t.Logf("10,000 messages: %d answered, %d refused rateLimited, then the server closed the connection", answered, limited)
		if limited == 0 || answered >= 10_000/2 {
			t.Errorf("answered %d, rateLimited %d", answered, limited)
		}
		// The node goes on serving everyone else.
		s := next("p1")
		p1.on(t).send(map[string]any{"type": "listTables", "seq": s})
		p1.on(t).await("tables", s)
	})

	t.Run("2,000 idle connections from one address", func(t *testing.T) {
		sc.unchanged(t)
		const n = 2000
		conns := make([]*lineConn, n)
		for i := range conns {
			conns[i] = dialLine(t, addr)
		}
		var refused, closed, open int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, c := range conns {
			wg.Add(1)
			go func(c *lineConn) {
				defer wg.Done()
				m, err := c.next(20 * time.Second)
				mu.Lock()
				defer mu.Unlock()
				var ne net.Error
				switch {
				case err == nil && m.str("code") == "rateLimited":
					refused++
				case err != nil && !(errors.As(err, &ne) && ne.Timeout()):
					closed++ // no hello within the hello timeout
				default:
					open++
				}
			}(c)
		}
		wg.Wait()
		t.Logf("%d idle connections: %d refused at once (rateLimited), %d closed without hello, %d still open", n, refused, closed, open)
		if refused < n-1024 || open != 0 || refused+closed != n {
			t.Errorf("refused %d, closed %d, open %d; want at least %d refused and none open", refused, closed, open, n-1024)
		}
		for _, c := range conns {
			c.c.Close()
		}
		c := dialLine(t, addr)
		c.hello(token("p6"))
	})

	t.Run("a WebSocket from a foreign origin", func(t *testing.T) {
		sc.unchanged(t)
		d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
		_, resp, err := d.Dial("ws://"+leader.httpAddr+"/ws", http.Header{"Origin": {"https://evil.example"}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a foreign origin: %v %v", resp, err)
		}
		ws := dialWS(t, leader, "http://"+leader.httpAddr)
		wsHello(t, ws, token("p7"))
	})

	t.Run("admin calls without or with a wrong token", func(t *testing.T) {
		sc.unchanged(t)
		for _, path := range []string{"/admin/transfer", "/admin/join", "/admin/remove", "/admin/nodeinfo"} {
			for name, auth := range map[string]string{"no token": "", "wrong token": "Bearer e2e-operator-token-0123456788", "not bearer": "e2e-operator-token-0123456789"} {
				req, _ := http.NewRequest(http.MethodPost, leader.base()+path, strings.NewReader(`{"id":"n2","addr":"127.0.0.1:1","to":"n2"}`))
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var e struct{ Code string }
				_ = json.NewDecoder(resp.Body).Decode(&e)
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized || e.Code != "unauthorized" {
					t.Errorf("%s %s: %d %q", path, name, resp.StatusCode, e.Code)
				}
			}
		}
	})

	t.Run("garbage bytes to the Raft port", func(t *testing.T) {
		sc.unchanged(t)
		for _, nd := range sc.nodes {
			garbage := make([]byte, 64<<10)
			_, _ = rand.Read(garbage)
			for _, payload := range [][]byte{garbage, append([]byte{0}, garbage[:512]...), []byte("GET / HTTP/1.0\r\n\r\n")} {
				c, err := net.DialTimeout("tcp", nd.raftAddr, 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				_, _ = c.Write(payload)
				_, err = io.Copy(io.Discard, c)
				c.Close()
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Errorf("%s kept a garbage connection open", nd.id)
				}
			}
		}
		// The nodes keep working: a command still commits everywhere.
		s := next("p3")
		p3.on(t).send(map[string]any{"type": "listTables", "seq": s})
		p3.on(t).await("tables", s)
	})

	t.Run("a replayed old seq", func(t *testing.T) {
		create := `{"type":"createTable","seq":50,"game":"schnapsen","options":{"turnTimeoutMs":3600000}}`
		p3.on(t).send(create)
		ack := p3.on(t).await("ack", 50)
		count := func() int {
			s, err := sc.status(sc.waitLeader(10 * time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return s.Tables
		}
		tables := count()
		sc.unchanged(t)
		p3.on(t).send(create)
		if again := p3.on(t).await("ack", 50); again.num("table") != ack.num("table") || again.num("event") != ack.num("event") {
			t.Errorf("the replay was acked %v, the original %v", again, ack)
		}
		// Again on a new connection, as after a reconnect.
		c := dialLine(t, addr)
		c.hello(mint("p3"))
		c.send(create)
		if again := c.await("ack", 50); again.num("table") != ack.num("table") {
			t.Errorf("the replay on a new connection was acked %v, the original %v", again, ack)
		}
		if n := count(); n != tables {
			t.Errorf("%d tables after the replays, %d before", n, tables)
		}
	})

	t.Run("a node without a certificate tries to join", func(t *testing.T) {
		sc.unchanged(t)
		addrs := freeAddrs(t, 2)
		n4 := sc.outsider(t, "n4", addrs[0], addrs[1], "--join", leader.base())
		// It holds the operator token (the worst case), so the join is
		// refused by the certificate check alone.
		waitFor(t, 30*time.Second, "n4's join to be refused twice", func() bool {
			b, _ := os.ReadFile(n4.logPath)
			return strings.Count(string(b), "join failed") >= 2
		})
		b, _ := os.ReadFile(leader.logPath)
		if !strings.Contains(string(b), "failed the certificate check") {
			t.Error("the leader's log does not say why it refused n4")
		}
		err := sc.client.Join(context.Background(), leader.base(), "n4", n4.raftAddr, n4.httpAddr)
		var apiErr *adminapi.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "untrustedPeer" {
			t.Errorf("join of a node without a certificate: %v", err)
		}
	})

	t.Run("a node with another CA's certificate tries to vote and join", func(t *testing.T) {
		sc.unchanged(t)
		before := sc.fingerprint(t)
		other := filepath.Join(sc.dir, "other-ca")
		makeCerts(t, other, "n5")
		addrs := freeAddrs(t, 2)
		var peers []string
		for _, nd := range sc.nodes {
			peers = append(peers, nd.id+"="+nd.raftAddr)
		}
		peers = append(peers, "n5="+addrs[0])
		n5 := sc.outsider(t, "n5", addrs[0], addrs[1], append(tlsFlags(other, "n5"), "--bootstrap", strings.Join(peers, ","))...)
		// It campaigns, round after round (pre-vote, then vote)...
		waitFor(t, 30*time.Second, "n5 to campaign three times", func() bool {
			b, _ := os.ReadFile(n5.logPath)
			return strings.Count(string(b), "entering candidate state") >= 3
		})
		if b, _ := os.ReadFile(n5.logPath); !strings.Contains(string(b), "certificate") {
			t.Error("n5's log names no certificate error")
		}
		// ...and no request reaches a member's Raft (which would log its
		// refusal of a vote from outside the configuration); unchanged
		// checks term, leader and membership.
		for _, nd := range sc.nodes {
			b, _ := os.ReadFile(nd.logPath)
			for _, line := range strings.Split(string(b), "\n") {
				if strings.Contains(line, "vote request") && strings.Contains(line, n5.raftAddr) {
					t.Errorf("%s received n5's vote request: %s", nd.id, line)
				}
			}
		}
		if after := sc.fingerprint(t); after.Term != before.Term {
			t.Errorf("the cluster's term moved from %d to %d", before.Term, after.Term)
		}
		err := sc.client.Join(context.Background(), leader.base(), "n5", n5.raftAddr, n5.httpAddr)
		var apiErr *adminapi.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "untrustedPeer" {
			t.Errorf("join of a node with another CA's certificate: %v", err)
		}
	})

	t.Run("nothing leaked to the logs", func(t *testing.T) {
		secrets := append([]string{sc.client.Token, sc.secret, "PRIVATE KEY"}, tokens...)
		for _, nd := range sc.nodes {
			b, _ := os.ReadFile(nd.logPath)
			for _, s := range secrets {
				if strings.Contains(string(b), s) {
					t.Errorf("%s's log holds a secret (%.12s...)", nd.id, s)
				}
			}
		}
	})
}

// outsider starts a tableraftd that is not a member (its own data, the
// cluster's admin token), stopped when the test ends.
func (sc *secureCluster) outsider(t *testing.T, id, raftAddr, httpAddr string, flags ...string) *node {
	t.Helper()
	nd := &node{id: id, raftAddr: raftAddr, httpAddr: httpAddr,
		dataDir: filepath.Join(sc.dir, id), logPath: filepath.Join(sc.dir, id+".log")}
	sc.start(nd, flags...)
	t.Cleanup(func() {
		_ = nd.cmd.Process.Signal(syscall.SIGKILL)
		<-nd.exited
		if t.Failed() {
			b, _ := os.ReadFile(nd.logPath)
			t.Logf("---- %s log (last 4 KiB)\n%s", id, tail(b, 4096))
		}
	})
	return nd
}

func dialWS(t *testing.T, nd *node, origin string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, _, err := d.Dial("ws://"+nd.httpAddr+"/ws", h)
	if err != nil {
		t.Fatalf("WebSocket to %s (origin %q): %v", nd.id, origin, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wsHello(t *testing.T, c *websocket.Conn, token string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"type": "hello", "token": token})
	if err := c.WriteMessage(websocket.TextMessage, b); err != nil {
		t.Fatal(err)
	}
	wsAwait(t, c, "welcome")
}

func wsAwait(t *testing.T, c *websocket.Conn, typ string) msg {
	t.Helper()
	for i := 0; i < 1000; i++ {
		_ = c.SetReadDeadline(time.Now().Add(15 * time.Second))
		_, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m msg
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("not JSON: %q", b)
		}
		if m.str("type") == typ {
			return m
		}
	}
	t.Fatalf("no %s among 1000 messages", typ)
	return nil
}

// TestSecretsStayOffTheCommandLine: a PostgreSQL URL with a password on
// the command line is refused (ps shows it to every user) without echoing
// the password; the same URL from a file is taken.
func TestSecretsStayOffTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "admin-token")
	if err := os.WriteFile(token, []byte("e2e-operator-token-0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--id", "n1", "--data", filepath.Join(dir, "n1"), "--admin-token-file", token}
	out, err := exec.Command(filepath.Join(binDir, "tableraftd"), append(base, "--pg", "postgres://tableraft:hunter2-secret@127.0.0.1:1/db")...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--pg holds a password") || strings.Contains(string(out), "hunter2-secret") {
		t.Errorf("a password on the command line: %v\n%s", err, out)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("tableraftd did not exit with an error: %v", err)
	}
	if !reflect.DeepEqual(ee.ExitCode(), 1) {
		t.Errorf("exit code %d", ee.ExitCode())
	}
}

// TestAdminOnItsOwnAddress: with --admin-addr and a certificate the
// operator API is HTTPS on its own address, where tablectl (trusting the
// cluster CA) moves leadership; the public HTTP address keeps status and
// health for haproxy but no longer transfers or removes.
func TestAdminOnItsOwnAddress(t *testing.T) {
	admin := map[string]string{}
	sc := newSecureClusterWith(t, 3, func(sc *secureCluster, nd *node) []string {
		admin[nd.id] = freeAddrs(t, 1)[0]
		return []string{"--admin-addr", admin[nd.id],
			"--admin-tls-cert-file", filepath.Join(sc.certs, nd.id+".pem"), "--admin-tls-key-file", filepath.Join(sc.certs, nd.id+"-key.pem")}
	})
	leader := sc.waitLeader(10 * time.Second)

	// The public address: status yes, operator calls no (not even with
	// the token), the nodes' own calls yes.
	if _, err := sc.status(leader); err != nil {
		t.Fatalf("status on the HTTP address: %v", err)
	}
	err := sc.client.Transfer(context.Background(), leader.base(), "")
	var apiErr *adminapi.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusNotFound {
		t.Fatalf("transfer on the public address: %v", err)
	}
	// Plain HTTP to the admin address gets no answer from the API.
	if resp, err := http.Get("http://" + admin[leader.id] + "/status"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("the admin address answers plain HTTP")
		}
	}

	var bases []string
	for _, nd := range sc.nodes {
		bases = append(bases, "https://"+admin[nd.id])
	}
	cmd := exec.Command(filepath.Join(binDir, "tablectl"), "transfer", "--addr", strings.Join(bases, ","), "--admin-token-file", sc.tokenFile)
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+filepath.Join(sc.certs, "ca.pem"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tablectl transfer over HTTPS: %v\n%s", err, out)
	}
	if next := sc.waitLeader(10 * time.Second); next.id == leader.id {
		t.Fatalf("leadership stayed with %s:\n%s", leader.id, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
