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
		if err := c.Takeover(ctx, tg.Base, TakeoverHold); err != nil {
			lastErr = fmt.Errorf("takeover on %s: %w", tg.ID, err)
			log.Info("hand-over: target cannot take over", "target", tg.ID, "err", err)
			continue
		}
		start := time.Now()
		if err := node.TransferLeadership(ctx, tg.ID); err != nil {
			lastErr = fmt.Errorf("transfer to %s: %w", tg.ID, err)
			log.Warn("hand-over: transfer failed", "target", tg.ID, "err", err)
			if err := c.Takeover(ctx, tg.Base, 0); err != nil {
				log.Warn("hand-over: calling the takeover off failed; it ends by itself", "target", tg.ID, "hold", TakeoverHold, "err", err)
			}
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
