package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"tableraft/transport/adminapi"
)

const transferHelp = `Usage: tablectl transfer [--to ID] [--proxy URL] [--haproxy-api SOCKETS]

Moves leadership to node ID, or to the most up-to-date other voter, and
moves the players with it, printing progress:

  1. the target is told to take over (POST /admin/takeover): it holds the
     hellos of players who reach it until it leads, and answers haproxy's
     check with 200;
  2. the leader is asked to transfer; from that moment its check answers
     503 and it takes no new commands;
  3. haproxy is switched at once through its runtime API when it can be
     reached (the target's server up, the leader's down, which cuts the
     players' sessions): the players reconnect to the target while Raft
     moves the leadership, and are served the moment it leads;
  4. it waits until the new leader serves and the proxy in front of the
     cluster routes to it.

If the transfer fails, the takeover is called off and haproxy is switched
back; the old leader goes on serving.

  --to ID              the node that should lead
  --proxy URL          haproxy's HTTP address (env TABLERAFT_PROXY; default
                       the one of make run, ` + defaultProxy + `;
                       "" skips the wait)
  --haproxy-api LIST   haproxy runtime API sockets, comma-separated: a unix
                       socket path or host:port of a "stats socket ... level
                       admin" (env TABLERAFT_HAPROXY_API; default make run's,
                       ` + defaultHaproxyAPI + `, skipped when absent; "" switches
                       nothing: haproxy's checks do it within ~50 ms)
  --haproxy-backend B  the backend whose servers are named by node id
                       (default leader_http; the TCP backend tracks it)
`

// defaultProxy is haproxy's HTTP frontend in make run.
const defaultProxy = "http://127.0.0.1:8080"

func runTransfer(e *env, args []string) int {
	var cf clusterFlags
	var to, proxy, haproxyAPI, haproxyBackend string
	fs, code, ok := parseCluster(e, "transfer", transferHelp, args, &cf, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "target node id")
		fs.StringVar(&proxy, "proxy", envOr("TABLERAFT_PROXY", defaultProxy), "haproxy's HTTP address")
		fs.StringVar(&haproxyAPI, "haproxy-api", envOr("TABLERAFT_HAPROXY_API", defaultHaproxyAPI), "haproxy runtime API sockets to switch at once")
		fs.StringVar(&haproxyBackend, "haproxy-backend", "leader_http", "haproxy backend whose servers are the nodes")
	})
	if !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "tablectl transfer: takes no arguments (use --to ID)")
		return exitUsage
	}
	c, err := cf.client(true)
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl transfer:", err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), cf.timeout)
	defer cancel()
	leader, s, err := c.FindLeader(ctx, cf.bases())
	if err != nil {
		fmt.Fprintln(e.stderr, "tablectl transfer:", err)
		return exitFailure
	}
	if to == s.ID {
		fmt.Fprintf(e.stdout, "%s already leads\n", to)
		return exitOK
	}
	t := transfer{e: e, c: c, bases: cf.bases(), leader: leader, from: s.ID,
		haproxy: haproxySwitch{addrs: splitList(haproxyAPI), backend: haproxyBackend}}
	t.to, t.toBase = pickTarget(ctx, c, cf.bases(), s, to)
	t.start = time.Now()
	fmt.Fprintf(e.stdout, "leader is %s (term %d); transferring to %s\n", s.ID, s.Term, orAny(t.to))
	if code := t.run(ctx); code != exitOK {
		return code
	}
	return waitProxy(ctx, e, c, proxy, t.to, t.start)
}

// transfer is one run of tablectl transfer after the leader was found.
type transfer struct {
	e       *env
	c       *adminapi.Client
	haproxy haproxySwitch
	bases   []string // every node's base URL given
	leader  string   // the leader's base URL
	from    string   // its id
	to      string   // the target's id ("" = Raft picks; learnt when it serves)
	toBase  string   // the target's base URL ("" = unknown: no takeover)
	start   time.Time
	// takingOver: the target accepted the takeover (failed calls it off).
	takingOver bool
}

// run moves the leadership and the players, and returns once the new
// leader serves (haproxy switched when it can be).
func (t *transfer) run(ctx context.Context) int {
	e := t.e
	if t.toBase != "" {
		if err := t.c.Takeover(ctx, t.toBase, adminapi.TakeoverHold); err != nil {
			fmt.Fprintf(e.stdout, "%s cannot take over (%v); its players reconnect after the transfer\n", t.to, err)
		} else {
			t.takingOver = true
		}
	}
	result := make(chan error, 1)
	go func() { result <- t.c.Transfer(ctx, t.leader, t.to) }()
	switched, answered := false, false
	var err error
	if t.takingOver {
		// The leader answers its check with 503 from the moment it hands
		// over; switching haproxy before that would have its next check
		// (rise 1) put it back up.
		if answered, err = t.awaitHandingOver(ctx, result); err != nil {
			return t.failed(ctx, err, false)
		}
		fmt.Fprintf(e.stdout, "%s hands over; %s holds the players' hellos after %s\n", t.from, t.to, since(t.start))
		t.haproxy.run(ctx, e, t.to, t.from, t.start)
		switched = true
	}
	if !answered {
		err = <-result
	}
	if err != nil {
		return t.failed(ctx, err, switched)
	}
	fmt.Fprintf(e.stdout, "%s stepped down after %s; waiting for the new leader\n", t.from, since(t.start))
	id, base, ok := t.awaitServing(ctx)
	if !ok {
		fmt.Fprintln(e.stderr, "tablectl transfer: no new leader before the timeout")
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "%s leads and serves (%s) after %s\n", id, base, since(t.start))
	t.to = id
	if !switched {
		t.haproxy.run(ctx, e, id, t.from, t.start)
	}
	return exitOK
}

// awaitHandingOver polls the leader's /health/leader every 2 ms until it
// no longer answers as the serving leader, or the transfer call answers
// first (answered, with its error).
func (t *transfer) awaitHandingOver(ctx context.Context, result <-chan error) (answered bool, err error) {
	for {
		select {
		case err := <-result:
			return true, err
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		if h, err := t.c.Health(ctx, t.leader); err == nil && h.Status != adminapi.HealthLeader {
			return false, nil
		}
	}
}

// failed reports a failed transfer after calling the takeover off and
// switching haproxy back to the leader, which goes on serving.
func (t *transfer) failed(ctx context.Context, err error, switched bool) int {
	if t.takingOver {
		if err := t.c.Takeover(ctx, t.toBase, 0); err != nil {
			fmt.Fprintf(t.e.stdout, "calling the takeover off on %s: %v (it ends by itself after %s)\n", t.to, err, adminapi.TakeoverHold)
		}
	}
	if switched {
		t.haproxy.run(ctx, t.e, t.from, t.to, t.start)
	}
	fmt.Fprintln(t.e.stderr, "tablectl transfer:", err)
	return exitFailure
}

// awaitServing polls /health/leader, not /status, every 5 ms until a node
// other than the old leader (the target, when named) serves players: it
// costs the nodes nothing.
func (t *transfer) awaitServing(ctx context.Context) (id, base string, ok bool) {
	bases := []string{t.toBase}
	if t.toBase == "" {
		bases = t.bases
	}
	for {
		for _, base := range bases {
			if base == t.leader {
				continue
			}
			id, serving, _ := t.c.Serving(ctx, base)
			if serving && id != t.from && (t.to == "" || id == t.to) {
				return id, base, true
			}
		}
		select {
		case <-ctx.Done():
			return "", "", false
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// pickTarget returns the node to transfer to and its base URL among bases:
// to when named, else the voter other than the leader that has applied
// the most. The base is "" when no given address answers as that node
// (then Raft picks when to is "", and there is no takeover).
func pickTarget(ctx context.Context, c *adminapi.Client, bases []string, leader adminapi.Status, to string) (id, base string) {
	for _, tg := range c.RankTargets(ctx, bases, leader.Servers, leader.ID) {
		if to == "" || tg.ID == to {
			return tg.ID, tg.Base
		}
	}
	return to, ""
}

// waitProxy waits until the proxy answers /health/leader from the new
// leader (polled every 20 ms; not /status, which would hash the whole
// state on the new leader while it takes the players over). A proxy that
// cannot be reached is reported and skipped: not every cluster runs
// behind the default one.
func waitProxy(ctx context.Context, e *env, c *adminapi.Client, proxy, leader string, start time.Time) int {
	if proxy == "" {
		return exitOK
	}
	proxy = strings.TrimRight(proxy, "/")
	for {
		id, serving, err := c.Serving(ctx, proxy)
		switch {
		case err != nil && ctx.Err() == nil && !isAPIError(err):
			fmt.Fprintf(e.stdout, "proxy %s not reachable (%v); not waiting for it\n", proxy, err)
			return exitOK
		case serving && id == leader:
			fmt.Fprintf(e.stdout, "proxy %s routes to %s after %s\n", proxy, leader, since(start))
			return exitOK
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(e.stderr, "tablectl transfer: proxy %s still does not route to %s\n", proxy, leader)
			return exitFailure
		case <-time.After(20 * time.Millisecond):
		}
	}
}
