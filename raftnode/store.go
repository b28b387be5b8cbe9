package raftnode

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	wal "github.com/hashicorp/raft-wal"
	"go.etcd.io/bbolt"
)

// Log stores a data directory can hold (Config.LogStore).
const (
	// LogStoreWAL is hashicorp/raft-wal in DataDir/wal/: append-only
	// segment files, one fsync per batch of entries. On this project's
	// machines a batch of 8 entries costs ~63 µs of CPU and 150 µs of wall
	// time, where BoltDB's copy-on-write B+tree (two fdatasyncs a commit)
	// costs ~215 µs and 420 µs; the BoltDB store was a quarter of every
	// node's CPU under play (docs/BENCHMARKS.md).
	LogStoreWAL = "wal"
	// LogStoreBolt is hashicorp/raft-boltdb/v2 in DataDir/raft.db, the
	// store of every data directory created before the WAL.
	LogStoreBolt = "bolt"
)

// boltFile and walDir are the stores' places in a data directory.
const (
	boltFile = "raft.db"
	walDir   = "wal"
)

// logStore is Raft's log and stable store in one.
type logStore interface {
	raft.LogStore
	raft.StableStore
	io.Closer
}

// LogStoreOf says which log store dataDir holds: bolt when it has a
// raft.db (a directory from before the WAL keeps its store), wal when it
// has a wal/, "" when neither (a new node).
func LogStoreOf(dataDir string) string {
	if _, err := os.Stat(filepath.Join(dataDir, boltFile)); err == nil {
		return LogStoreBolt
	}
	if _, err := os.Stat(filepath.Join(dataDir, walDir)); err == nil {
		return LogStoreWAL
	}
	return ""
}

// openLogStore opens the log store dataDir holds, or creates one of kind
// (LogStoreWAL when empty) in a directory that holds none. segmentSize is
// the WAL's (0: its default).
func openLogStore(dataDir, kind string, segmentSize int, logger *slog.Logger) (logStore, error) {
	if held := LogStoreOf(dataDir); held != "" {
		kind = held
	}
	switch kind {
	case LogStoreBolt:
		return raftboltdb.New(raftboltdb.Options{
			Path:        filepath.Join(dataDir, boltFile),
			BoltOptions: &bbolt.Options{Timeout: boltOpenTimeout},
		})
	case LogStoreWAL, "":
		dir := filepath.Join(dataDir, walDir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		// raft-wal opens its metadata with BoltDB without a timeout: a
		// second process on the same directory would wait forever for
		// the file lock. This lock fails it after boltOpenTimeout, as the
		// BoltDB store does.
		unlock, err := lockDir(dir, boltOpenTimeout)
		if err != nil {
			return nil, err
		}
		w, err := wal.Open(dir, wal.WithLogger(newHCLogger(logger, "wal")), wal.WithSegmentSize(segmentSize))
		if err != nil {
			unlock()
			return nil, err
		}
		return &lockedWAL{WAL: w, unlock: unlock}, nil
	}
	return nil, fmt.Errorf("unknown log store %q (want %q or %q)", kind, LogStoreWAL, LogStoreBolt)
}

// lockedWAL is the WAL with its directory lock, released on Close.
type lockedWAL struct {
	*wal.WAL
	unlock func()
}

func (l *lockedWAL) Close() error {
	defer l.unlock()
	return l.WAL.Close()
}

// lockDir takes an exclusive lock on dir/LOCK, retrying for up to within.
func lockDir(dir string, within time.Duration) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(within)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			_ = f.Close()
			return nil, fmt.Errorf("lock %s (another process uses this data directory?): %w", dir, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ReadLog returns every entry in the log store of a stopped node's data
// directory, in index order (offline checks: the chaos run compares every
// node's log).
func ReadLog(dataDir string) ([]*raft.Log, error) {
	if LogStoreOf(dataDir) == "" {
		return nil, fmt.Errorf("raftnode: %s holds no log store", dataDir)
	}
	store, err := openLogStore(dataDir, "", 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, fmt.Errorf("raftnode: open the log in %s: %w", dataDir, err)
	}
	defer store.Close()
	first, err := store.FirstIndex()
	if err != nil {
		return nil, err
	}
	last, err := store.LastIndex()
	if err != nil {
		return nil, err
	}
	var out []*raft.Log
	for i := first; i <= last && i > 0; i++ {
		l := new(raft.Log)
		if err := store.GetLog(i, l); err != nil {
			return nil, fmt.Errorf("raftnode: %s index %d: %w", dataDir, i, err)
		}
		out = append(out, l)
	}
	return out, nil
}
