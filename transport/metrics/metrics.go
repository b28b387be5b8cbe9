// Package metrics is a node's Prometheus registry: the Raft state, the
// game (players, tables, moves, command latency, refusals) and the result
// path (outbox, spool), served at GET /metrics. Gauges read the existing
// read APIs at scrape time, so nothing on the hot path takes a lock for
// metrics; the few counters are atomic.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tableraft/fsm"
)

// namespace prefixes every series of ours (raft's own timers keep their
// names: raft_apply, raft_commitTime, ...).
const namespace = "tableraft"

// Metrics owns one node's registry and the counters the node feeds.
type Metrics struct {
	reg      *prometheus.Registry
	moves    prometheus.Counter
	events   prometheus.Counter
	refusals *prometheus.CounterVec
	commands *prometheus.HistogramVec
	failures *prometheus.CounterVec
}

// New returns a registry with the Go runtime and process collectors and
// the node's counters; Watch adds the gauges.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		moves: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "moves_total",
			Help: "Cards played (cardPlayed events) applied by this node's FSM.",
		}),
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "table_events_total",
			Help: "Table events applied by this node's FSM.",
		}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "refusals_total",
			Help: "Errors the session layer answered to clients, by protocol code.",
		}, []string{"code"}),
		commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "command_duration_seconds",
			Help:    "Time from proposing a command to its applied outcome, by source (player, duty) and op.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"source", "op"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "command_failures_total",
			Help: "Proposals whose outcome is unknown (not leader, timeout, shutdown), by source.",
		}, []string{"source"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.moves, m.events, m.refusals, m.commands, m.failures)
	return m
}

// Registry is the node's registry, for collectors registered elsewhere
// (raft's sink).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Listener counts applied table events, then passes them on to next (which
// may be nil). It runs under the FSM's lock, so it only adds atomically.
func (m *Metrics) Listener(next fsm.Listener) fsm.Listener {
	return func(index uint64, events []fsm.TableEvent) {
		for _, e := range events {
			if e.Event.Type() == "cardPlayed" {
				m.moves.Inc()
			}
		}
		m.events.Add(float64(len(events)))
		if next != nil {
			next(index, events)
		}
	}
}

// Refused counts an error answered to a client (session.Observer).
func (m *Metrics) Refused(code string) { m.refusals.WithLabelValues(code).Inc() }

// Proposed records a player's command (session.Observer).
func (m *Metrics) Proposed(op fsm.Op, took time.Duration, err error) {
	m.Observe("player", op, took, err)
}

// Observe records one proposal from source: its latency when it came back
// with an outcome, a failure when it did not.
func (m *Metrics) Observe(source string, op fsm.Op, took time.Duration, err error) {
	if err != nil {
		m.failures.WithLabelValues(source).Inc()
		return
	}
	m.commands.WithLabelValues(source, string(op)).Observe(took.Seconds())
}
