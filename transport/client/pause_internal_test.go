package client

import (
	"testing"
	"time"
)

// TestPauseAfter: when the client tries again after a connection ended,
// and how its backoff grows.
func TestPauseAfter(t *testing.T) {
	c := &Client{cfg: Config{}.withDefaults()} // MinBackoff 50 ms, FastBackoff 250 ms, MaxBackoff 2 s
	now := time.Now()
	tests := []struct {
		name     string
		end      ending
		lost     time.Time
		backoff  time.Duration
		min, max time.Duration // the pause
		wantNext time.Duration // the backoff after
	}{
		{"reconnect with retryMs", ending{retry: 50 * time.Millisecond, retryGiven: true}, time.Time{}, 0, 50 * time.Millisecond, 50 * time.Millisecond, 0},
		{"reconnect with retryMs 0 after a hand-over", ending{welcomed: now.Add(-time.Minute), retryGiven: true}, now, 0, 0, 0, 0},
		{"reconnect with retryMs 0 to the hello", ending{retryGiven: true}, time.Time{}, 0, 25 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond},
		{"a connection that served a minute and broke", ending{welcomed: now.Add(-time.Minute)}, now, 0, 0, immediateJitter, 0},
		{"a connection welcomed and dropped at once", ending{welcomed: now.Add(-10 * time.Millisecond)}, now, 0, 25 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond},
		{"the first failed dial", ending{}, time.Time{}, 0, 25 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond},
		{"failed dials double the backoff", ending{}, time.Time{}, 400 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 800 * time.Millisecond},
		{"up to MaxBackoff", ending{}, time.Time{}, 1500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second},
		{"up to FastBackoff soon after losing a welcomed connection", ending{}, now.Add(-time.Second), 200 * time.Millisecond, 125 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 100 { // the jitter
				pause, next := c.pauseAfter(tt.end, tt.lost, tt.backoff)
				if pause < tt.min || pause > tt.max {
					t.Fatalf("pause %s, want %s..%s", pause, tt.min, tt.max)
				}
				if next != tt.wantNext {
					t.Fatalf("backoff after %s, want %s", next, tt.wantNext)
				}
			}
		})
	}
}
