package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"tableraft/transport/adminapi"
)

// defaultAddrs are the nodes `make run` starts.
const defaultAddrs = "http://127.0.0.1:8001,http://127.0.0.1:8002,http://127.0.0.1:8003"

// defaultTokenFile is where `make run` keeps the operator token.
const defaultTokenFile = "data/admin-token"

const clusterFlagsHelp = `
Cluster flags (every command above):
  --addr URLS              the nodes' HTTP addresses, comma-separated
                           (env TABLERAFT_ADDR; default: the cluster of make run,
                           ` + defaultAddrs + `)
  --admin-token-file FILE  the operator token (env TABLERAFT_ADMIN_TOKEN_FILE;
                           default ` + defaultTokenFile + `)
  --timeout D              give up after D (default 30s)
`

// clusterFlags are the flags every cluster command shares.
type clusterFlags struct {
	addrs     string
	tokenFile string
	timeout   time.Duration
}

func (c *clusterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.addrs, "addr", envOr("TABLERAFT_ADDR", defaultAddrs), "nodes' HTTP addresses")
	fs.StringVar(&c.tokenFile, "admin-token-file", envOr("TABLERAFT_ADMIN_TOKEN_FILE", defaultTokenFile), "operator token file")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "give up after this long")
}

func (c *clusterFlags) bases() []string {
	var out []string
	for _, a := range strings.Split(c.addrs, ",") {
		a = strings.TrimRight(strings.TrimSpace(a), "/")
		if a == "" {
			continue
		}
		if !strings.Contains(a, "://") {
			a = "http://" + a
		}
		out = append(out, a)
	}
	return out
}

// client reads the token; commands that only read (status) pass
// needToken=false and go on without one.
func (c *clusterFlags) client(needToken bool) (*adminapi.Client, error) {
	b, err := os.ReadFile(c.tokenFile)
	if err != nil {
		if needToken {
			return nil, fmt.Errorf("read the operator token: %w (set --admin-token-file or TABLERAFT_ADMIN_TOKEN_FILE)", err)
		}
		return &adminapi.Client{}, nil
	}
	return &adminapi.Client{Token: strings.TrimSpace(string(b))}, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parseCluster parses a cluster command's flags; ok=false means the
// command is done with the returned exit code.
func parseCluster(e *env, name, helpText string, args []string, cf *clusterFlags, extra func(*flag.FlagSet)) (fs *flag.FlagSet, code int, ok bool) {
	fs = flag.NewFlagSet("tablectl "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {}
	cf.register(fs)
	if extra != nil {
		extra(fs)
	}
	printHelp := func(w io.Writer) { fmt.Fprint(w, helpText, clusterFlagsHelp) }
	if err := fs.Parse(args); err != nil {
		return fs, helpOrUsageError(e, err, "tablectl "+name, printHelp), false
	}
	return fs, 0, true
}

const statusHelp = `Usage: tablectl status [--json]

Shows every node of the cluster: its role, term, log indexes, how far it
lags behind the leader's commit index, the leader it follows, its open
tables and a prefix of its state hash (equal hashes at equal applied
indexes mean identical state). Nodes are the ones given with --addr plus
every node the cluster has published.

  --json   print the raw status of every node as JSON
`

func runStatus(e *env, args []string) int {
	var cf clusterFlags
	var asJSON bool
	fs, code, ok := parseCluster(e, "status", statusHelp, args, &cf, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "tablectl status: takes no arguments")
		return exitUsage
	}
	c, _ := cf.client(false)
	ctx, cancel := context.WithTimeout(context.Background(), cf.timeout)
	defer cancel()
	rows := collectStatus(ctx, c, cf.bases())
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return exitFailure
		}
	} else {
		printStatus(e.stdout, rows)
	}
	for _, r := range rows {
		if r.Error == "" && r.Status.State == "leader" {
			return exitOK
		}
	}
	fmt.Fprintln(e.stderr, "tablectl status: no node reports itself as leader")
	return exitFailure
}

// nodeRow is one node in tablectl status.
type nodeRow struct {
	Addr   string          `json:"addr"`
	Status adminapi.Status `json:"status"`
	Error  string          `json:"error,omitempty"`
}

// collectStatus asks every given node, then every node they published
// that was not asked yet and has not answered under another address (a
// node with --admin-addr is given by that address and publishes its
// HTTP address).
func collectStatus(ctx context.Context, c *adminapi.Client, bases []string) []nodeRow {
	type published struct{ id, base string }
	var rows []nodeRow
	asked, answered := map[string]bool{}, map[string]bool{}
	var more []published
	ask := func(base string) {
		asked[base] = true
		s, err := c.Status(ctx, base)
		row := nodeRow{Addr: base, Status: s}
		if err != nil {
			row.Error = err.Error()
		} else {
			answered[s.ID] = true
		}
		rows = append(rows, row)
		for _, n := range s.Nodes {
			if n.HTTP != "" {
				more = append(more, published{n.ID, "http://" + n.HTTP})
			}
		}
	}
	for _, base := range bases {
		if !asked[base] {
			ask(base)
		}
	}
	for i := 0; i < len(more); i++ {
		if p := more[i]; !asked[p.base] && !answered[p.id] {
			ask(p.base)
		}
	}
	return rows
}

func printStatus(w io.Writer, rows []nodeRow) {
	var leaderCommit uint64
	for _, r := range rows {
		if r.Error == "" && r.Status.State == "leader" {
			leaderCommit = r.Status.CommitIndex
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tADDR\tROLE\tTERM\tLAST\tCOMMIT\tAPPLIED\tLAG\tLEADER\tTABLES\tOUTBOX\tSTATE")
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(tw, "?\t%s\tunreachable\t\t\t\t\t\t\t\t\t%s\n", r.Addr, r.Error)
			continue
		}
		s := r.Status
		lag := "-"
		if leaderCommit >= s.AppliedIndex {
			lag = fmt.Sprint(leaderCommit - s.AppliedIndex)
		}
		hash := s.StateHash
		if len(hash) > 12 {
			hash = hash[:12]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%s\n",
			s.ID, r.Addr, s.State, s.Term, s.LastLogIndex, s.CommitIndex, s.AppliedIndex, lag, s.LeaderID, s.Tables, s.Outbox, hash)
	}
	_ = tw.Flush()
}

// isAPIError reports an answer with an error status (the proxy answered,
// e.g. 503 while no server is up), as opposed to no answer at all.
func isAPIError(err error) bool {
	var apiErr *adminapi.APIError
	return errors.As(err, &apiErr)
}

func orAny(id string) string {
	if id == "" {
		return "any node"
	}
	return id
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

const joinHelp = `Usage: tablectl join --id ID --raft-addr HOST:PORT [--http-addr HOST:PORT]

Adds node ID (already started without --bootstrap) to the cluster as a
voter. A node started with --join does this by itself.
`

func runJoin(e *env, args []string) int {
	var cf clusterFlags
	var id, raftAddr, httpAddr string
	_, code, ok := parseCluster(e, "join", joinHelp, args, &cf, func(fs *flag.FlagSet) {
		fs.StringVar(&id, "id", "", "node id")
		fs.StringVar(&raftAddr, "raft-addr", "", "the node's Raft address")
		fs.StringVar(&httpAddr, "http-addr", "", "the node's HTTP address")
	})
	if !ok {
		return code
	}
	if id == "" || raftAddr == "" {
		fmt.Fprintln(e.stderr, "tablectl join: --id and --raft-addr are required")
		return exitUsage
	}
	return leaderCall(e, cf, "join", func(ctx context.Context, c *adminapi.Client, leader string) error {
		return c.Join(ctx, leader, id, raftAddr, httpAddr)
	}, fmt.Sprintf("%s joined as a voter", id))
}

const removeHelp = `Usage: tablectl remove --id ID

Removes node ID from the cluster (a dead node being replaced, or a node
being retired). Removing the leader makes it step down first.
`

func runRemove(e *env, args []string) int {
	var cf clusterFlags
	var id string
	_, code, ok := parseCluster(e, "remove", removeHelp, args, &cf, func(fs *flag.FlagSet) {
		fs.StringVar(&id, "id", "", "node id")
	})
	if !ok {
		return code
	}
	if id == "" {
		fmt.Fprintln(e.stderr, "tablectl remove: --id is required")
		return exitUsage
	}
	return leaderCall(e, cf, "remove", func(ctx context.Context, c *adminapi.Client, leader string) error {
		return c.Remove(ctx, leader, id)
	}, fmt.Sprintf("%s removed", id))
}

// leaderCall runs an admin call against the leader and reports it.
func leaderCall(e *env, cf clusterFlags, name string, call func(context.Context, *adminapi.Client, string) error, done string) int {
	c, err := cf.client(true)
	if err != nil {
		fmt.Fprintf(e.stderr, "tablectl %s: %v\n", name, err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), cf.timeout)
	defer cancel()
	leader, _, err := c.FindLeader(ctx, cf.bases())
	if err == nil {
		err = call(ctx, c, leader)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "tablectl %s: %v\n", name, err)
		return exitFailure
	}
	fmt.Fprintln(e.stdout, done)
	return exitOK
}
