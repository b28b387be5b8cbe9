package results

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	pgschema "tableraft/deploy/postgres"
	"tableraft/fsm"
)

// Store writes results to PostgreSQL through a pgx connection pool. It
// never connects at open: a node starts, and plays, while the database is
// down. Its methods are safe for concurrent use.
type Store struct {
	pool     *pgxpool.Pool
	migrated atomic.Bool
}

// connectTimeout bounds a connection attempt when the URL sets none, so a
// database that does not answer (not one that refuses) costs a bounded
// wait before the writer falls back to the spool.
const connectTimeout = 3 * time.Second

// OpenStore prepares a pool for url (postgres://user@host:port/db?...). It
// fails only on a malformed URL.
func OpenStore(url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("results: PostgreSQL URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if cfg.MaxConns > 4 {
		cfg.MaxConns = 4 // one writer and one replay per node, plus slack
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("results: PostgreSQL pool: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close closes the pool's connections.
func (s *Store) Close() { s.pool.Close() }

// migrationLock is the advisory lock key that serializes Migrate across
// the nodes of a cluster starting at once ("tblraft" in ASCII).
const migrationLock int64 = 0x74626c72616674

// Migrate applies the migrations of deploy/postgres that the database has
// not recorded in schema_migrations, each in its own transaction, under an
// advisory lock so that concurrent callers apply each one once. It returns
// the names it applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := pgschema.Migrations()
	if err != nil {
		return nil, err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("results: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return nil, fmt.Errorf("results: migrate: lock: %w", err)
	}
	defer func() {
		// A failed unlock leaves the lock to the session's end; the pool
		// may keep the session, so make sure it does not.
		if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLock); err != nil {
			conn.Conn().Close(context.Background())
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("results: migrate: %w", err)
	}
	var applied []string
	for _, m := range ms {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var done bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", m.Version).Scan(&done); err != nil {
				return err
			}
			if done {
				return nil
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return err
			}
			applied = append(applied, m.Name)
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("results: migration %s: %w", m.Name, err)
		}
	}
	s.migrated.Store(true)
	return applied, nil
}

// ensureSchema migrates once per Store, on first use.
func (s *Store) ensureSchema(ctx context.Context) error {
	if s.migrated.Load() {
		return nil
	}
	_, err := s.Migrate(ctx)
	return err
}

// Insert stores rs in one transaction, each deal once: a game id that is
// already there is left as it is (ON CONFLICT DO NOTHING), so inserting a
// batch again, from a new leader or a spool replay, changes nothing. It
// returns how many deals were new. When it returns nil every result of rs
// is in the database.
func (s *Store) Insert(ctx context.Context, rs []fsm.Result) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	if err := s.ensureSchema(ctx); err != nil {
		return 0, err
	}
	b := &pgx.Batch{}
	for _, r := range rs {
		row, err := gameRowOf(r)
		if err != nil {
			return 0, err
		}
		b.Queue(`INSERT INTO games (game_id, table_id, deal_no, game_kind, options, started_at, ended_at, dealer, contract, result)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (game_id) DO NOTHING`,
			row.gameID, row.table, row.dealNo, row.kind, row.options, row.started, row.ended, row.dealer, row.contract, row.result)
		for _, p := range row.players {
			b.Queue(`INSERT INTO game_players (game_id, seat, player, payout, game_points, ended_at)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (game_id, seat) DO NOTHING`,
				row.gameID, p.seat, p.player, p.payout, p.gamePoints, row.ended)
		}
	}
	inserted := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		br := tx.SendBatch(ctx, b)
		for _, r := range rs {
			ct, err := br.Exec()
			if err != nil {
				br.Close()
				return fmt.Errorf("insert %s: %w", r.GameID, err)
			}
			if ct.RowsAffected() == 1 {
				inserted++
			}
			for range r.Players {
				if _, err := br.Exec(); err != nil {
					br.Close()
					return fmt.Errorf("insert the players of %s: %w", r.GameID, err)
				}
			}
		}
		return br.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("results: PostgreSQL: %w", err)
	}
	return inserted, nil
}

// Filter selects results for Query.
type Filter struct {
	Player string // "" = any
	Table  int64  // 0 = any
	Last   int    // the most recent Last deals; <= 0 means 20
}

// Query returns the deals that match f, newest first.
func (s *Store) Query(ctx context.Context, f Filter) ([]fsm.Result, error) {
	if f.Last <= 0 {
		f.Last = 20
	}
	q := `SELECT g.result FROM games g WHERE ($1::bigint = 0 OR g.table_id = $1) ORDER BY g.ended_at DESC, g.game_id DESC LIMIT $2`
	args := []any{f.Table, f.Last}
	if f.Player != "" {
		q = `SELECT g.result FROM game_players p JOIN games g USING (game_id)
			WHERE p.player = $3 AND ($1::bigint = 0 OR g.table_id = $1)
			ORDER BY p.ended_at DESC, g.game_id DESC LIMIT $2`
		args = append(args, f.Player)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("results: query: %w", err)
	}
	defer rows.Close()
	var out []fsm.Result
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("results: query: %w", err)
		}
		var r fsm.Result
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("results: query: a stored result does not decode: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("results: query: %w", err)
	}
	return out, nil
}

// Count returns how many deals the database holds (tests, tablectl).
func (s *Store) Count(ctx context.Context) (int, error) {
	if err := s.ensureSchema(ctx); err != nil {
		return 0, err
	}
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM games").Scan(&n)
	return n, err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }
