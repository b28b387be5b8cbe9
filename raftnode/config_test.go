package raftnode

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidation(t *testing.T) {
	base := func() Config {
		return Config{ID: "n1", DataDir: "/tmp/x", RaftAddr: "127.0.0.1:7001"}
	}
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string // "" = valid
	}{
		{"defaults are valid", func(*Config) {}, ""},
		{"ID is required", func(c *Config) { c.ID = "" }, "ID is required"},
		{"DataDir is required", func(c *Config) { c.DataDir = "" }, "DataDir is required"},
		{"an address is required", func(c *Config) { c.RaftAddr = "" }, "RaftAddr is required"},
		{"an unspecified bind needs an advertise address", func(c *Config) { c.RaftAddr = "0.0.0.0:7001" }, "not reachable"},
		{"an advertise address fixes it", func(c *Config) {
			c.RaftAddr, c.AdvertiseAddr = "0.0.0.0:7001", "10.0.0.1:7001"
		}, ""},
		{"port 0 cannot be advertised", func(c *Config) { c.RaftAddr = "127.0.0.1:0" }, "fixed port"},
		{"bootstrap must list this node", func(c *Config) {
			c.Bootstrap = []Peer{{"n2", "127.0.0.1:7002"}, {"n3", "127.0.0.1:7003"}}
		}, "do not include this node"},
		{"bootstrap peers are unique", func(c *Config) {
			c.Bootstrap = []Peer{{"n1", "127.0.0.1:7001"}, {"n1", "127.0.0.1:7002"}}
		}, "listed twice"},
		{"bootstrap peers need addresses", func(c *Config) {
			c.Bootstrap = []Peer{{"n1", "127.0.0.1:7001"}, {"n2", ""}}
		}, "needs an ID and an address"},
		{"lease must not exceed heartbeat", func(c *Config) {
			c.HeartbeatTimeout, c.LeaderLeaseTimeout = 200*time.Millisecond, 300*time.Millisecond
		}, "LeaderLeaseTimeout"},
		{"a stream layer replaces the address", func(c *Config) {
			c.RaftAddr, c.StreamLayer = "", &tcpLayer{}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			tt.change(&c)
			err := c.withDefaults().validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDefaultsFillOnlyZeroFields(t *testing.T) {
	c := Config{ID: "n1", RaftAddr: "127.0.0.1:7001", HeartbeatTimeout: time.Second}.withDefaults()
	if c.HeartbeatTimeout != time.Second {
		t.Errorf("HeartbeatTimeout = %v, want the given 1s", c.HeartbeatTimeout)
	}
	if c.ElectionTimeout != DefaultElectionTimeout || c.LeaderLeaseTimeout != DefaultLeaderLeaseTimeout ||
		c.TrailingLogs != DefaultTrailingLogs || c.ApplyTimeout != DefaultApplyTimeout {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.AdvertiseAddr != c.RaftAddr || c.Logger == nil {
		t.Errorf("AdvertiseAddr = %q, Logger = %v", c.AdvertiseAddr, c.Logger)
	}
}
