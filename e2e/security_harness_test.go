package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tableraft/transport/adminapi"
	"tableraft/transport/auth"
)

// secureCluster is a player cluster whose nodes speak mutual TLS to each
// other, with certificates made by tablectl certs.
type secureCluster struct {
	*playerCluster
	dir, certs, secretFile string
	secret                 string
}

// newSecureCluster starts n nodes like newPlayerCluster, each with its own
// node certificate of one CA, plus flags for all.
func newSecureCluster(t testing.TB, n int, flags ...string) *secureCluster {
	return newSecureClusterWith(t, n, nil, flags...)
}

// newSecureClusterWith is newSecureCluster with perNode's flags for each
// node (nil: none).
func newSecureClusterWith(t testing.TB, n int, perNode func(sc *secureCluster, nd *node) []string, flags ...string) *secureCluster {
	t.Helper()
	dir := t.TempDir()
	sc := &secureCluster{dir: dir, certs: filepath.Join(dir, "certs"), secretFile: filepath.Join(dir, "player-secret")}
	var ids []string
	for i := 1; i <= n; i++ {
		ids = append(ids, fmt.Sprintf("n%d", i))
	}
	makeCerts(t, sc.certs, ids...)
	sc.secret = auth.NewSecret()
	if err := os.WriteFile(sc.secretFile, []byte(sc.secret), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := auth.New([]byte(sc.secret))
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, tokenFile: filepath.Join(dir, "admin-token"), client: &adminapi.Client{Token: "e2e-operator-token-0123456789"}}
	if err := os.WriteFile(c.tokenFile, []byte(c.client.Token), 0o600); err != nil {
		t.Fatal(err)
	}
	pc := &playerCluster{cluster: c, keys: keys, extra: map[*node][]string{}, tcp: map[*node]string{}}
	sc.playerCluster = pc
	var peers []string
	addrs := freeAddrs(t, 3*n)
	for i, id := range ids {
		nd := &node{id: id, raftAddr: addrs[3*i], httpAddr: addrs[3*i+1],
			dataDir: filepath.Join(dir, id), logPath: filepath.Join(dir, id+".log")}
		c.nodes = append(c.nodes, nd)
		peers = append(peers, nd.id+"="+nd.raftAddr)
		pc.tcp[nd] = addrs[3*i+2]
		pc.extra[nd] = append(append([]string{"--player-secret-file", sc.secretFile, "--tcp-addr", pc.tcp[nd]},
			tlsFlags(sc.certs, id)...), flags...)
		if perNode != nil {
			pc.extra[nd] = append(pc.extra[nd], perNode(sc, nd)...)
		}
	}
	for _, nd := range c.nodes {
		c.start(nd, append(pc.extra[nd], "--bootstrap", strings.Join(peers, ","))...)
	}
	t.Cleanup(c.stopAll)
	leader := c.waitLeader(30 * time.Second)
	waitFor(t, 30*time.Second, "every node's addresses to be published", func() bool {
		s, err := c.status(leader)
		return err == nil && len(s.Nodes) == n
	})
	return sc
}

// makeCerts runs tablectl certs: a CA in dir and a certificate per id.
func makeCerts(t testing.TB, dir string, ids ...string) {
	t.Helper()
	out, err := exec.Command(filepath.Join(binDir, "tablectl"), "certs", "--dir", dir, "--nodes", strings.Join(ids, ",")).CombinedOutput()
	if err != nil {
		t.Fatalf("tablectl certs: %v\n%s", err, out)
	}
}

func tlsFlags(dir, id string) []string {
	return []string{"--tls-ca-file", filepath.Join(dir, "ca.pem"),
		"--tls-cert-file", filepath.Join(dir, id+".pem"), "--tls-key-file", filepath.Join(dir, id+"-key.pem")}
}

// lineConn is a raw client of the TCP player protocol: the probes write
// exactly the bytes they want.
type lineConn struct {
	t testing.TB
	c net.Conn
	r *bufio.Reader
}

func dialLine(t testing.TB, addr string) *lineConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &lineConn{t: t, c: c, r: bufio.NewReaderSize(c, 64<<10)}
}

// on returns l reporting to t (a subtest using a connection of its
// parent).
func (l *lineConn) on(t testing.TB) *lineConn {
	c := *l
	c.t = t
	return &c
}

// send writes one line: a string as it is, anything else as JSON.
func (l *lineConn) send(msg any) {
	l.t.Helper()
	var b []byte
	if s, ok := msg.(string); ok {
		b = []byte(s)
	} else {
		b, _ = json.Marshal(msg)
	}
	_ = l.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := l.c.Write(append(b, '\n')); err != nil {
		l.t.Fatalf("write: %v", err)
	}
}

// msg is a server message, decoded loosely.
type msg map[string]any

func (m msg) str(k string) string { s, _ := m[k].(string); return s }

func (m msg) num(k string) int64 { f, _ := m[k].(float64); return int64(f) }

// next reads the next server message; err at the end of the connection.
func (l *lineConn) next(within time.Duration) (msg, error) {
	_ = l.c.SetReadDeadline(time.Now().Add(within))
	line, err := l.r.ReadBytes('\n')
	if err != nil {
		return nil, err
	}
	var m msg
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, fmt.Errorf("not JSON: %q", line)
	}
	return m, nil
}

// await reads until a message of type typ (and, for "error", code; for
// replies, seq) arrives, skipping events, and returns it.
func (l *lineConn) await(typ string, seq int64) msg {
	l.t.Helper()
	for i := 0; i < 1000; i++ {
		m, err := l.next(15 * time.Second)
		if err != nil {
			l.t.Fatalf("waiting for %s (seq %d): %v", typ, seq, err)
		}
		if m.str("type") == "error" && typ != "error" && (seq == 0 || m.num("seq") == seq) {
			l.t.Fatalf("waiting for %s (seq %d): %v", typ, seq, m)
		}
		if m.str("type") == typ && (seq == 0 || m.num("seq") == seq) {
			return m
		}
	}
	l.t.Fatalf("no %s among 1000 messages", typ)
	return nil
}

// refused reads until an error with seq arrives and checks its code.
func (l *lineConn) refused(seq int64, code string) msg {
	l.t.Helper()
	m := l.await("error", seq)
	if m.str("code") != code {
		l.t.Fatalf("refused with %v, want code %s", m, code)
	}
	return m
}

// hello says hello with token and waits for welcome.
func (l *lineConn) hello(token string) msg {
	l.t.Helper()
	l.send(map[string]any{"type": "hello", "token": token})
	return l.await("welcome", 0)
}

// closedByServer reports whether the server ends the connection within
// d (reading and dropping what it still sends).
func (l *lineConn) closedByServer(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		_ = l.c.SetReadDeadline(deadline)
		if _, err := l.r.ReadBytes('\n'); err != nil {
			var ne net.Error
			return !(asNetErr(err, &ne) && ne.Timeout())
		}
	}
	return false
}

func asNetErr(err error, target *net.Error) bool {
	ne, ok := err.(net.Error)
	if ok {
		*target = ne
	}
	return ok
}
