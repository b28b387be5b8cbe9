package bench

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}}
	for _, tt := range tests {
		if got := percentile(ds, tt.q); got != tt.want {
			t.Errorf("percentile(%v) = %s, want %s", tt.q, got, tt.want)
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Error("the percentile of nothing is not 0")
	}
}

func TestSummaryCounts(t *testing.T) {
	s := newStats(func() int { return 3 })
	s.ack(2 * time.Millisecond)
	s.ack(4 * time.Millisecond)
	s.refused("notYourTurn")
	s.lost()
	m := s.Summary()
	if m.Moves != 2 || m.Refusals["notYourTurn"] != 1 || m.Unknown != 1 || m.Reconnects != 3 || m.MaxMs != 4 {
		t.Fatalf("summary %+v", m)
	}
}
