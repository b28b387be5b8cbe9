package results

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"tableraft/results/pgtest"
)

func mustOpenStore(t *testing.T, url string) *Store {
	t.Helper()
	s, err := OpenStore(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestStore(t *testing.T) {
	pg := pgtest.Start(t)
	ctx := context.Background()

	t.Run("migrations apply once, also when nodes start together", func(t *testing.T) {
		url := pg.NewDatabase()
		var wg sync.WaitGroup
		applied := make([][]string, 3)
		errs := make([]error, 3)
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				applied[i], errs[i] = mustOpenStore(t, url).Migrate(ctx)
			}()
		}
		wg.Wait()
		total := 0
		for i := range 3 {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			total += len(applied[i])
		}
		if total != 1 {
			t.Fatalf("migrations applied %v, want 0001_results once in all", applied)
		}
		again, err := mustOpenStore(t, url).Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("a second migrate applied %v (%v), want nothing", again, err)
		}
	})

	t.Run("insert stores each deal once", func(t *testing.T) {
		s := mustOpenStore(t, pg.NewDatabase())
		batch := append(deals(1, 1, 5), deals(2, 1, 5)...)
		if n, err := s.Insert(ctx, batch); err != nil || n != 10 {
			t.Fatalf("first insert: %d new, %v; want 10", n, err)
		}
		// A replay overlapping the first batch: only the new deals count.
		if n, err := s.Insert(ctx, append(batch[3:], deals(1, 6, 7)...)); err != nil || n != 2 {
			t.Fatalf("overlapping insert: %d new, %v; want 2", n, err)
		}
		if n, err := s.Count(ctx); err != nil || n != 12 {
			t.Fatalf("count %d (%v), want 12", n, err)
		}
		var seats int
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM game_players").Scan(&seats); err != nil || seats != 7*2+5*4 {
			t.Fatalf("%d seats stored (%v), want %d", seats, err, 7*2+5*4)
		}
		var payout, points int
		if err := s.pool.QueryRow(ctx, "SELECT payout FROM game_players WHERE game_id = 't2-d1' AND seat = 3").Scan(&payout); err != nil || payout != 20 {
			t.Fatalf("payout of p42 in t2-d1: %d (%v), want 20", payout, err)
		}
		if err := s.pool.QueryRow(ctx, "SELECT game_points FROM game_players WHERE game_id = 't1-d2' AND seat = 0").Scan(&points); err != nil || points != 3 {
			t.Fatalf("game points of seat 0 in t1-d2: %d (%v), want 3", points, err)
		}
	})

	t.Run("query by player and table, newest first", func(t *testing.T) {
		s := mustOpenStore(t, pg.NewDatabase())
		if _, err := s.Insert(ctx, append(append(deals(1, 1, 3), deals(2, 1, 3)...), deals(4, 1, 2)...)); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			f    Filter
			want []string
		}{
			{"a table", Filter{Table: 1}, []string{"t1-d3", "t1-d2", "t1-d1"}},
			{"a player at two tables", Filter{Player: "p42", Last: 3}, []string{"t2-d3", "t4-d2", "t2-d2"}},
			{"a player at one table", Filter{Player: "p42", Table: 4}, []string{"t4-d2", "t4-d1"}},
			{"nobody", Filter{Player: "nobody"}, nil},
		}
		for _, tt := range tests {
			got, err := s.Query(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("%s: %v, want %v", tt.name, ids(got), tt.want)
			}
		}
		got, _ := s.Query(ctx, Filter{Table: 2, Last: 1})
		if want := deal(2, 3); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Fatalf("a stored result does not read back as it was written:\n%+v\n%+v", got, want)
		}
	})
}
