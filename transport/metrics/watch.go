package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tableraft/fsm"
	"tableraft/raftnode"
)

// Sources are the read APIs the gauges sample at scrape time. Nil fields
// are left out.
type Sources struct {
	// Status is the Raft node's view (raftnode.Node.Status).
	Status func() raftnode.Status
	// FSM gives the open tables and the outbox.
	FSM *fsm.FSM
	// Sessions is the number of open player connections.
	Sessions func() int
	// Spool is the results spool's size: files, bytes, records.
	Spool func() (files int, bytes int64, records int)
}

// Watch registers the gauges over src.
func (m *Metrics) Watch(src Sources) {
	if src.Status != nil {
		m.reg.MustRegister(&raftCollector{status: src.Status})
	}
	if f := src.FSM; f != nil {
		m.gauge("tables_active", "Open tables in the replicated state.", func() float64 { return float64(f.TableCount()) })
		m.gauge("outbox_length", "Finished deals waiting in the replicated outbox to be stored.", func() float64 { return float64(len(f.Outbox())) })
		m.gauge("fsm_applied_index", "Log index of the last command the FSM applied.", func() float64 { return float64(f.AppliedIndex()) })
	}
	if s := src.Sessions; s != nil {
		m.gauge("players_connected", "Open player connections (WebSocket and TCP) on this node.", func() float64 { return float64(s()) })
	}
	if sp := src.Spool; sp != nil {
		m.reg.MustRegister(&spoolCollector{stats: sp})
	}
}

func (m *Metrics) gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, f))
}

// raftStates are the values of tableraft_raft_state's label.
var raftStates = []string{"leader", "follower", "candidate", "shutdown"}

var (
	descState       = prometheus.NewDesc(namespace+"_raft_state", "1 for this node's Raft state, 0 for the others.", []string{"state"}, nil)
	descTerm        = prometheus.NewDesc(namespace+"_raft_term", "Current Raft term.", nil, nil)
	descLastLog     = prometheus.NewDesc(namespace+"_raft_last_log_index", "Index of the last entry in this node's log.", nil, nil)
	descCommit      = prometheus.NewDesc(namespace+"_raft_commit_index", "Highest log index known committed.", nil, nil)
	descApplied     = prometheus.NewDesc(namespace+"_raft_applied_index", "Last log index raft handed to the FSM.", nil, nil)
	descLastContact = prometheus.NewDesc(namespace+"_raft_last_contact_seconds", "Seconds since a follower last heard from the leader; 0 on the leader and before any contact.", nil, nil)
	descSpoolFiles  = prometheus.NewDesc(namespace+"_spool_files", "Files in this node's results spool.", nil, nil)
	descSpoolBytes  = prometheus.NewDesc(namespace+"_spool_bytes", "Bytes in this node's results spool.", nil, nil)
	descSpoolRecs   = prometheus.NewDesc(namespace+"_spool_records", "Results waiting in this node's spool for PostgreSQL.", nil, nil)
)

// raftCollector reads Status once per scrape for all Raft gauges.
type raftCollector struct{ status func() raftnode.Status }

func (c *raftCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descState, descTerm, descLastLog, descCommit, descApplied, descLastContact} {
		ch <- d
	}
}

func (c *raftCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.status()
	for _, st := range raftStates {
		v := 0.0
		if s.State == st {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, v, st)
	}
	ch <- prometheus.MustNewConstMetric(descTerm, prometheus.GaugeValue, float64(s.Term))
	ch <- prometheus.MustNewConstMetric(descLastLog, prometheus.GaugeValue, float64(s.LastLogIndex))
	ch <- prometheus.MustNewConstMetric(descCommit, prometheus.GaugeValue, float64(s.CommitIndex))
	ch <- prometheus.MustNewConstMetric(descApplied, prometheus.GaugeValue, float64(s.AppliedIndex))
	contact := 0.0
	if !s.LastContact.IsZero() {
		contact = time.Since(s.LastContact).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descLastContact, prometheus.GaugeValue, contact)
}

// spoolCollector reads the spool's stats once per scrape.
type spoolCollector struct {
	stats func() (int, int64, int)
}

func (c *spoolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descSpoolFiles
	ch <- descSpoolBytes
	ch <- descSpoolRecs
}

func (c *spoolCollector) Collect(ch chan<- prometheus.Metric) {
	files, bytes, recs := c.stats()
	ch <- prometheus.MustNewConstMetric(descSpoolFiles, prometheus.GaugeValue, float64(files))
	ch <- prometheus.MustNewConstMetric(descSpoolBytes, prometheus.GaugeValue, float64(bytes))
	ch <- prometheus.MustNewConstMetric(descSpoolRecs, prometheus.GaugeValue, float64(recs))
}
