package ws

import (
	"net/http/httptest"
	"testing"

	"tableraft/transport/guard"
)

func TestCutOnDownOnlyFromATrustedProxyWithTheMark(t *testing.T) {
	proxies, err := guard.ParseProxies("10.0.0.21")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		peer    string
		mark    string
		proxies *guard.Proxies
		want    bool
	}{
		{"trusted proxy, marked", "10.0.0.21:5000", "1", proxies, true},
		{"trusted proxy, no mark (haproxy's fallback backend)", "10.0.0.21:5000", "", proxies, false},
		{"a client that writes the mark itself", "192.0.2.7:5000", "1", proxies, false},
		{"no trusted proxies", "10.0.0.21:5000", "1", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/ws", nil)
			r.RemoteAddr = tc.peer
			if tc.mark != "" {
				r.Header.Set(CutOnDownHeader, tc.mark)
			}
			if got := cutOnDown(tc.proxies, r); got != tc.want {
				t.Fatalf("cutOnDown = %v, want %v", got, tc.want)
			}
		})
	}
}
