package results

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"tableraft/fsm"
	"tableraft/game"
)

// deal returns a finished deal of table, number no: Schnapsen for odd
// tables, Schafkopf for even ones.
func deal(table int64, no int) fsm.Result {
	r := fsm.Result{
		GameID: fmt.Sprintf("t%d-d%d", table, no), Table: table, DealNo: no,
		StartedAt: 1_700_000_000_000 + int64(no)*1000, EndedAt: 1_700_000_000_500 + int64(no)*1000,
	}
	if table%2 == 1 {
		r.Game, r.Players = game.KindSchnapsen, []string{fmt.Sprintf("p%d", table), "bot"}
		r.Schnapsen = &game.SchnapsenResult{Winner: no % 2, GamePoints: 1 + no%3, Scores: []int{66, 40}, Reason: game.ReasonReached66, Totals: []int{2, 0}, BummerlLoser: -1}
		return r
	}
	r.Game, r.Players, r.Dealer = game.KindSchafkopf, []string{fmt.Sprintf("p%d", table), "bot", "bot", "p42"}, no%4
	r.Contract = game.Sauspiel
	r.Options = game.Options{TurnTimeoutMs: 500}
	r.Schafkopf = &game.SchafkopfResult{Game: game.Sauspiel, Declarer: 0, Partner: 3, DeclarersWin: true, Points: []int{40, 20, 20, 40},
		Multiplier: 1, Value: 20, Payouts: []int{20, -20, -20, 20}, Balances: []int{20, -20, -20, 20}}
	return r
}

func deals(table int64, from, to int) []fsm.Result {
	var out []fsm.Result
	for no := from; no <= to; no++ {
		out = append(out, deal(table, no))
	}
	return out
}

// outbox stands in for the replicated outbox: Propose applies
// ResultStored as fsm does (unknown ids are ignored).
type outbox struct {
	mu       sync.Mutex
	results  []fsm.Result
	proposed int
	fail     error // Propose fails with this while set
}

func (o *outbox) add(rs ...fsm.Result) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.results = append(o.results, rs...)
}

func (o *outbox) Outbox() []fsm.Result {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]fsm.Result(nil), o.results...)
}

func (o *outbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.results)
}

func (o *outbox) Propose(_ context.Context, cmd fsm.Command) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	if cmd.Op != fsm.OpResultStored {
		return fmt.Errorf("unexpected op %s", cmd.Op)
	}
	o.proposed++
	done := map[string]bool{}
	for _, id := range cmd.GameIDs {
		done[id] = true
	}
	kept := o.results[:0]
	for _, r := range o.results {
		if !done[r.GameID] {
			kept = append(kept, r)
		}
	}
	o.results = kept
	return nil
}

// logBuffer collects a writer's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitFor polls cond every 10ms until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// tinyDisk mounts a tmpfs of size bytes on a new directory and unmounts it
// when the test ends: a disk that fills up for real. It needs root, which
// `make test`, CI and the sandboxes have.
func tinyDisk(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the full-disk tests mount a tmpfs and need root (make test runs as root here and in CI)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %d-byte tmpfs: %v: %s", size, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file of zeros into dir until the disk is full and
// returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := dir + "/filler"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1024)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !strings.Contains(err.Error(), "no space left") {
				t.Fatalf("filling the disk: %v", err)
			}
			return path
		}
	}
}

// ids lists the game ids of rs.
func ids(rs []fsm.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.GameID
	}
	return out
}

func removeFile(path string) error { return os.Remove(path) }
