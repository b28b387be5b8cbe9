package e2e

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
)

// TestTablebenchModes runs tablebench's play, latency and failover modes
// briefly on clusters of their own (--local): each plays, reports moves
// and latencies, and failover reports a pause for every fault type it
// applied. The figures themselves go to docs/BENCHMARKS.md; this only
// checks that the tool measures what it says.
func TestTablebenchModes(t *testing.T) {
	bin := chaosBinaries(t)
	tests := []struct {
		name string
		args []string
	}{
		{"play through haproxy", []string{"play", "--local", "--tables", "6", "--duration", "4s"}},
		{"play on the nodes", []string{"play", "--local", "--direct", "--tables", "6", "--duration", "4s"}},
		{"latency", []string{"latency", "--local", "--duration", "4s"}},
		{"failover", []string{"failover", "--tables", "6", "--duration", "14s", "--every", "6s", "--faults", "transfer,kill-leader"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, append(tt.args, "--json")...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("tablebench %v: %v\n%s", tt.args, err, tail(stderr.Bytes(), 4096))
			}
			var out struct {
				Moves int     `json:"moves"`
				P50Ms float64 `json:"p50Ms"`
				Load  *struct {
					Moves int `json:"moves"`
				} `json:"load"`
				FaultsByType  map[string]int        `json:"faultsByType"`
				PauseMs       map[string][2]float64 `json:"pauseMs"`
				MedianPauseMs map[string][2]float64 `json:"medianPauseMs"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
				t.Fatalf("no JSON summary: %v\n%s", err, stdout.String())
			}
			if out.Load != nil {
				out.Moves = out.Load.Moves
				for typ := range out.FaultsByType {
					worst, ok := out.PauseMs[typ]
					if !ok {
						t.Errorf("no pause reported for %s", typ)
					}
					if median := out.MedianPauseMs[typ]; median[1] <= 0 || median[1] > worst[1] {
						t.Errorf("%s: the median player's pause %v, the worst %v", typ, median, worst)
					}
				}
				if len(out.FaultsByType) == 0 {
					t.Error("failover applied no fault")
				}
			} else if out.P50Ms <= 0 {
				t.Error("no latency measured")
			}
			if out.Moves == 0 {
				t.Fatalf("no move acked\n%s", tail(stderr.Bytes(), 2048))
			}
			t.Logf("%s", stdout.Bytes())
		})
	}
}
