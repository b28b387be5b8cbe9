// Package results stores finished deals durably: the leader's writer
// drains the replicated outbox of package fsm into PostgreSQL (pgx/v5, one
// transaction per batch, keyed by game id with ON CONFLICT DO NOTHING) and
// only then proposes ResultStored, which removes the batch from the
// outbox. While PostgreSQL is unreachable or failing, batches go to a disk
// spool under the node's data directory (fsync'd JSON lines, rotated by
// size) and play goes on; the spool is replayed into PostgreSQL when the
// database answers again, and a spool file is removed only after all its
// records are committed. Without a database the spool is where results
// live. See DESIGN.md for the fencing and the exactly-once argument.
package results
