package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tableraft/fsm"
	"tableraft/raftnode"
	"tableraft/transport/adminapi"
)

// TestStatusListsEachNodeOnce: nodes given by their operator addresses
// publish other (HTTP) addresses; status follows published addresses only
// for nodes that have not answered yet.
func TestStatusListsEachNodeOnce(t *testing.T) {
	var nodes []fsm.NodeInfo
	status := map[string]*adminapi.Status{}
	// Each node answers on two servers: its admin address and its HTTP one.
	var admin []string
	for _, id := range []string{"n1", "n2", "n3"} {
		st := &adminapi.Status{Status: raftnode.Status{ID: id, State: "follower"}}
		status[id] = st
		serve := func() string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = json.NewEncoder(w).Encode(st)
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}
		admin = append(admin, serve())
		nodes = append(nodes, fsm.NodeInfo{ID: id, HTTP: strings.TrimPrefix(serve(), "http://")})
	}
	status["n1"].State = "leader"
	for _, st := range status {
		st.Nodes = nodes
	}
	cases := []struct {
		name  string
		given []string
		want  []string // the addresses asked, in order
	}{
		{"all admin addresses", admin, admin},
		{"one admin address finds the others by their HTTP address", admin[:1], []string{admin[0], "http://" + nodes[1].HTTP, "http://" + nodes[2].HTTP}},
		{"an address given twice", []string{admin[0], admin[0], admin[1], admin[2]}, admin},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows := collectStatus(context.Background(), &adminapi.Client{HTTP: http.DefaultClient}, tc.given)
			var got []string
			for _, r := range rows {
				if r.Error != "" {
					t.Fatalf("%s: %s", r.Addr, r.Error)
				}
				got = append(got, r.Addr)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("asked %v, want %v", got, tc.want)
			}
		})
	}
}
