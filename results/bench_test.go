package results

import (
	"context"
	"testing"

	"tableraft/results/pgtest"
)

// The write paths of the result writer, on this machine's disk:
//
//	go test -run '^$' -bench . -benchmem ./results/
//
// One op is one batch: 10 deals appended to the spool and fsync'd, or 100
// deals inserted into a durable PostgreSQL (fsync on) in one transaction.

func BenchmarkSpoolAppend10(b *testing.B) {
	s, _, err := OpenSpool(b.TempDir(), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	no := 0
	for b.Loop() {
		if err := s.Append(deals(1, no+1, no+10)); err != nil {
			b.Fatal(err)
		}
		no += 10
	}
}

func BenchmarkStoreInsert100(b *testing.B) {
	pg := pgtest.StartWith(b, pgtest.Options{Durable: true})
	s, err := OpenStore(pg.NewDatabase())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	table := int64(0)
	for b.Loop() {
		table += 2
		if _, err := s.Insert(ctx, deals(table, 1, 100)); err != nil {
			b.Fatal(err)
		}
	}
}
