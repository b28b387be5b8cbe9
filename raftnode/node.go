package raftnode

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"
)

// Node is one running member of the Raft group. All its methods are safe
// for concurrent use. A Node is created by Open and stopped by Shutdown or
// Close; after that its operations return ErrShutdown and Status reports
// the state "shutdown".
type Node struct {
	cfg    Config
	log    *slog.Logger
	raft   *raft.Raft
	store  logStore
	stream *raftStream
	trans  *hintingTransport
	addr   string
	lead   *leadership
	// transfers counts the leadership transfers this node runs now
	// (Transferring).
	transfers atomic.Int32

	closeOnce sync.Once
	closeErr  error
}

// Open starts a node: it opens (or creates) the log, stable and snapshot
// stores under cfg.DataDir, restores the latest snapshot into fsm and
// replays the log after it, starts the transport, and bootstraps the group
// from cfg.Bootstrap when the directory holds no Raft state yet. fsm is
// the replicated state machine (raft.FSM: Apply must be deterministic).
// On error, everything Open started is stopped again.
func Open(cfg Config, fsm raft.FSM) (_ *Node, err error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("raftnode: data dir: %w", err)
	}
	logger := cfg.Logger.With("node", cfg.ID)
	var cleanup []func() error
	defer func() {
		if err != nil {
			for i := len(cleanup) - 1; i >= 0; i-- {
				_ = cleanup[i]()
			}
		}
	}()
	if cfg.StreamLayer != nil {
		cleanup = append(cleanup, cfg.StreamLayer.Close) // Open owns it
	}

	store, err := openLogStore(cfg.DataDir, cfg.LogStore, cfg.walSegmentSize, logger)
	if err != nil {
		return nil, fmt.Errorf("raftnode: open log store: %w", err)
	}
	logger.Info("log store opened", "store", LogStoreOf(cfg.DataDir))
	cleanup = append(cleanup, store.Close)
	logs, err := raft.NewLogCache(logCacheSize, store)
	if err != nil {
		return nil, fmt.Errorf("raftnode: log cache: %w", err)
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(cfg.DataDir, snapshotsRetained,
		newHCLogger(logger, "snapshots"))
	if err != nil {
		return nil, fmt.Errorf("raftnode: snapshot store: %w", err)
	}

	layer := cfg.StreamLayer
	if layer == nil {
		layer, err = NewTCPStreamLayer(cfg.RaftAddr, cfg.AdvertiseAddr, cfg.TLS)
		if err != nil {
			return nil, err
		}
	}
	stream := newRaftStream(layer)
	trans := raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream:  stream,
		MaxPool: transportMaxPool,
		Timeout: cmp.Or(cfg.transportTimeout, transportTimeout),
		Logger:  newHCLogger(logger, "transport"),
	})
	hinting := newHintingTransport(trans, logs)
	cleanup = append(cleanup, hinting.Close, func() error { stream.closeAll(); return nil })
	addr := string(trans.LocalAddr())

	existing, err := raft.HasExistingState(logs, store, snaps)
	if err != nil {
		return nil, fmt.Errorf("raftnode: read existing state: %w", err)
	}
	var bootstrap raft.Configuration
	if !existing && len(cfg.Bootstrap) > 0 {
		for _, p := range cfg.Bootstrap {
			if p.ID == cfg.ID && p.Addr != addr {
				return nil, fmt.Errorf("raftnode: bootstrap lists %s at %s but this node advertises %s", p.ID, p.Addr, addr)
			}
			bootstrap.Servers = append(bootstrap.Servers, raft.Server{
				Suffrage: raft.Voter, ID: raft.ServerID(p.ID), Address: raft.ServerAddress(p.Addr),
			})
		}
	}

	// Raft blocks on NotifyCh until it is read; the leadership loop reads
	// it at all times, and the buffer absorbs a burst while it starts.
	notify := make(chan bool, 8)
	r, err := raft.NewRaft(cfg.raftConfig(notify), fsm, logs, store, snaps, hinting)
	if err != nil {
		return nil, fmt.Errorf("raftnode: start raft: %w", err)
	}
	hinting.setApplied(r.AppliedIndex)
	n := &Node{cfg: cfg, log: logger, raft: r, store: store, stream: stream, trans: hinting, addr: addr}
	n.lead = newLeadership(n, notify)

	if len(bootstrap.Servers) > 0 {
		if err := r.BootstrapCluster(bootstrap).Error(); err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
			_ = n.Close()
			return nil, fmt.Errorf("raftnode: bootstrap: %w", err)
		}
		logger.Info("bootstrapped a new group", "servers", len(bootstrap.Servers))
	}
	logger.Info("raft node started", "addr", addr, "existing_state", existing)
	return n, nil
}

// ID returns this node's ID.
func (n *Node) ID() string { return n.cfg.ID }

// Addr returns this node's advertised Raft address.
func (n *Node) Addr() string { return n.addr }

// Shutdown stops the node gracefully: when it is the leader it first hands
// leadership to the most up-to-date voter (bounded by ctx; a failed
// transfer is logged and shutdown goes on), then it stops the leader
// duties, raft and the transport, and closes the stores. It is safe to call
// more than once; later calls return the first result.
func (n *Node) Shutdown(ctx context.Context) error {
	if n.IsLeader() && n.hasOtherVoters() {
		if err := n.TransferLeadership(ctx, ""); err != nil {
			n.log.Warn("leadership transfer before shutdown failed; stopping anyway", "err", err)
		}
	}
	return n.Close()
}

// Close stops the node at once, without handing leadership over: to the
// others it looks like a crash, and they elect a new leader after the
// election timeout. Leader duties are cancelled and awaited. It is safe to
// call more than once.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.lead.stopping()
		n.stream.stopRetrying() // raft's shutdown waits for dials under way
		var errs []error
		if err := n.raft.Shutdown().Error(); err != nil {
			errs = append(errs, fmt.Errorf("raft shutdown: %w", err))
		}
		n.stream.closeAll()
		n.lead.wait()
		if err := n.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close log store: %w", err))
		}
		n.closeErr = errors.Join(errs...)
		n.log.Info("raft node stopped")
	})
	return n.closeErr
}

// stopped returns ErrShutdown (wrapped for op) once raft is shut down,
// before anything is handed to it.
func (n *Node) stopped(op string) error {
	if n.raft.State() == raft.Shutdown {
		return fmt.Errorf("%s: %w", op, ErrShutdown)
	}
	return nil
}

// hasOtherVoters reports whether a transfer has anyone to go to.
func (n *Node) hasOtherVoters() bool {
	for _, s := range n.servers() {
		if s.ID != n.cfg.ID && s.Suffrage == "voter" {
			return true
		}
	}
	return false
}
