package adminapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tableraft/fsm"
)

// FuzzAdminBodies sends arbitrary bodies, with the right token, to every
// admin and dev call that reads JSON: whatever arrives, the API answers
// with a JSON object and a status it documents, never panics, and a
// refused body changes nothing.
func FuzzAdminBodies(f *testing.F) {
	paths := []string{"/admin/transfer", "/admin/join", "/admin/remove", "/admin/nodeinfo", "/dev/tables", "/dev/leave"}
	seeds := []string{
		``, `{}`, `{"to":"n2"}`, `{"id":"n4","addr":"127.0.0.1:7004","http":"127.0.0.1:8004","tcp":"127.0.0.1:9004"}`,
		`{"id":"n3"}`, `{"id":"n2","http":"h:1","tcp":"t:1"}`,
		`{"player":"p","game":"schafkopf","bots":3,"count":2,"options":{"turnTimeoutMs":500}}`,
		`{"seats":[{"table":1,"player":"p-0"}]}`, `{"id":1}`, `[`, `{"id":"n4","addr":"x","extra":1}`,
		`{"count":100000,"player":"p"}`, "\x00\xff", `{"id":"` + strings.Repeat("a", 70000) + `"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := paths[int(which)%len(paths)]
		node := &fakeNode{leader: true}
		state := fsm.New(nil)
		before := state.StateHash()
		h := Handler(Config{Node: node, FSM: state, AdminToken: token, Dev: true})
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%s %q: status %d", path, body, rec.Code)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %q: the answer is not a JSON object: %q", path, body, rec.Body.String())
		}
		if rec.Code != http.StatusOK {
			if code, _ := out["code"].(string); code == "" {
				t.Fatalf("%s %q: refused without a code: %v", path, body, out)
			}
			if node.joined != "" || node.removed != "" || state.StateHash() != before {
				t.Fatalf("%s %q: a refused call changed something", path, body)
			}
		}
		// The fake node applies nothing: the replicated state never moves.
		if state.StateHash() != before {
			t.Fatalf("%s: the state changed", path)
		}
	})
}
