package adminapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"tableraft/raftnode"
)

// Client calls a node's API: what tablectl uses.
type Client struct {
	// Token is the operator token for /admin calls.
	Token string
	HTTP  *http.Client
}

// APIError is an error answer of the API: its HTTP status and code.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("%s (%d %s)", e.Message, e.Status, e.Code) }

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 15 * time.Second}
}

// Status fetches GET /status of the node at base ("http://host:port").
func (c *Client) Status(ctx context.Context, base string) (Status, error) {
	var s Status
	err := c.call(ctx, http.MethodGet, base+"/status", nil, &s)
	return s, err
}

// Serving reports whether the node at base leads and serves players (GET
// /health/leader answers 200 as the leader; 503, or 200 from a node that
// is only taking over, is false without an error), and the node's id when
// it does. It is the cheap question to poll: /status hashes the whole
// state.
func (c *Client) Serving(ctx context.Context, base string) (string, bool, error) {
	h, err := c.Health(ctx, base)
	return h.ID, err == nil && h.Status == HealthLeader, err
}

// Health is the answer of GET /health/leader.
type Health struct {
	Status string `json:"status"` // HealthLeader, HealthTakingOver, ...
	ID     string `json:"id"`
}

// Health asks the node at base GET /health/leader; a 503 answer is a
// Health without an error.
func (c *Client) Health(ctx context.Context, base string) (Health, error) {
	var h Health
	err := c.getHealth(ctx, base+"/health/leader", &h)
	if errors.Is(err, errProxyPage) {
		return Health{Status: HealthNotLeader}, nil // a proxy's own page: nobody to route to
	}
	return h, err
}

// Ready asks the node at base GET /health/ready; a 503 answer (catching
// up, no leader) is a Readiness without an error.
func (c *Client) Ready(ctx context.Context, base string) (Readiness, error) {
	var r Readiness
	err := c.getHealth(ctx, base+"/health/ready", &r)
	return r, err
}

// errProxyPage is a 503 whose body is not a node's JSON.
var errProxyPage = errors.New("503 without a node's answer")

// getHealth GETs a health URL, whose 200 and 503 answers both carry JSON
// for out.
func (c *Client) getHealth(ctx context.Context, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable {
		return &APIError{Status: resp.StatusCode, Message: "GET " + url}
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(out)
	switch {
	case err != nil && resp.StatusCode == http.StatusServiceUnavailable:
		return errProxyPage
	case err != nil:
		return fmt.Errorf("decode %s: %w", url, err)
	}
	return nil
}

// Transfer asks the leader at base to hand leadership to to ("" = any).
func (c *Client) Transfer(ctx context.Context, base, to string) error {
	return c.call(ctx, http.MethodPost, base+"/admin/transfer", map[string]string{"to": to}, nil)
}

// Takeover tells the node at base that a planned transfer will make it the
// leader: it holds players' hellos for up to hold until it serves them;
// hold 0 calls the takeover off.
func (c *Client) Takeover(ctx context.Context, base string, hold time.Duration) error {
	return c.call(ctx, http.MethodPost, base+"/admin/takeover", map[string]int64{"holdMs": hold.Milliseconds()}, nil)
}

// rankTimeout bounds RankTargets' question to one node.
const rankTimeout = time.Second

// Target is a voter that could lead next, at the base URL it answered on.
type Target struct {
	ID      string
	Base    string
	Applied uint64 // the last index Raft applied on it
}

// RankTargets asks each of bases how far it has applied the log (GET
// /health/ready: cheap, unlike /status) and returns the voters
// among servers (the leader's view of the membership) other than
// leaderID, those that have applied the most first: a node that has just
// restarted and still replays its log would lead, but serve nobody until
// its replay ends. Nodes that do not answer within rankTimeout are left
// out: one cut off by a partition must not use up the caller's deadline.
func (c *Client) RankTargets(ctx context.Context, bases []string, servers []raftnode.Server, leaderID string) []Target {
	voter := map[string]bool{}
	for _, s := range servers {
		voter[s.ID] = s.Suffrage == "voter"
	}
	seen := map[string]bool{}
	var out []Target
	for _, base := range bases {
		askCtx, cancel := context.WithTimeout(ctx, rankTimeout)
		r, err := c.Ready(askCtx, base)
		cancel()
		if err != nil || r.ID == leaderID || !voter[r.ID] || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		out = append(out, Target{ID: r.ID, Base: base, Applied: r.Applied})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Applied > out[j].Applied })
	return out
}

// Join asks the leader at base to add a voter.
func (c *Client) Join(ctx context.Context, base, id, raftAddr, httpAddr string) error {
	return c.call(ctx, http.MethodPost, base+"/admin/join", map[string]string{"id": id, "addr": raftAddr, "http": httpAddr}, nil)
}

// Remove asks the leader at base to remove a member.
func (c *Client) Remove(ctx context.Context, base, id string) error {
	return c.call(ctx, http.MethodPost, base+"/admin/remove", map[string]string{"id": id}, nil)
}

// FindLeader asks the nodes at bases which node leads and returns the
// leader's base URL: one of bases when the leader is among them (so that
// operators who name the nodes' admin addresses, --admin-addr, stay on
// them), else the HTTP address the leader published.
func (c *Client) FindLeader(ctx context.Context, bases []string) (string, Status, error) {
	// First the cheap question, then the status of the one node that
	// serves: /status hashes the whole state, on a busy node a few ms of
	// CPU each.
	for _, base := range bases {
		if _, serving, err := c.Serving(ctx, base); err == nil && serving {
			if s, err := c.Status(ctx, base); err == nil && s.State == "leader" {
				return base, s, nil
			}
		}
	}
	var lastErr error
	var followers []Status
	for _, base := range bases {
		s, err := c.Status(ctx, base)
		if err != nil {
			lastErr = err
			continue
		}
		if s.State == "leader" {
			return base, s, nil
		}
		followers = append(followers, s)
	}
	for _, s := range followers {
		if s.LeaderHTTP != "" {
			leader := "http://" + s.LeaderHTTP
			if ls, err := c.Status(ctx, leader); err == nil && ls.State == "leader" {
				return leader, ls, nil
			}
		}
	}
	if lastErr != nil {
		return "", Status{}, fmt.Errorf("no leader found: %w", lastErr)
	}
	return "", Status{}, fmt.Errorf("no leader found among %s", strings.Join(bases, ", "))
}

func (c *Client) call(ctx context.Context, method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Code, Message string }
		_ = json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(&e)
		return &APIError{Status: resp.StatusCode, Code: e.Code, Message: e.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(out); err != nil {
		return fmt.Errorf("decode %s: %w", url, err)
	}
	return nil
}
