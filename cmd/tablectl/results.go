package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"tableraft/fsm"
	"tableraft/results"
)

// defaultDataDir is where `make run` keeps its nodes' data.
const defaultDataDir = "data"

const resultsHelp = `Usage: tablectl results [--player P] [--table N] [--last N] [--pg URL | --spool DIRS]
       tablectl results import [--pg URL | --pg-file F] SPOOLFILE...

Prints the most recent finished deals, newest first, from PostgreSQL when
--pg (or TABLERAFT_PG) is set, else from the nodes' result spools: without
a database (the default of make run) the spool is where results live, on
the disk of whichever node led when the deal ended, so every spool given
is read and the deals are merged by game id.

  --player P   only deals where player P sat
  --table N    only deals of table N
  --last N     at most N deals (default 20)
  --pg URL     PostgreSQL, postgres://user@host:5432/db (env TABLERAFT_PG);
               no password here, where ps shows it: use --pg-file,
               TABLERAFT_PG or PGPASSFILE
  --pg-file F  a file holding the PostgreSQL URL (may carry the password)
  --spool DIRS comma-separated spool directories, or data directories whose
               spool/ and */spool/ are read (default: ` + defaultDataDir + `, make run's nodes)
  --json       one JSON object a line, as the spool holds it

"import" loads spool files into PostgreSQL, idempotently: a deal that is
there already is skipped, so importing a file twice adds nothing. A torn
last line (a crash mid-write) is ignored; corrupt lines are reported and
skipped.
`

const migrateHelp = `Usage: tablectl migrate [--pg URL | --pg-file F]

Applies the schema migrations of deploy/postgres that the database has not
recorded yet (a node started with --pg does the same by itself).

  --pg URL     PostgreSQL, postgres://user@host:5432/db (env TABLERAFT_PG);
               no password here, where ps shows it: use --pg-file,
               TABLERAFT_PG or PGPASSFILE
  --pg-file F  a file holding the PostgreSQL URL (may carry the password)
`

// pgFlags are --pg and --pg-file.
type pgFlags struct{ url, file string }

func (p *pgFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.url, "pg", os.Getenv("TABLERAFT_PG"), "PostgreSQL URL")
	fs.StringVar(&p.file, "pg-file", "", "file holding the PostgreSQL URL")
}

// resolve returns the URL; a password given with --pg on the command line
// is refused (results.URLFrom).
func (p *pgFlags) resolve(fs *flag.FlagSet) (string, error) {
	onCLI := false
	fs.Visit(func(f *flag.Flag) { onCLI = onCLI || f.Name == "pg" })
	return results.URLFrom(p.url, onCLI, p.file)
}

// resultsTimeout bounds a results command's database work.
const resultsTimeout = time.Minute

func runResults(e *env, args []string) int {
	if len(args) > 0 && args[0] == "import" {
		return runResultsImport(e, args[1:])
	}
	var f results.Filter
	var pgf pgFlags
	var spool string
	var asJSON bool
	fs := flag.NewFlagSet("tablectl results", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	fs.StringVar(&f.Player, "player", "", "player")
	fs.Int64Var(&f.Table, "table", 0, "table id")
	fs.IntVar(&f.Last, "last", 20, "how many")
	pgf.register(fs)
	fs.StringVar(&spool, "spool", "", "spool or data directories")
	fs.BoolVar(&asJSON, "json", false, "print JSON lines")
	if err := fs.Parse(args); err != nil {
		return helpOrUsageError(e, err, "tablectl results", func(w io.Writer) { fmt.Fprint(w, resultsHelp) })
	}
	if fs.NArg() != 0 || f.Last < 1 || f.Table < 0 {
		fmt.Fprintln(e.stderr, "tablectl results: takes no arguments but the flags; --last and --table must be positive")
		return exitUsage
	}
	pg, err := pgf.resolve(fs)
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl results:", err)
		return exitUsage
	}
	var rs []fsm.Result
	if pg != "" && spool == "" {
		rs, err = queryPG(pg, f)
	} else {
		if spool == "" {
			spool = defaultDataDir
		}
		rs, err = querySpools(e, spool, f)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "tablectl results: %v\n", err)
		return exitFailure
	}
	if asJSON {
		return printResultsJSON(e, rs)
	}
	printResults(e.stdout, rs)
	return exitOK
}

func queryPG(url string, f results.Filter) ([]fsm.Result, error) {
	store, err := results.OpenStore(url)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	ctx, cancel := context.WithTimeout(context.Background(), resultsTimeout)
	defer cancel()
	return store.Query(ctx, f)
}

// querySpools reads every spool under the given directories, merges the
// records by game id and applies f.
func querySpools(e *env, dirs string, f results.Filter) ([]fsm.Result, error) {
	var spools []string
	for _, d := range strings.Split(dirs, ",") {
		if d = strings.TrimSpace(d); d != "" {
			spools = append(spools, spoolDirsUnder(d)...)
		}
	}
	if len(spools) == 0 {
		return nil, fmt.Errorf("no result spool under %s (give --spool DIR, or --pg URL)", dirs)
	}
	seen := map[string]bool{}
	var out []fsm.Result
	for _, dir := range spools {
		rs, err := results.ReadSpoolDir(dir)
		if err != nil {
			// Corrupt lines are skipped; the rest is still worth showing.
			fmt.Fprintf(e.stderr, "tablectl results: %v\n", err)
		}
		for _, r := range rs {
			if seen[r.GameID] || !matches(r, f) {
				continue
			}
			seen[r.GameID] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].EndedAt != out[j].EndedAt {
			return out[i].EndedAt > out[j].EndedAt
		}
		return out[i].GameID > out[j].GameID
	})
	if len(out) > f.Last {
		out = out[:f.Last]
	}
	return out, nil
}

// spoolDirsUnder returns dir itself when it holds spool files, and its
// spool/ and */spool/ subdirectories that exist (a data directory, or
// make run's directory of node data directories).
func spoolDirsUnder(dir string) []string {
	var out []string
	if m, _ := filepath.Glob(filepath.Join(dir, "results-*.jsonl")); len(m) > 0 {
		out = append(out, dir)
	}
	for _, pattern := range []string{filepath.Join(dir, "spool"), filepath.Join(dir, "*", "spool")} {
		m, _ := filepath.Glob(pattern)
		for _, d := range m {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				out = append(out, d)
			}
		}
	}
	return out
}

func matches(r fsm.Result, f results.Filter) bool {
	if f.Table != 0 && r.Table != f.Table {
		return false
	}
	if f.Player == "" {
		return true
	}
	for _, p := range r.Players {
		if p == f.Player {
			return true
		}
	}
	return false
}

// printResults writes rs as a table a person reads.
func printResults(w io.Writer, rs []fsm.Result) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "no finished deals")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENDED (UTC)\tGAME ID\tGAME\tCONTRACT\tOUTCOME\tSEATS")
	for _, r := range rs {
		contract := string(r.Contract)
		if contract == "" {
			contract = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", time.UnixMilli(r.EndedAt).UTC().Format("2006-01-02 15:04:05"),
			r.GameID, r.Game, contract, outcome(r), seats(r))
	}
	tw.Flush()
}

// outcome says in a few words who won.
func outcome(r fsm.Result) string {
	name := func(seat int) string {
		if seat >= 0 && seat < len(r.Players) && r.Players[seat] != "" {
			return r.Players[seat]
		}
		return fmt.Sprintf("seat %d", seat)
	}
	switch {
	case r.Schafkopf != nil:
		s := r.Schafkopf
		if s.ThrownIn {
			return "thrown in"
		}
		verb := "loses"
		if s.DeclarersWin {
			verb = "wins"
		}
		out := fmt.Sprintf("%s %s %d", name(s.Declarer), verb, s.Value)
		if s.Partner >= 0 {
			out = fmt.Sprintf("%s+%s %s %d", name(s.Declarer), name(s.Partner), verb, s.Value)
		}
		switch {
		case s.Schwarz:
			out += ", schwarz"
		case s.Schneider:
			out += ", schneider"
		}
		return out
	case r.Schnapsen != nil:
		s := r.Schnapsen
		out := fmt.Sprintf("%s +%d (%s)", name(s.Winner), s.GamePoints, s.Reason)
		if s.BummerlLoser >= 0 {
			out += fmt.Sprintf(", Bummerl to %s", name(s.BummerlLoser))
		}
		return out
	case r.Bauernschnapsen != nil:
		s := r.Bauernschnapsen
		declarer := ""
		if s.Declarer >= 0 {
			declarer = " by " + name(s.Declarer)
		}
		out := fmt.Sprintf("%s%s: %s+%s +%d (%s)", s.Game, declarer, name(s.WinnerTeam), name(s.WinnerTeam+2), s.MatchPoints, s.Reason)
		if s.Bummerl > 0 {
			out += fmt.Sprintf(", %d Bummerl", s.Bummerl)
		}
		return out
	}
	return "-"
}

// seats lists who sat where with what they won: payouts in Schafkopf,
// game points in Schnapsen.
func seats(r fsm.Result) string {
	parts := make([]string, len(r.Players))
	for i, p := range r.Players {
		if p == "" {
			p = "-"
		}
		switch {
		case results.Payout(r, i) != nil:
			parts[i] = fmt.Sprintf("%s %+d", p, *results.Payout(r, i))
		case results.GamePoints(r, i) != nil:
			parts[i] = fmt.Sprintf("%s %+d", p, *results.GamePoints(r, i))
		default:
			parts[i] = p
		}
	}
	return strings.Join(parts, ", ")
}

func printResultsJSON(e *env, rs []fsm.Result) int {
	enc := json.NewEncoder(e.stdout)
	for _, r := range rs {
		if err := enc.Encode(r); err != nil {
			return exitFailure
		}
	}
	return exitOK
}

func runResultsImport(e *env, args []string) int {
	var pgf pgFlags
	fs := flag.NewFlagSet("tablectl results import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	pgf.register(fs)
	if err := fs.Parse(args); err != nil {
		return helpOrUsageError(e, err, "tablectl results import", func(w io.Writer) { fmt.Fprint(w, resultsHelp) })
	}
	pg, err := pgf.resolve(fs)
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl results import:", err)
		return exitUsage
	}
	if fs.NArg() == 0 || pg == "" {
		fmt.Fprintln(e.stderr, "tablectl results import: needs --pg URL (or --pg-file, TABLERAFT_PG) and at least one SPOOLFILE")
		return exitUsage
	}
	type file struct {
		path string
		rs   []fsm.Result
	}
	var files []file
	for _, path := range fs.Args() {
		rs, info, err := results.ReadSpoolFile(path)
		switch {
		case errors.Is(err, results.ErrSpoolCorrupt):
			fmt.Fprintf(e.stderr, "tablectl results import: %v (%d corrupt lines skipped)\n", err, info.BadLines)
		case err != nil:
			fmt.Fprintf(e.stderr, "tablectl results import: %v\n", err)
			return exitUsage
		}
		if info.TornBytes > 0 {
			fmt.Fprintf(e.stderr, "tablectl results import: %s: ignoring a torn last line (%d bytes)\n", path, info.TornBytes)
		}
		files = append(files, file{path, rs})
	}
	store, err := results.OpenStore(pg)
	if err != nil {
		fmt.Fprintf(e.stderr, "tablectl results import: %v\n", err)
		return exitUsage
	}
	defer store.Close()
	ctx, cancel := context.WithTimeout(context.Background(), resultsTimeout)
	defer cancel()
	for _, f := range files {
		fresh := 0
		for i := 0; i < len(f.rs); i += 500 {
			n, err := store.Insert(ctx, f.rs[i:min(i+500, len(f.rs))])
			if err != nil {
				fmt.Fprintf(e.stderr, "tablectl results import: %s: %v\n", f.path, err)
				return exitFailure
			}
			fresh += n
		}
		fmt.Fprintf(e.stdout, "%s: %d deals, %d new, %d already stored\n", f.path, len(f.rs), fresh, len(f.rs)-fresh)
	}
	return exitOK
}

func runMigrate(e *env, args []string) int {
	var pgf pgFlags
	fs := flag.NewFlagSet("tablectl migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	pgf.register(fs)
	if err := fs.Parse(args); err != nil {
		return helpOrUsageError(e, err, "tablectl migrate", func(w io.Writer) { fmt.Fprint(w, migrateHelp) })
	}
	pg, err := pgf.resolve(fs)
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl migrate:", err)
		return exitUsage
	}
	if fs.NArg() != 0 || pg == "" {
		fmt.Fprintln(e.stderr, "tablectl migrate: needs --pg URL (or --pg-file, TABLERAFT_PG) and no arguments")
		return exitUsage
	}
	store, err := results.OpenStore(pg)
	if err != nil {
		fmt.Fprintf(e.stderr, "tablectl migrate: %v\n", err)
		return exitUsage
	}
	defer store.Close()
	ctx, cancel := context.WithTimeout(context.Background(), resultsTimeout)
	defer cancel()
	applied, err := store.Migrate(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "tablectl migrate: %v\n", err)
		return exitFailure
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "the schema is up to date")
		return exitOK
	}
	for _, name := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", name)
	}
	return exitOK
}
