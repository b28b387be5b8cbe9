package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/results"
	"tableraft/results/pgtest"
)

// schafkopfDeal is a finished Sauspiel at table, deal no, p42 in seat 3.
func schafkopfDeal(table int64, no int) fsm.Result {
	return fsm.Result{
		GameID: fmt.Sprintf("t%d-d%d", table, no), Table: table, DealNo: no, Game: game.KindSchafkopf,
		Players: []string{fmt.Sprintf("p%d", table), "bot", "bot", "p42"}, Contract: game.Sauspiel,
		StartedAt: 1_790_000_000_000 + int64(no)*60_000, EndedAt: 1_790_000_030_000 + int64(no)*60_000,
		Schafkopf: &game.SchafkopfResult{Game: game.Sauspiel, Declarer: 0, Partner: 3, DeclarersWin: true, Schneider: true,
			Points: []int{50, 10, 10, 50}, Multiplier: 1, Value: 30, Payouts: []int{30, -30, -30, 30}, Balances: []int{30, -30, -30, 30}},
	}
}

// writeSpool appends rs to the spool in dir.
func writeSpool(t *testing.T, dir string, rs ...fsm.Result) {
	t.Helper()
	s, _, err := results.OpenSpool(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Append(rs); err != nil {
		t.Fatal(err)
	}
}

// TestResultsFromSpools: without a database, the results of a cluster are
// in the spools of the nodes that led; tablectl merges them by game id.
func TestResultsFromSpools(t *testing.T) {
	data := t.TempDir()
	writeSpool(t, filepath.Join(data, "n1", "spool"), schafkopfDeal(1, 1), schafkopfDeal(1, 2), schafkopfDeal(2, 1))
	// n2 led later; a deal confirmed twice across the change is in both.
	writeSpool(t, filepath.Join(data, "n2", "spool"), schafkopfDeal(1, 2), schafkopfDeal(1, 3), schafkopfDeal(3, 1))

	tests := []struct {
		name string
		args []string
		want []string // game ids in order
	}{
		{"all, newest first (ties by game id)", nil, []string{"t1-d3", "t1-d2", "t3-d1", "t2-d1", "t1-d1"}},
		{"one table", []string{"--table", "1"}, []string{"t1-d3", "t1-d2", "t1-d1"}},
		{"a player who sat at one table", []string{"--player", "p2", "--last", "2"}, []string{"t2-d1"}},
		{"p42 everywhere, last 2", []string{"--player", "p42", "--last", "2"}, []string{"t1-d3", "t1-d2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(append([]string{"results", "--spool", data}, tt.args...), "")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := gameIDs(out); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("deals %v, want %v\n%s", got, tt.want, out)
			}
		})
	}
	_, out, _ := runMain([]string{"results", "--spool", data, "--table", "1", "--last", "1"}, "")
	for _, want := range []string{"ENDED (UTC)", "t1-d3", "sauspiel", "p1+p42 wins 30, schneider", "p1 +30, bot -30, bot -30, p42 +30"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// gameIDs picks the game ids out of the results table.
func gameIDs(out string) []string {
	var ids []string
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 2 {
			ids = append(ids, f[2])
		}
	}
	return ids
}

func TestResultsBadInput(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no spool anywhere", []string{"results", "--spool", empty}, 1, "no result spool"},
		{"an argument", []string{"results", "x"}, 2, "takes no arguments"},
		{"import without a database", []string{"results", "import", "--pg", "", "f"}, 2, "needs --pg"},
		{"import a missing file", []string{"results", "import", "--pg", "postgres://x@127.0.0.1:1/db", filepath.Join(empty, "nope")}, 2, "no such file"},
		{"migrate without a database", []string{"migrate", "--pg", ""}, 2, "needs --pg"},
		{"help", []string{"results", "--help"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runMain(tt.args, "")
			if code != tt.code || !strings.Contains(errOut, tt.err) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.err)
			}
		})
	}
}

// TestResultsImportAndQuery: a spool (with a torn last line) imported
// into PostgreSQL twice stores each deal once; results --pg reads them.
func TestResultsImportAndQuery(t *testing.T) {
	pg := pgtest.Start(t)
	url := pg.NewDatabase()
	if code, out, errOut := runMain([]string{"migrate", "--pg", url}, ""); code != 0 || !strings.Contains(out, "applied 0001_results") {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runMain([]string{"migrate", "--pg", url}, ""); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	dir := t.TempDir()
	writeSpool(t, dir, schafkopfDeal(7, 1), schafkopfDeal(7, 2), schafkopfDeal(8, 1))
	file := filepath.Join(dir, "results-00000001.jsonl")
	f, _ := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"v":1,"crc":"0000`) // a crash mid-write
	f.Close()

	code, out, errOut := runMain([]string{"results", "import", "--pg", url, file}, "")
	if code != 0 || !strings.Contains(out, "3 deals, 3 new") || !strings.Contains(errOut, "torn last line") {
		t.Fatalf("import: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runMain([]string{"results", "import", "--pg", url, file}, "")
	if code != 0 || !strings.Contains(out, "3 deals, 0 new, 3 already stored") {
		t.Fatalf("second import: %d\n%s", code, out)
	}
	code, out, errOut = runMain([]string{"results", "--pg", url, "--table", "7"}, "")
	if code != 0 || strings.Join(gameIDs(out), " ") != "t7-d2 t7-d1" {
		t.Fatalf("results --pg --table 7: %d %s\n%s", code, errOut, out)
	}
	t.Setenv("TABLERAFT_PG", url)
	code, out, _ = runMain([]string{"results", "--player", "p8"}, "")
	if code != 0 || strings.Join(gameIDs(out), " ") != "t8-d1" {
		t.Fatalf("results --player p8 with TABLERAFT_PG: %d\n%s", code, out)
	}
}
