package adminapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"tableraft/fsm"
)

// Publish keeps self (this node's addresses) in the replicated state, so
// that every node can name the leader's HTTP and TCP addresses to clients
// and operators. As leader it proposes them itself; as a follower it asks
// the leader, at the address the leader published, until the state holds
// them. It checks every interval and returns when ctx ends.
func Publish(ctx context.Context, node Node, f *fsm.FSM, self fsm.NodeInfo, adminToken string, interval time.Duration, log *slog.Logger) {
	client := &http.Client{Timeout: 2 * time.Second}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if got, ok := f.Node(self.ID); !ok || got != self {
			if err := publishOnce(ctx, client, node, f, self, adminToken); err != nil && ctx.Err() == nil {
				log.Debug("publishing node info", "node", self.ID, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func publishOnce(ctx context.Context, client *http.Client, node Node, f *fsm.FSM, self fsm.NodeInfo, token string) error {
	if node.IsLeader() {
		_, err := node.ProposeCommand(ctx, fsm.Command{Op: fsm.OpNodeInfo, Node: self})
		return err
	}
	leader, ok := f.Node(node.Status().LeaderID)
	if !ok || leader.HTTP == "" {
		return fmt.Errorf("the leader has not published its address yet")
	}
	body, err := json.Marshal(self)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+leader.HTTP+"/admin/nodeinfo", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("leader %s answered %s", leader.ID, resp.Status)
	}
	return nil
}
