package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	"tableraft/fsm"
)

// env reads TABLERAFT_<name>, the fallback of a flag.
func env(name, def string) string {
	if v, ok := os.LookupEnv("TABLERAFT_" + name); ok {
		return v
	}
	return def
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(env(name, "false"))
	return b
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(env(name, "")); err == nil {
		return n
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if f, err := strconv.ParseFloat(env(name, ""), 64); err == nil {
		return f
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(env(name, "")); err == nil {
		return d
	}
	return def
}

// joinCluster asks the cluster at url to add this node as a voter, and
// retries (following the leader's published address) until it is in.
func joinCluster(ctx context.Context, url, token, id, raftAddr string, self fsm.NodeInfo, log *slog.Logger) {
	body, _ := json.Marshal(map[string]string{"id": id, "addr": raftAddr, "http": self.HTTP, "tcp": self.TCP})
	client := &http.Client{Timeout: 10 * time.Second}
	for attempt := 1; ; attempt++ {
		err := postJoin(ctx, client, url, token, body)
		if err == nil {
			log.Info("joined the cluster", "via", url)
			return
		}
		log.Warn("join failed, retrying", "via", url, "attempt", attempt, "err", err)
		if leader := leaderURL(ctx, client, url); leader != "" {
			url = leader
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func postJoin(ctx context.Context, client *http.Client, url, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/admin/join", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

// leaderURL asks a member for the leader's published HTTP address.
func leaderURL(ctx context.Context, client *http.Client, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/status", nil)
	if err != nil {
		return ""
	}
	resp, err := client.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var s struct {
		LeaderHTTP string `json:"leaderHttp"`
	}
	if json.NewDecoder(resp.Body).Decode(&s) != nil || s.LeaderHTTP == "" {
		return ""
	}
	return "http://" + s.LeaderHTTP
}
