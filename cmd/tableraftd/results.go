package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"tableraft/fsm"
	"tableraft/raftnode"
	"tableraft/results"
)

// resultsOptions are the flags of the result writer.
type resultsOptions struct {
	pg, pgFile     string
	spoolDir       string
	spoolFileBytes int64
	pause          time.Duration
}

func (r *resultsOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&r.pg, "pg", env("PG", ""), "PostgreSQL URL for finished deals (postgres://user@host:5432/db), without a password on the command line (use --pg-file, TABLERAFT_PG or PGPASSFILE); empty: results live in the spool")
	fs.StringVar(&r.pgFile, "pg-file", env("PG_FILE", ""), "file holding the PostgreSQL URL (may carry the password); excludes --pg")
	fs.StringVar(&r.spoolDir, "spool-dir", env("SPOOL_DIR", ""), "results spool, the fallback while PostgreSQL fails (default DATA/spool)")
	fs.Int64Var(&r.spoolFileBytes, "spool-file-bytes", int64(envInt("SPOOL_FILE_BYTES", results.DefaultSpoolFileBytes)), "size at which a spool file is rotated")
	fs.DurationVar(&r.pause, "results-pause", envDuration("RESULTS_PAUSE", 0), "with --dev: pause between storing a batch of results and confirming it (tests kill the leader there)")
}

// resultsReportEvery is how often the writer logs its state while results
// wait in the outbox or the spool.
const resultsReportEvery = time.Minute

// startResults opens the spool and PostgreSQL (when --pg is given; the
// schema is migrated in the background, since the database may be down),
// registers the result writer as a leader duty and starts the spool replay.
// The returned stop ends the replay and closes both; call it once the
// node is closed, so that the duty has returned.
func startResults(o options, node *raftnode.Node, state *fsm.FSM, log *slog.Logger) (stop func(), spool *results.Spool, err error) {
	ro := o.results
	if ro.pause > 0 && !o.dev {
		return nil, nil, errors.New("--results-pause needs --dev")
	}
	dir := ro.spoolDir
	if dir == "" {
		dir = filepath.Join(o.data, "spool")
	}
	spool, notes, err := results.OpenSpool(dir, ro.spoolFileBytes)
	if err != nil {
		return nil, nil, err
	}
	for _, n := range notes {
		log.Warn("results spool repaired at start", "note", n)
	}
	var store *results.Store
	if ro.pg != "" {
		if store, err = results.OpenStore(ro.pg); err != nil {
			spool.Close()
			return nil, nil, fmt.Errorf("--pg: %w", err)
		}
	}
	w := results.NewWriter(results.Config{
		Store: store, Spool: spool, Outbox: state.Outbox, Pause: ro.pause, Logger: log,
		Propose: func(ctx context.Context, cmd fsm.Command) error {
			_, err := node.ProposeCommand(ctx, cmd)
			return err
		},
	})
	node.AddDuty(raftnode.Duty{Name: "results", Run: w.RunLeader})

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); w.RunReplay(ctx) }()
	go func() { defer wg.Done(); w.RunReport(ctx, resultsReportEvery) }()
	if store != nil {
		wg.Add(1)
		go func() { defer wg.Done(); migrate(ctx, store, log) }()
	}
	st := spool.Stats()
	log.Info("results", "postgres", store != nil, "spool", dir, "spool_records", st.Records)
	return func() {
		cancel()
		wg.Wait()
		if store != nil {
			store.Close()
		}
		if err := spool.Close(); err != nil {
			log.Warn("close the results spool", "err", err)
		}
	}, spool, nil
}

// migrate applies the schema once PostgreSQL answers. The writer also
// migrates before its first insert; this makes a fresh database usable
// for queries as soon as the node has started.
func migrate(ctx context.Context, store *results.Store, log *slog.Logger) {
	wait := 100 * time.Millisecond
	for {
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		applied, err := store.Migrate(tctx)
		cancel()
		if err == nil {
			log.Info("PostgreSQL schema is up to date", "applied", applied)
			return
		}
		if ctx.Err() != nil {
			return
		}
		log.Warn("PostgreSQL schema migration failed; retrying (results go to the spool meanwhile)", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}
