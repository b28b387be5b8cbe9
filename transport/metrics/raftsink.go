package metrics

import (
	"errors"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	gometrics "github.com/armon/go-metrics"
	promsink "github.com/armon/go-metrics/prometheus"
	"github.com/prometheus/client_golang/prometheus"
)

// RaftSeriesLeftOut are raft's metrics the sink drops: samples taken per
// log entry, per RPC or per disk write (a summary each, several thousand
// a second on a busy node). In a CPU profile of a node at 117 players
// they cost ~6 % of its CPU, more than everything else raft reports.
// What they would show is covered by raft.commitTime, raft.fsm.apply,
// raft.leader.dispatchLog and the node's own tableraft_* series.
var RaftSeriesLeftOut = []string{
	"raft.boltdb.",                   // per StoreLogs and per entry (logSize): the disk write
	"raft.net.",                      // per RPC: decode, enqueue, respond
	"raft.rpc.appendEntries",         // per AppendEntries on a follower
	"raft.replication.appendEntries", // per AppendEntries and peer on the leader
	"raft.replication.heartbeat",     // per heartbeat and peer
}

// InstallRaftSink makes raft's own metrics (raft.apply, raft.commitTime,
// raft.leader.dispatchLog, ...) appear in the registry. hashicorp/raft
// v1.7.3 emits through hashicorp/go-metrics' compat package, which without
// a build tag forwards to armon/go-metrics: its global sink is the one to
// set. That sink is process-wide, so only the node's main calls this, once.
func (m *Metrics) InstallRaftSink() error {
	// Series not updated for the default minute are dropped (a removed
	// peer's replication timers, a former leader's leader.* timers).
	sink, err := promsink.NewPrometheusSinkFrom(promsink.PrometheusOpts{
		Registerer: m.reg, Name: "raft_sink", Expiration: promsink.DefaultPrometheusOpts.Expiration,
	})
	if err != nil {
		return err
	}
	cfg := gometrics.DefaultConfig("")
	cfg.TimerGranularity = time.Millisecond // the histograms' buckets are in ms
	cfg.EnableHostname = false              // one node per process: the scrape target names it
	cfg.EnableRuntimeMetrics = false        // the Go collector covers the runtime
	cfg.BlockedPrefixes = RaftSeriesLeftOut
	_, err = gometrics.NewGlobal(cfg, &histogramSink{PrometheusSink: sink, reg: m.reg})
	return err
}

// histogramSink is armon's Prometheus sink with raft's timers (go-metrics
// samples, in ms) as histograms instead of summaries: an observation is
// an atomic add where a summary inserts into a quantile stream (perks:
// ~4 % of a leader's CPU at 256 proposers in a profile), and Prometheus
// can add histograms of several nodes up, which it cannot do with
// quantiles. Counters and gauges stay with armon's sink.
type histogramSink struct {
	*promsink.PrometheusSink
	reg   prometheus.Registerer
	hists sync.Map // name and label names -> *prometheus.HistogramVec
	plain sync.Map // key joined by "." -> prometheus.Observer, for timers without labels
}

// raftTimerBuckets span raft's timers in ms: a dispatch in microseconds
// to a commit that waits for a slow disk.
var raftTimerBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000}

// notInName is what a Prometheus metric name cannot hold.
var notInName = regexp.MustCompile(`[^a-zA-Z0-9_:]`)

func (s *histogramSink) AddSample(key []string, val float32) {
	s.AddSampleWithLabels(key, val, nil)
}

func (s *histogramSink) AddSampleWithLabels(key []string, val float32, labels []gometrics.Label) {
	if len(labels) == 0 {
		// raft's timers have no labels: one map lookup, no name building.
		id := strings.Join(key, ".")
		if h, ok := s.plain.Load(id); ok {
			h.(prometheus.Observer).Observe(float64(val))
			return
		}
		if vec := s.vec(key, nil); vec != nil {
			h, _ := s.plain.LoadOrStore(id, vec.WithLabelValues())
			h.(prometheus.Observer).Observe(float64(val))
		}
		return
	}
	labels = append([]gometrics.Label(nil), labels...)
	sort.Slice(labels, func(i, j int) bool { return labels[i].Name < labels[j].Name })
	values := make([]string, len(labels))
	for i, l := range labels {
		values[i] = l.Value
	}
	if vec := s.vec(key, labels); vec != nil {
		vec.WithLabelValues(values...).Observe(float64(val))
	}
}

// vec returns the histogram of key with labels' names (sorted), made and
// registered the first time; nil when its name clashes with another
// series.
func (s *histogramSink) vec(key []string, labels []gometrics.Label) *prometheus.HistogramVec {
	name := notInName.ReplaceAllString(strings.Join(key, "_"), "_")
	names := make([]string, len(labels))
	for i, l := range labels {
		names[i] = notInName.ReplaceAllString(l.Name, "_")
	}
	id := name + ";" + strings.Join(names, ",")
	if h, ok := s.hists.Load(id); ok {
		return h.(*prometheus.HistogramVec)
	}
	vec := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: name, Help: "hashicorp/raft timer " + strings.Join(key, ".") + " in ms", Buckets: raftTimerBuckets,
	}, names)
	if err := s.reg.Register(vec); err != nil {
		var taken prometheus.AlreadyRegisteredError
		existing, same := (*prometheus.HistogramVec)(nil), false
		if errors.As(err, &taken) {
			existing, same = taken.ExistingCollector.(*prometheus.HistogramVec)
		}
		if !same {
			return nil
		}
		vec = existing
	}
	h, _ := s.hists.LoadOrStore(id, vec)
	return h.(*prometheus.HistogramVec)
}
