package bench

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Stats counts moves and times their acks, for the progress line and the
// summary. Safe for concurrent use.
type Stats struct {
	mu         sync.Mutex
	start      time.Time
	all        []time.Duration // every ack latency
	window     []time.Duration // since the last Tick
	acks       int
	refusals   map[string]int
	unknown    int
	reconnects func() int
}

func newStats(reconnects func() int) *Stats {
	return &Stats{start: time.Now(), refusals: map[string]int{}, reconnects: reconnects}
}

func (s *Stats) ack(d time.Duration) {
	s.mu.Lock()
	s.acks++
	s.all = append(s.all, d)
	s.window = append(s.window, d)
	s.mu.Unlock()
}

func (s *Stats) refused(code string) {
	s.mu.Lock()
	s.refusals[code]++
	s.mu.Unlock()
}

func (s *Stats) lost() {
	s.mu.Lock()
	s.unknown++
	s.mu.Unlock()
}

// Tick returns the progress line for the last interval and starts a new
// one.
func (s *Stats) Tick(interval time.Duration) string {
	s.mu.Lock()
	w := s.window
	s.window = nil
	errs := s.unknown
	for _, n := range s.refusals {
		errs += n
	}
	acks := s.acks
	s.mu.Unlock()
	p50, p99 := percentile(w, 0.50), percentile(w, 0.99)
	return fmt.Sprintf("%5.0fs  %6.0f moves/s  ack p50 %-8s p99 %-8s  moves %d  reconnects %d  errors %d",
		time.Since(s.start).Seconds(), float64(len(w))/interval.Seconds(), round(p50), round(p99), acks, s.reconnects(), errs)
}

// Summary is the final figures.
type Summary struct {
	Seconds     float64        `json:"seconds"`
	Moves       int            `json:"moves"`
	MovesPerSec float64        `json:"movesPerSec"`
	P50Ms       float64        `json:"p50Ms"`
	P90Ms       float64        `json:"p90Ms"`
	P99Ms       float64        `json:"p99Ms"`
	P999Ms      float64        `json:"p999Ms"`
	MaxMs       float64        `json:"maxMs"`
	Reconnects  int            `json:"reconnects"`
	Refusals    map[string]int `json:"refusals"`
	Unknown     int            `json:"unknown"`
}

// Summary returns the figures since the start (or since Reset).
func (s *Stats) Summary() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	secs := time.Since(s.start).Seconds()
	r := map[string]int{}
	for k, v := range s.refusals {
		r[k] = v
	}
	return Summary{
		Seconds: secs, Moves: s.acks, MovesPerSec: float64(s.acks) / secs,
		P50Ms: ms(percentile(s.all, 0.5)), P90Ms: ms(percentile(s.all, 0.9)), P99Ms: ms(percentile(s.all, 0.99)),
		P999Ms: ms(percentile(s.all, 0.999)), MaxMs: ms(percentile(s.all, 1)),
		Reconnects: s.reconnects(), Refusals: r, Unknown: s.unknown,
	}
}

// Reset forgets everything counted so far (after the warm-up).
func (s *Stats) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.start, s.all, s.window, s.acks, s.unknown = time.Now(), nil, nil, 0, 0
	s.refusals = map[string]int{}
}

// String prints a summary for people.
func (m Summary) String() string {
	return fmt.Sprintf("%d moves in %.1fs: %.0f moves/s; ack latency p50 %.2fms p90 %.2fms p99 %.2fms p99.9 %.2fms max %.2fms; reconnects %d; refusals %v; unknown %d",
		m.Moves, m.Seconds, m.MovesPerSec, m.P50Ms, m.P90Ms, m.P99Ms, m.P999Ms, m.MaxMs, m.Reconnects, m.Refusals, m.Unknown)
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(q * float64(len(s)-1))
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func round(d time.Duration) time.Duration {
	if d > 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}
