package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tableraft/fsm"
	"tableraft/results"
	"tableraft/results/pgtest"
	"tableraft/transport/adminapi"
)

// drainPause holds each node's result writer between making a batch
// durable and confirming it (--results-pause), so that a test can kill
// the leader in the middle of a drain.
const drainPause = time.Second

// TestResultsExactlyOnce: bot tables play at least 200 deals while
// PostgreSQL is stopped for part of the run, the leader is killed with
// kill -9 in the middle of a drain (once into the spool, once into
// PostgreSQL) and leadership is transferred. Afterwards PostgreSQL holds
// every deal exactly once (each table's deals numbered 1..n without a
// gap), every node's outbox is empty and every spool is empty.
func TestResultsExactlyOnce(t *testing.T) {
	pg := pgtest.Start(t)
	url := pg.NewDatabase()
	t.Setenv("TABLERAFT_PG", url)
	t.Setenv("TABLERAFT_RESULTS_PAUSE", drainPause.String())
	c := newCluster(t, 3)
	db := newDealCounter(t, url)
	leader := c.waitLeader(10 * time.Second)
	seats := startBotTables(c, leader, "xo", 16)

	waitFor(t, 60*time.Second, "20 deals in PostgreSQL", func() bool { return db.count() >= 20 })

	// (a) PostgreSQL goes away: the leader spools, play goes on.
	pg.Stop()
	stoppedAt := db.last
	waitFor(t, 60*time.Second, "20 deals in the leader's spool", func() bool { return spooled(leader) >= 20 })

	// (b) kill -9 of the leader between spooling a batch and confirming it.
	old := c.killMidDrain("spool")
	leader = c.waitLeader(15 * time.Second)
	waitFor(t, 60*time.Second, "the new leader to spool", func() bool { return spooled(leader) >= 10 })
	if n := spooled(old); n == 0 {
		t.Fatal("the killed leader's spool is empty")
	}

	// PostgreSQL is back; the new leader replays its spool, and so does
	// the old one when it restarts as a follower.
	pg.Start()
	c.start(old)
	waitFor(t, 60*time.Second, "the spools to be replayed", func() bool { return spooled(leader) == 0 && spooled(old) == 0 })
	waitFor(t, 60*time.Second, "100 deals in PostgreSQL", func() bool { return db.count() >= 100 })
	if db.last <= stoppedAt {
		t.Fatal("no deal reached PostgreSQL after the outage")
	}

	// (c) leadership moves with tablectl.
	if out, err := c.tablectl("transfer", "--proxy="); err != nil || !strings.Contains(out, "leads") {
		t.Fatalf("tablectl transfer: %v\n%s", err, out)
	} else if c.waitLeader(10*time.Second) == leader {
		t.Fatal("leadership did not move")
	}
	waitFor(t, 60*time.Second, "150 deals in PostgreSQL", func() bool { return db.count() >= 150 })

	// (b) again: kill -9 between a committed insert and its ResultStored.
	old = c.killMidDrain("postgres")
	c.start(old)
	waitFor(t, 90*time.Second, "200 deals in PostgreSQL", func() bool { return db.count() >= 200 })

	// The players leave; each table closes after its deal in progress.
	c.post(c.waitLeader(10*time.Second), "/dev/leave", map[string]any{"seats": seats}, nil)
	waitFor(t, 60*time.Second, "every table to close", func() bool {
		s, err := c.status(c.waitLeader(10 * time.Second))
		return err == nil && s.Tables == 0 && s.Outbox == 0
	})
	final := c.waitConverged(30 * time.Second)
	if final.Outbox != 0 {
		t.Fatalf("the outbox holds %d results at the end", final.Outbox)
	}
	for _, nd := range c.nodes {
		nd := nd
		waitFor(t, 30*time.Second, nd.id+"'s spool to be empty", func() bool { return spooled(nd) == 0 })
	}
	db.checkEveryDealOnce(len(seats))
	// The faults did what they were meant to: spools were replayed, and
	// batches written before a kill were written again and skipped.
	replays, skips := 0, 0
	for _, nd := range c.nodes {
		b, _ := os.ReadFile(nd.logPath)
		replays += bytes.Count(b, []byte(`"msg":"spool file replayed into PostgreSQL"`))
		skips += bytes.Count(b, []byte(`"msg":"results already stored were skipped`))
	}
	if replays == 0 || skips == 0 {
		t.Fatalf("%d spool replays and %d skipped rewrites logged, want some of both", replays, skips)
	}
	t.Logf("%d deals stored exactly once over %d tables; %d spool files replayed, %d batches partly stored before", db.count(), len(seats), replays, skips)
}

// TestResultsWithoutDatabase: with no --pg the results live in the
// spools of the nodes that led. After a transfer the deals are spread
// over two nodes; tablectl results reads all spools and finds every deal,
// and tablectl results import loads them into PostgreSQL once, however
// often it runs.
func TestResultsWithoutDatabase(t *testing.T) {
	t.Setenv("TABLERAFT_PG", "")
	c := newCluster(t, 3)
	leader := c.waitLeader(10 * time.Second)
	seats := startBotTables(c, leader, "nopg", 6)
	waitFor(t, 60*time.Second, "10 spooled deals", func() bool { return spooled(leader) >= 10 })
	if out, err := c.tablectl("transfer", "--proxy="); err != nil {
		t.Fatalf("tablectl transfer: %v\n%s", err, out)
	}
	second := c.waitLeader(10 * time.Second)
	waitFor(t, 60*time.Second, "10 deals spooled by the second leader", func() bool { return spooled(second) >= 10 })
	c.post(second, "/dev/leave", map[string]any{"seats": seats}, nil)
	waitFor(t, 60*time.Second, "every table to close", func() bool {
		s, err := c.status(second)
		return err == nil && s.Tables == 0 && s.Outbox == 0
	})
	c.waitConverged(30 * time.Second)

	var dirs, files []string
	for _, nd := range c.nodes {
		dir := filepath.Join(nd.dataDir, "spool")
		dirs = append(dirs, dir)
		m, _ := filepath.Glob(filepath.Join(dir, "results-*.jsonl"))
		files = append(files, m...)
	}
	out := runTablectl(t, "results", "--spool", strings.Join(dirs, ","), "--last", "100000", "--json")
	var deals []fsm.Result
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r fsm.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("tablectl results --json: %v: %s", err, sc.Text())
		}
		deals = append(deals, r)
	}
	checkContiguous(t, deals, len(seats))
	t.Logf("%d deals in the spools of %d nodes", len(deals), len(dirs))

	pg := pgtest.Start(t)
	url := pg.NewDatabase()
	out = runTablectl(t, append([]string{"results", "import", "--pg", url}, files...)...)
	if n := sumField(t, out, "new"); n != len(deals) {
		t.Fatalf("import stored %d new deals, want %d\n%s", n, len(deals), out)
	}
	out = runTablectl(t, append([]string{"results", "import", "--pg", url}, files...)...)
	if n := sumField(t, out, "new"); n != 0 {
		t.Fatalf("a second import stored %d new deals, want 0\n%s", n, out)
	}
	if got := newDealCounter(t, url).count(); got != len(deals) {
		t.Fatalf("PostgreSQL holds %d deals, want %d", got, len(deals))
	}
}

// startBotTables creates count Schnapsen tables whose players never act:
// their turns run out after 40 ms and the bot plays for them.
func startBotTables(c *cluster, leader *node, prefix string, count int) []adminapi.DevSeat {
	c.t.Helper()
	var res struct{ Seats []adminapi.DevSeat }
	c.post(leader, "/dev/tables", map[string]any{"player": prefix, "game": "schnapsen", "bots": 1,
		"count": count, "options": map[string]any{"turnTimeoutMs": 40}}, &res)
	if len(res.Seats) != count {
		c.t.Fatalf("%d tables created, want %d", len(res.Seats), count)
	}
	return res.Seats
}

// spooled counts the deals in nd's result spool.
func spooled(nd *node) int {
	rs, _ := results.ReadSpoolDir(filepath.Join(nd.dataDir, "spool"))
	return len(rs)
}

// dealsFinished counts the deals that have finished in c: those in any
// node's result spool plus those in the outbox. Without --pg the result
// writer moves deals from the outbox to the leader's spool, so the outbox
// alone does not count them. A deal spooled but not yet confirmed counts
// twice for a moment.
func (c *cluster) dealsFinished() int {
	ids := map[string]bool{}
	outbox := 0
	for _, nd := range c.nodes {
		rs, _ := results.ReadSpoolDir(filepath.Join(nd.dataDir, "spool"))
		for _, r := range rs {
			ids[r.GameID] = true
		}
		if nd.alive() {
			if s, err := c.status(nd); err == nil {
				outbox = max(outbox, s.Outbox)
			}
		}
	}
	return len(ids) + outbox
}

// killMidDrain kills the leader with SIGKILL in the middle of a drain:
// after its result writer logged a batch made durable in where ("spool"
// or "postgres") and before the batch's ResultStored, during the pause.
// The log proves it: no "results confirmed" for that batch. Should a
// stalled machine let the kill land after the confirmation, the node is
// restarted and the next leader is tried (up to three times). It returns
// the killed node, which is down.
func (c *cluster) killMidDrain(where string) *node {
	c.t.Helper()
	for attempt := 1; attempt <= 3; attempt++ {
		nd := c.waitLeader(15 * time.Second)
		from := fileSize(nd.logPath)
		want := fmt.Sprintf(`"where":%q`, where)
		deadline := time.Now().Add(60 * time.Second)
		var durable string
		for durable == "" {
			if time.Now().After(deadline) {
				c.t.Fatalf("%s logged no batch made durable in %s within 60s", nd.id, where)
			}
			for _, line := range logLines(nd.logPath, from) {
				if strings.Contains(line, `"msg":"results durable"`) && strings.Contains(line, want) {
					durable = line
				}
			}
			if durable == "" {
				time.Sleep(5 * time.Millisecond)
			}
		}
		c.kill(nd)
		var batch struct{ First string }
		_ = json.Unmarshal([]byte(durable), &batch)
		confirmed := false
		for _, line := range logLines(nd.logPath, from) {
			if strings.Contains(line, `"msg":"results confirmed"`) && strings.Contains(line, fmt.Sprintf(`"first":%q`, batch.First)) {
				confirmed = true
			}
		}
		if !confirmed {
			c.t.Logf("killed %s with the batch from %s durable in %s but not confirmed", nd.id, batch.First, where)
			return nd
		}
		c.t.Logf("attempt %d: the kill of %s came after the batch from %s was confirmed; again", attempt, nd.id, batch.First)
		c.start(nd)
	}
	c.t.Fatalf("three kills in a row missed the middle of a drain")
	return nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logLines returns the complete lines of the log at path from offset on.
func logLines(path string, from int64) []string {
	b, err := os.ReadFile(path)
	if err != nil || int64(len(b)) <= from {
		return nil
	}
	b = b[from:]
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	} else {
		return nil
	}
	return strings.Split(string(b), "\n")
}

// dealCounter reads the games table.
type dealCounter struct {
	t    *testing.T
	url  string
	last int // the count last seen
}

func newDealCounter(t *testing.T, url string) *dealCounter {
	return &dealCounter{t: t, url: url}
}

// query runs fn on a fresh connection (the server comes and goes).
func (d *dealCounter) query(fn func(ctx context.Context, conn *pgx.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return fn(ctx, conn)
}

// count is the number of stored deals, or the last known one while the
// database or the table is not there.
func (d *dealCounter) count() int {
	_ = d.query(func(ctx context.Context, conn *pgx.Conn) error {
		return conn.QueryRow(ctx, "SELECT count(*) FROM games").Scan(&d.last)
	})
	return d.last
}

// checkEveryDealOnce reads every stored deal and checks that each of the
// tables has its deals numbered 1..n, each once.
func (d *dealCounter) checkEveryDealOnce(tables int) {
	d.t.Helper()
	var deals []fsm.Result
	err := d.query(func(ctx context.Context, conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, "SELECT game_id, table_id, deal_no FROM games")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r fsm.Result
			if err := rows.Scan(&r.GameID, &r.Table, &r.DealNo); err != nil {
				return err
			}
			deals = append(deals, r)
		}
		return rows.Err()
	})
	if err != nil {
		d.t.Fatal(err)
	}
	checkContiguous(d.t, deals, tables)
	if len(deals) < 200 {
		d.t.Fatalf("%d deals stored, want at least 200", len(deals))
	}
}

// checkContiguous checks that deals hold each game id once and that each
// of the tables has deals 1..n without a gap: none lost, none twice.
func checkContiguous(t *testing.T, deals []fsm.Result, tables int) {
	t.Helper()
	seen := map[string]bool{}
	byTable := map[int64][]int{}
	for _, r := range deals {
		if seen[r.GameID] {
			t.Fatalf("deal %s is there twice", r.GameID)
		}
		seen[r.GameID] = true
		if r.GameID != fmt.Sprintf("t%d-d%d", r.Table, r.DealNo) {
			t.Fatalf("deal %s is stored as table %d, deal %d", r.GameID, r.Table, r.DealNo)
		}
		byTable[r.Table] = append(byTable[r.Table], r.DealNo)
	}
	if len(byTable) != tables {
		t.Fatalf("deals of %d tables, want %d", len(byTable), tables)
	}
	for table, nos := range byTable {
		sort.Ints(nos)
		for i, no := range nos {
			if no != i+1 {
				t.Fatalf("table %d has deals %v: deal %d is missing", table, nos, i+1)
			}
		}
	}
}

// runTablectl runs the tablectl binary and fails the test on an error.
func runTablectl(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "tablectl"), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tablectl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// sumField adds up the numbers before " WORD" in import's report lines
// ("FILE: 12 deals, 12 new, 0 already stored").
func sumField(t *testing.T, out, word string) int {
	t.Helper()
	sum := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		for _, part := range strings.Split(line, ", ") {
			var n int
			if _, err := fmt.Sscanf(part, "%d "+word, &n); err == nil {
				sum += n
			}
		}
	}
	return sum
}
