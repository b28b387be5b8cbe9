package adminapi

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"tableraft/fsm"
	"tableraft/game"
)

// BenchResult is the answer of POST /dev/bench.
type BenchResult struct {
	Proposers     int     `json:"proposers"`
	Commits       int     `json:"commits"`
	Errors        int     `json:"errors"`
	Seconds       float64 `json:"seconds"`
	CommitsPerSec float64 `json:"commitsPerSec"`
	P50Ms         float64 `json:"p50Ms"`
	P90Ms         float64 `json:"p90Ms"`
	P99Ms         float64 `json:"p99Ms"`
	MaxMs         float64 `json:"maxMs"`
}

// devBench measures proposals on this node (the leader) with Proposers
// concurrent proposers, Count proposals in all. Without Raw each proposal
// is a player's game command through ProposeCommand and the real FSM (a
// card for a table that does not exist: the full decode, dedup and
// refusal path of Apply, with a fresh (player, seq) each time). With Raw
// it is a 16-byte entry through raft with nothing to do in Apply (it is
// not a command; Apply answers it at once): raft's own cost, measured on
// the same processes for comparison.
func (a *api) devBench(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Proposers int  `json:"proposers"`
		Count     int  `json:"count"`
		Raw       bool `json:"raw"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if !decode(w, r, &req) {
		return
	}
	if req.Proposers < 1 || req.Proposers > 4096 || req.Count < req.Proposers || req.Count > 1_000_000 {
		writeError(w, http.StatusBadRequest, "badMessage", "want 1..4096 proposers and proposers..1e6 proposals")
		return
	}
	writeJSON(w, http.StatusOK, runBench(r.Context(), a.cfg.Node, req.Proposers, req.Count, req.Raw))
}

func runBench(ctx context.Context, node Node, proposers, count int, raw bool) BenchResult {
	var (
		next   atomic.Int64
		errs   atomic.Int64
		mu     sync.Mutex
		lat    = make([]time.Duration, 0, count)
		wg     sync.WaitGroup
		runID  = time.Now().UnixNano()
		rawCmd = []byte("bench-raw-entry!")
	)
	start := time.Now()
	for p := 0; p < proposers; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			player := fmt.Sprintf("bench-%d-%d", runID, p)
			var mine []time.Duration
			for seq := uint64(1); next.Add(1) <= int64(count); seq++ {
				t0 := time.Now()
				var err error
				if raw {
					_, err = node.Propose(ctx, rawCmd)
				} else {
					_, err = node.ProposeCommand(ctx, fsm.Command{Op: fsm.OpGame, Player: player, Seq: seq, Table: -1,
						Action: game.PlayCard{Card: game.Card{Rank: game.Ten, Suit: game.Hearts}}})
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(p)
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res := BenchResult{Proposers: proposers, Commits: len(lat), Errors: int(errs.Load()), Seconds: elapsed.Seconds()}
	if len(lat) > 0 {
		res.CommitsPerSec = float64(len(lat)) / elapsed.Seconds()
		pct := func(q float64) float64 { return ms(lat[int(q*float64(len(lat)-1))]) }
		res.P50Ms, res.P90Ms, res.P99Ms, res.MaxMs = pct(0.50), pct(0.90), pct(0.99), ms(lat[len(lat)-1])
	}
	return res
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
