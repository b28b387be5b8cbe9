package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"tableraft/results/pgtest"
	"tableraft/transport/adminapi"
)

// BenchmarkPlayWithoutDatabase: does play wait on the database? Three
// plain tableraftd processes write results to a durable PostgreSQL (fsync
// on) while 4 bot tables finish deals all the time (one or two a second), so
// the result writer is busy throughout. The move-to-ack latency (a
// player's game command proposed on the leader, committed and applied:
// POST /dev/bench, fsm path) is measured with PostgreSQL running and then
// stopped (the writer spools every batch to disk with fsync instead), in
// 7 rounds. Each round gives a stopped/running ratio; the medians of the
// ratios are the figures (pairing the two states within a round cancels
// most of the drift of a shared machine).
//
//	go test -run '^$' -bench PlayWithoutDatabase -benchtime 1x -v ./e2e/
func BenchmarkPlayWithoutDatabase(b *testing.B) {
	pg := pgtest.StartWith(b, pgtest.Options{Durable: true})
	b.Setenv("TABLERAFT_PG", pg.NewDatabase())
	c := newCluster(b, 3)
	leader := c.waitLeader(10 * time.Second)
	startBotTables(c, leader, "bench", 4)
	waitFor(b, 60*time.Second, "play to be under way", func() bool {
		s, err := c.status(leader)
		return err == nil && s.FSMIndex > 300
	})

	const rounds = 7
	cases := []struct {
		name            string
		proposers, each int
	}{{"proposers=1", 1, 400}, {"proposers=16", 16, 3000}}
	type pair struct{ running, stopped adminapi.BenchResult }
	got := map[string][]pair{}
	measure := func(round int, state string) map[string]adminapi.BenchResult {
		out := map[string]adminapi.BenchResult{}
		for _, cs := range cases {
			var res adminapi.BenchResult
			c.post(leader, "/dev/bench", map[string]any{"proposers": cs.proposers, "count": cs.each}, &res)
			if res.Errors > 0 {
				b.Fatalf("%d proposals failed", res.Errors)
			}
			out[cs.name] = res
			b.Logf("round %d %s %s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, %.0f commits/s",
				round, cs.name, state, res.P50Ms, res.P90Ms, res.P99Ms, res.CommitsPerSec)
		}
		return out
	}
	for b.Loop() {
		for round := 1; round <= rounds; round++ {
			pg.Start()
			waitFor(b, 60*time.Second, "the spool to be replayed", func() bool { return spooled(leader) == 0 })
			running := measure(round, "pg-running")
			pg.Stop()
			n := spooled(leader)
			waitFor(b, 60*time.Second, "the writer to spool", func() bool { return spooled(leader) > n })
			stopped := measure(round, "pg-stopped")
			for _, cs := range cases {
				got[cs.name] = append(got[cs.name], pair{running[cs.name], stopped[cs.name]})
			}
		}
	}
	for _, cs := range cases {
		ps := got[cs.name]
		for _, m := range []struct {
			name string
			of   func(adminapi.BenchResult) float64
		}{
			{"p50-ms", func(r adminapi.BenchResult) float64 { return r.P50Ms }},
			{"p90-ms", func(r adminapi.BenchResult) float64 { return r.P90Ms }},
			{"p99-ms", func(r adminapi.BenchResult) float64 { return r.P99Ms }},
			{"commits/s", func(r adminapi.BenchResult) float64 { return r.CommitsPerSec }},
		} {
			var up, down, ratios []float64
			for _, p := range ps {
				up, down = append(up, m.of(p.running)), append(down, m.of(p.stopped))
				if m.of(p.running) > 0 {
					ratios = append(ratios, m.of(p.stopped)/m.of(p.running))
				}
			}
			b.ReportMetric(median(ratios), cs.name+"-stopped/running-"+m.name)
			b.Logf("%s %s: median running %.2f, median stopped %.2f, median of the round ratios stopped/running %.2f (ratios %s)",
				cs.name, m.name, median(up), median(down), median(ratios), fmtRatios(ratios))
		}
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func fmtRatios(xs []float64) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, fmt.Sprintf("%.2f", x))
	}
	return strings.Join(parts, " ")
}
