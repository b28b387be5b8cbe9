package raftnode

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/hashicorp/raft"
)

// Peer names one member of the group: its stable ID and the address its
// Raft transport is reachable at (host:port).
type Peer struct {
	ID   string `json:"id"`
	Addr string `json:"addr"`
}

// Config describes one node. ID, DataDir and RaftAddr (or StreamLayer) are
// required; every zero duration or count takes the default named on its
// field (see DefaultConfig). A Config is read by Open and not kept.
type Config struct {
	// ID is this node's stable identity in the group ("n1"). It must never
	// be reused by another machine while the group remembers it.
	ID string
	// DataDir holds the log and stable store (wal/, or raft.db in a
	// directory from before the WAL) and snapshots/. Open creates it when
	// missing.
	DataDir string
	// LogStore is the log store a new DataDir gets: LogStoreWAL (the
	// default) or LogStoreBolt. A DataDir that holds one keeps it.
	LogStore string
	// walSegmentSize is the WAL's segment size (0: raft-wal's 64 MiB).
	// The WAL drops compacted entries a whole segment at a time and
	// serves the rest from disk meanwhile; tests that need a compacted
	// entry gone (a follower caught up by snapshot) make segments small.
	walSegmentSize int
	// transportTimeout bounds one RPC, its dial included (0: 10 s). A
	// request built while a peer was away waits in the dial (stream.go)
	// and is delivered when the peer is back within it; the snapshot
	// tests shorten it so that the requests built before the leader
	// compacted its log have expired when the follower returns.
	transportTimeout time.Duration
	// RaftAddr is the address the transport listens on ("0.0.0.0:7001"
	// or "127.0.0.1:7001"). Ignored when StreamLayer is set.
	RaftAddr string
	// AdvertiseAddr is the address the other members dial to reach this
	// node; it defaults to RaftAddr and must not be an unspecified IP.
	// Ignored when StreamLayer is set (the layer's Addr is advertised).
	AdvertiseAddr string
	// Bootstrap is the initial membership, this node included. It is used
	// only when DataDir holds no Raft state yet; a node that joins an
	// existing group leaves it empty and is added with AddVoter.
	Bootstrap []Peer

	// HeartbeatTimeout is how long a follower waits without hearing from
	// the leader before it starts an election (raft randomizes it between
	// 1x and 2x). Default 500ms.
	HeartbeatTimeout time.Duration
	// ElectionTimeout is how long a candidate waits for votes before it
	// tries again (also randomized 1x-2x). Default 500ms.
	ElectionTimeout time.Duration
	// LeaderLeaseTimeout is how long a leader goes on without hearing from
	// a quorum before it steps down; it bounds how long a partitioned
	// leader believes it leads. Must not exceed HeartbeatTimeout; equal
	// to it, a deposed leader steps down about when the others can first
	// start an election. Default 500ms.
	LeaderLeaseTimeout time.Duration
	// CommitTimeout is how long the leader waits without new entries
	// before it sends an AppendEntries carrying the commit index.
	// Default 50ms (raft's own).
	CommitTimeout time.Duration
	// SnapshotThreshold is how many new log entries trigger a snapshot.
	// Default 8192.
	SnapshotThreshold uint64
	// SnapshotInterval is how often raft checks the threshold (randomized
	// 1x-2x). Default 5s, not raft's 2 min: at 2,000 commits/s two
	// minutes are 240,000 entries that a restarted node replays before
	// it serves (DESIGN.md).
	SnapshotInterval time.Duration
	// TrailingLogs is how many entries stay in the log after a snapshot,
	// so a briefly lagging follower catches up from the log instead of a
	// snapshot. Default 10240.
	TrailingLogs uint64
	// ApplyTimeout bounds how long Propose waits to hand an entry to raft
	// when its context has no deadline. Default 5s.
	ApplyTimeout time.Duration
	// CatchUpGrace is how long a new leader may take to apply the log it
	// was elected with before it hands leadership to another voter. Raft
	// elects on the log, not on what a node has applied: a node restarted
	// with a long log to replay can win and then serve nobody until it
	// has replayed it (the chaos run saw 4-18 s), while a follower that
	// was serving has applied everything. Default 2s; below zero, never.
	CatchUpGrace time.Duration

	// Logger receives raft's and this package's logs. Default
	// slog.Default().
	Logger *slog.Logger

	// StreamLayer, when set, replaces the TCP listener built from
	// RaftAddr/AdvertiseAddr/TLS: tests hand in a FaultLayer here. Open
	// takes ownership; the Node closes it on shutdown.
	StreamLayer StreamLayer
	// TLS, when set and StreamLayer is not, makes the transport speak TLS
	// both ways with this configuration. For mutual TLS it carries
	// Certificates, RootCAs, ClientCAs and ClientAuth =
	// tls.RequireAndVerifyClientCert. An empty ServerName is filled with
	// the dialed host.
	TLS *tls.Config
}

// The defaults are tuned for a LAN (sub-millisecond round trips); DESIGN.md
// records the failover times measured with them.
const (
	DefaultHeartbeatTimeout   = 500 * time.Millisecond
	DefaultElectionTimeout    = 500 * time.Millisecond
	DefaultLeaderLeaseTimeout = 500 * time.Millisecond
	DefaultCommitTimeout      = 50 * time.Millisecond
	DefaultSnapshotThreshold  = 8192
	DefaultSnapshotInterval   = 5 * time.Second
	DefaultTrailingLogs       = 10240
	DefaultApplyTimeout       = 5 * time.Second
	DefaultCatchUpGrace       = 2 * time.Second
)

// Fixed choices that are not worth a knob.
const (
	// logCacheSize: the latest entries kept in memory for replication
	// (a few MB). With 512, at 256 proposers (and 1,000 player tables)
	// the followers fell further behind than that and the leader read
	// every entry it sent back from the WAL, one pread each: 12 % of its
	// CPU in a profile, and raw commits/s at 1,000 proposers rose by half
	// with the larger cache (docs/BENCHMARKS.md).
	logCacheSize      = 8192
	snapshotsRetained = 2
	transportMaxPool  = 3
	transportTimeout  = 10 * time.Second
	boltOpenTimeout   = 2 * time.Second
	// maxAppendEntries: entries per AppendEntries RPC (raft's default 64,
	// its maximum 1024). A follower back from a crash catches up one RPC
	// at a time, each a round trip and an fsync on it, before it counts
	// for a commit again; 2-3 s behind at 2,000 moves/s is ~5,000 entries,
	// 80 round trips with 64. An entry is ~200 bytes, so 1024 is ~200 KB.
	maxAppendEntries = 1024
)

// withDefaults returns a copy of c with every zero field set to its
// default.
func (c Config) withDefaults() Config {
	setDur := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	setDur(&c.HeartbeatTimeout, DefaultHeartbeatTimeout)
	setDur(&c.ElectionTimeout, DefaultElectionTimeout)
	setDur(&c.LeaderLeaseTimeout, DefaultLeaderLeaseTimeout)
	setDur(&c.CommitTimeout, DefaultCommitTimeout)
	setDur(&c.SnapshotInterval, DefaultSnapshotInterval)
	setDur(&c.ApplyTimeout, DefaultApplyTimeout)
	setDur(&c.CatchUpGrace, DefaultCatchUpGrace)
	if c.SnapshotThreshold == 0 {
		c.SnapshotThreshold = DefaultSnapshotThreshold
	}
	if c.TrailingLogs == 0 {
		c.TrailingLogs = DefaultTrailingLogs
	}
	if c.AdvertiseAddr == "" {
		c.AdvertiseAddr = c.RaftAddr
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// validate checks what raft would otherwise reject later or, worse, accept
// silently (a bootstrap list without this node, an unreachable advertised
// address). c must have its defaults applied.
func (c Config) validate() error {
	if c.ID == "" {
		return errors.New("raftnode: config: ID is required")
	}
	if c.DataDir == "" {
		return errors.New("raftnode: config: DataDir is required")
	}
	if c.LogStore != "" && c.LogStore != LogStoreWAL && c.LogStore != LogStoreBolt {
		return fmt.Errorf("raftnode: config: LogStore %q: want %q or %q", c.LogStore, LogStoreWAL, LogStoreBolt)
	}
	if c.StreamLayer == nil {
		if c.RaftAddr == "" {
			return errors.New("raftnode: config: RaftAddr is required without a StreamLayer")
		}
		if err := checkAdvertisable(c.AdvertiseAddr); err != nil {
			return err
		}
	}
	if len(c.Bootstrap) > 0 {
		seen := make(map[string]bool, len(c.Bootstrap))
		self := false
		for _, p := range c.Bootstrap {
			if p.ID == "" || p.Addr == "" {
				return fmt.Errorf("raftnode: config: bootstrap peer %+v needs an ID and an address", p)
			}
			if seen[p.ID] {
				return fmt.Errorf("raftnode: config: bootstrap peer %q listed twice", p.ID)
			}
			seen[p.ID] = true
			self = self || p.ID == c.ID
		}
		if !self {
			return fmt.Errorf("raftnode: config: bootstrap peers do not include this node %q", c.ID)
		}
	}
	return raft.ValidateConfig(c.raftConfig(nil))
}

// checkAdvertisable rejects addresses other members cannot dial.
func checkAdvertisable(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("raftnode: config: advertise address %q: %w", addr, err)
	}
	if port == "0" || port == "" {
		return fmt.Errorf("raftnode: config: advertise address %q needs a fixed port", addr)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return fmt.Errorf("raftnode: config: advertise address %q is not reachable by peers; set AdvertiseAddr", addr)
	}
	return nil
}

// raftConfig translates c into hashicorp/raft's configuration. notify is
// the channel raft reports every leadership change on (see duties.go).
func (c Config) raftConfig(notify chan bool) *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(c.ID)
	rc.HeartbeatTimeout = c.HeartbeatTimeout
	rc.ElectionTimeout = c.ElectionTimeout
	rc.LeaderLeaseTimeout = c.LeaderLeaseTimeout
	rc.CommitTimeout = c.CommitTimeout
	rc.SnapshotThreshold = c.SnapshotThreshold
	rc.SnapshotInterval = c.SnapshotInterval
	rc.TrailingLogs = c.TrailingLogs
	rc.MaxAppendEntries = maxAppendEntries
	rc.NotifyCh = notify
	rc.Logger = newHCLogger(c.Logger.With("node", c.ID), "raft")
	return rc
}
