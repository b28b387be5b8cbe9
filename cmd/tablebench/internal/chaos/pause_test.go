package chaos

import (
	"testing"
	"time"
)

func TestMeasurePauses(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	at := func(ms ...int) []time.Time {
		var ts []time.Time
		for _, m := range ms {
			ts = append(ts, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return ts
	}
	tests := []struct {
		name          string
		acks          [][]time.Time // per player, sorted
		worst, median float64       // ms; -1: not measured
	}{
		{"one player", [][]time.Time{at(-50, 120, 300)}, 120, 120},
		{"the last player sets the pause, the middle one the median",
			[][]time.Time{at(100), at(-10, 300), at(5000)}, 5000, 300},
		{"an even count takes the upper middle", [][]time.Time{at(100), at(200), at(300), at(400)}, 400, 300},
		{"acks before the fault do not count", [][]time.Time{at(-300, -1, 0, 700)}, 700, 700},
		{"a player with no ack within a minute is left out",
			[][]time.Time{at(200), at(61_000)}, 200, 200},
		{"nobody acked after the fault", [][]time.Time{at(-100), nil}, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Result{Faults: []Fault{{Type: KillLeader, At: t0, PauseMs: -1}}}
			measurePauses(&res, tt.acks)
			f := res.Faults[0]
			if f.PauseMs != tt.worst {
				t.Errorf("pause %v ms, want %v", f.PauseMs, tt.worst)
			}
			if tt.worst < 0 {
				if _, ok := res.PauseMs[KillLeader]; ok {
					t.Errorf("an unmeasured fault in the summary: %v", res.PauseMs)
				}
				return
			}
			if f.MedianPauseMs != tt.median {
				t.Errorf("median player's pause %v ms, want %v", f.MedianPauseMs, tt.median)
			}
			if got := res.PauseMs[KillLeader]; got != [2]float64{tt.worst, tt.worst} {
				t.Errorf("summary %v, want mean and max %v", got, tt.worst)
			}
		})
	}
}

func TestMeasurePausesSummarizesPerType(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	res := Result{Faults: []Fault{
		{Type: KillLeader, At: t0},
		{Type: KillLeader, At: t0.Add(10 * time.Second)},
		{Type: Transfer, At: t0.Add(20 * time.Second)},
	}}
	acks := [][]time.Time{
		{t0.Add(1 * time.Second), t0.Add(13 * time.Second), t0.Add(20*time.Second + 200*time.Millisecond)},
		{t0.Add(2 * time.Second), t0.Add(11 * time.Second), t0.Add(20*time.Second + 100*time.Millisecond)},
	}
	measurePauses(&res, acks)
	if got, want := res.PauseMs[KillLeader], [2]float64{2500, 3000}; got != want {
		t.Errorf("kill-leader mean/max %v, want %v", got, want)
	}
	if got, want := res.MedianPauseMs[KillLeader], [2]float64{2500, 3000}; got != want {
		t.Errorf("kill-leader median player's mean/max %v, want %v", got, want)
	}
	if got, want := res.PauseMs[Transfer], [2]float64{200, 200}; got != want {
		t.Errorf("transfer mean/max %v, want %v", got, want)
	}
}
