package adminapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"tableraft/fsm"
)

// TakeoverHold is how long a takeover holds players' hellos at most, as
// tablectl transfer and HandOver ask for it: far beyond a transfer (tens
// of ms; Raft gives up after its election timeout), and what players wait
// if the one who asked dies between its steps and the transfer failed.
const TakeoverHold = 3 * time.Second

// HandOver gives this node's leadership to another voter before it stops
// (SIGTERM), moving the players with it as tablectl transfer does, but
// without haproxy's runtime API: the target is told to take over (POST
// /admin/takeover at the HTTP address it published, with the operator
// token the nodes share), so haproxy's checks find it answering 200 and
// this node 503 from the transfer's start, and the players haproxy cuts
// from this node are held there until it leads. It tries the voters in
// turn and returns the one that leads now; a failure leaves this node
// leading (the caller's Shutdown then tries a plain transfer). The voters
// that have applied the most are tried first (RankTargets).
func HandOver(ctx context.Context, node Node, f *fsm.FSM, adminToken string, log *slog.Logger) (string, error) {
	if !node.IsLeader() {
		return "", nil
	}
	c := &Client{Token: adminToken, HTTP: &http.Client{Timeout: 2 * time.Second}}
	st := node.Status()
	var bases []string
	for _, srv := range st.Servers {
		if info, ok := f.Node(srv.ID); ok && info.HTTP != "" && srv.ID != st.ID {
			bases = append(bases, "http://"+info.HTTP)
		}
	}
	var lastErr error
	for _, tg := range c.RankTargets(ctx, bases, st.Servers, st.ID) {
		start := time.Now()
		if err := c.TakeOverAndTransfer(ctx, tg, node.TransferLeadership); err != nil {
			lastErr = err
			log.Warn("hand-over to a voter failed", "target", tg.ID, "err", err)
			continue
		}
		log.Info("hand-over: leadership and players moved", "to", tg.ID, "took", time.Since(start))
		return tg.ID, nil
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("no other voter answers at the address it published")
	}
	return "", lastErr
}

// TakeOverAndTransfer moves leadership and the players to t: t is told to
// take over (it holds the hellos of players who reach it, and answers
// haproxy's check with 200), then transfer (the leader's
// TransferLeadership, or its POST /admin/transfer) hands leadership to
// it. If the transfer fails the takeover is called off, so that the
// held players are sent back to the leader at once; if even that fails,
// the takeover ends by itself after TakeoverHold.
func (c *Client) TakeOverAndTransfer(ctx context.Context, t Target, transfer func(ctx context.Context, to string) error) error {
	if err := c.Takeover(ctx, t.Base, TakeoverHold); err != nil {
		return fmt.Errorf("takeover on %s: %w", t.ID, err)
	}
	if err := transfer(ctx, t.ID); err != nil {
		if offErr := c.Takeover(ctx, t.Base, 0); offErr != nil {
			return fmt.Errorf("transfer to %s: %w (calling the takeover off failed too: %v; it ends after %s)", t.ID, err, offErr, TakeoverHold)
		}
		return fmt.Errorf("transfer to %s: %w", t.ID, err)
	}
	return nil
}
