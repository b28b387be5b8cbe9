package postgres

import "testing"

func TestMigrationsAreNumberedInOrder(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Fatalf("migration %d is %s (version %d): versions must run 1, 2, 3, ...", i, m.Name, m.Version)
		}
		if m.SQL == "" {
			t.Fatalf("migration %s is empty", m.Name)
		}
	}
}
