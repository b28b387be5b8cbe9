package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tableraft/transport/adminapi"
	"tableraft/transport/auth"
	"tableraft/transport/client"
	"tableraft/transport/client/autoplay"
)

// playerCluster is a test cluster whose nodes serve players: each has a
// TCP player port and the shared player secret.
type playerCluster struct {
	*cluster
	keys  *auth.Keys
	extra map[*node][]string // the player flags each node starts with
	tcp   map[*node]string
	// via, when set, maps a transport ("ws", "tcp") to the one load
	// balancer address the clients dial instead of the nodes; they then
	// ignore reconnect hints.
	via map[string]string
	// haproxyAPI is the runtime API socket of the haproxy in front, if any.
	haproxyAPI string
}

// newPlayerCluster starts n nodes with the player border on, like
// newCluster, and waits until a leader serves and every node has
// published its addresses.
func newPlayerCluster(t testing.TB, n int, flags ...string) *playerCluster {
	t.Helper()
	dir := t.TempDir()
	secret := auth.NewSecret()
	secretFile := filepath.Join(dir, "player-secret")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := auth.New([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, tokenFile: filepath.Join(dir, "admin-token"), client: &adminapi.Client{Token: "e2e-operator-token-0123456789"}}
	if err := os.WriteFile(c.tokenFile, []byte(c.client.Token), 0o600); err != nil {
		t.Fatal(err)
	}
	pc := &playerCluster{cluster: c, keys: keys, extra: map[*node][]string{}, tcp: map[*node]string{}}
	var peers []string
	addrs := freeAddrs(t, 3*n)
	for i := 1; i <= n; i++ {
		nd := &node{id: fmt.Sprintf("n%d", i), raftAddr: addrs[3*i-3], httpAddr: addrs[3*i-2],
			dataDir: filepath.Join(dir, fmt.Sprintf("n%d", i)), logPath: filepath.Join(dir, fmt.Sprintf("n%d.log", i))}
		c.nodes = append(c.nodes, nd)
		peers = append(peers, nd.id+"="+nd.raftAddr)
		pc.tcp[nd] = addrs[3*i-1]
		pc.extra[nd] = append([]string{"--player-secret-file", secretFile, "--tcp-addr", pc.tcp[nd]}, flags...)
	}
	for _, nd := range c.nodes {
		c.start(nd, append(pc.extra[nd], "--bootstrap", strings.Join(peers, ","))...)
	}
	t.Cleanup(c.stopAll)
	leader := c.waitLeader(20 * time.Second)
	waitFor(t, 20*time.Second, "every node's addresses to be published", func() bool {
		s, err := c.status(leader)
		if err != nil || len(s.Nodes) != n {
			return false
		}
		for _, info := range s.Nodes {
			if info.TCP == "" {
				return false
			}
		}
		return true
	})
	return pc
}

// restart starts a stopped node again with its player flags.
func (pc *playerCluster) restart(nd *node) { pc.start(nd, pc.extra[nd]...) }

// addrs lists every node's player address over transport ("ws" or
// "tcp"), starting at node first.
func (pc *playerCluster) addrs(transport string, first int) []string {
	if pc.via != nil {
		return []string{pc.via[transport]}
	}
	var out []string
	for i := range pc.nodes {
		nd := pc.nodes[(first+i)%len(pc.nodes)]
		if transport == "tcp" {
			out = append(out, "tcp://"+pc.tcp[nd])
		} else {
			out = append(out, "ws://"+nd.httpAddr+"/ws")
		}
	}
	return out
}

// seat is one connected player: its client, its autoplay player and the
// record of what it received.
type seat struct {
	player string
	table  int64
	c      *client.Client
	p      *autoplay.Player
	rec    *record
}

// connect dials a client for player over transport, through the node
// list starting at first (most often a follower: the client follows the
// hint to the leader), with an autoplay player that records its stream.
func (pc *playerCluster) connect(ctx context.Context, player, transport string, first int) *seat {
	return pc.connectBuffered(ctx, player, transport, first, 4096, true)
}

// connectBuffered is connect with the client's message buffer and without
// a record when recorded is false (load benchmarks).
func (pc *playerCluster) connectBuffered(ctx context.Context, player, transport string, first, buffer int, recorded bool) *seat {
	pc.t.Helper()
	tok, err := pc.keys.Mint(player, time.Hour)
	if err != nil {
		pc.t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := client.Dial(dctx, client.Config{Addrs: pc.addrs(transport, first), Token: tok, MinBackoff: 20 * time.Millisecond, MaxBackoff: 500 * time.Millisecond, Buffer: buffer, IgnoreHints: pc.via != nil})
	if err != nil {
		pc.t.Fatalf("dial %s over %s: %v", player, transport, err)
	}
	pc.t.Cleanup(c.Close)
	s := &seat{player: player, c: c, p: autoplay.New(c, uint64(len(player))*7919+uint64(first)), rec: &record{}}
	if recorded {
		s.p.OnMessage = s.rec.add
	}
	go s.p.Run(ctx)
	return s
}

// record is everything one client received, in chunks: a failover
// benchmark's clients receive millions of messages, and one growing slice
// spent an eighth of the benchmark process's CPU copying itself over, on
// the two cores the nodes under test share.
type record struct {
	mu         sync.Mutex
	chunks     [][]client.Message
	reconnects int // reconnect messages
	hinted     int // reconnect messages that named the leader
}

const recordChunk = 1024

func (r *record) add(m client.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.chunks); n == 0 || len(r.chunks[n-1]) == recordChunk {
		r.chunks = append(r.chunks, make([]client.Message, 0, recordChunk))
	}
	last := &r.chunks[len(r.chunks)-1]
	*last = append(*last, m)
	if m.Type == "reconnect" {
		r.reconnects++
		if m.Leader != "" {
			r.hinted++
		}
	}
}

func (r *record) all() []client.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []client.Message
	for _, c := range r.chunks {
		out = append(out, c...)
	}
	return out
}

// seatTables seats players at pairs Schafkopf and Schnapsen tables, all
// at once, and fails the test if any table could not be seated.
func (pc *playerCluster) seatTables(t testing.TB, ctx context.Context, pairs int) []*playTable {
	t.Helper()
	var tables []*playTable
	for i := 0; i < pairs; i++ {
		tables = append(tables, &playTable{game: "schafkopf"}, &playTable{game: "schnapsen"})
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(tables))
	for i, tb := range tables {
		wg.Add(1)
		go func(i int, tb *playTable) {
			defer wg.Done()
			errs <- pc.seatTable(ctx, i, tb)
		}(i, tb)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return tables
}
