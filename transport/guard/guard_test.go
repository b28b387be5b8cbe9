package guard

import (
	"net/http/httptest"
	"testing"
)

func TestPerIP(t *testing.T) {
	p := NewPerIP(2)
	r1, ok1 := p.Acquire("10.0.0.1")
	_, ok2 := p.Acquire("10.0.0.1")
	_, ok3 := p.Acquire("10.0.0.1")
	_, other := p.Acquire("10.0.0.2")
	if !ok1 || !ok2 || ok3 || !other {
		t.Fatalf("acquire: %v %v %v %v; want true true false true", ok1, ok2, ok3, other)
	}
	r1()
	r1() // twice is once
	if n := p.Open("10.0.0.1"); n != 1 {
		t.Fatalf("open after one release: %d", n)
	}
	if _, ok := p.Acquire("10.0.0.1"); !ok {
		t.Fatal("refused after a release")
	}
}

func TestClientIP(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.10, 192.168.0.0/24")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, remote, xff, want string
	}{
		{"direct client", "203.0.113.5:4000", "", "203.0.113.5"},
		{"direct client lying in XFF", "203.0.113.5:4000", "1.2.3.4", "203.0.113.5"},
		{"through the proxy", "10.0.0.10:5000", "198.51.100.7", "198.51.100.7"},
		{"client prepends a lie", "10.0.0.10:5000", "1.2.3.4, 198.51.100.7", "198.51.100.7"},
		{"two trusted hops", "10.0.0.10:5000", "198.51.100.7, 192.168.0.3", "198.51.100.7"},
		{"proxy without XFF", "10.0.0.10:5000", "", "10.0.0.10"},
		{"garbled XFF", "10.0.0.10:5000", "nonsense", "10.0.0.10"},
	} {
		r := httptest.NewRequest("GET", "/ws", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := proxies.ClientIP(r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := ParseProxies("not-an-ip"); err == nil {
		t.Error("a bad proxy was accepted")
	}
}

func TestOrigins(t *testing.T) {
	same, _ := ParseOrigins("")
	listed, err := ParseOrigins("https://play.example.com")
	if err != nil {
		t.Fatal(err)
	}
	anyOrigin, _ := ParseOrigins("*")
	cluster := same.WithPeers(func() []string { return []string{"node2:8001", "node3:8001"} })
	for _, tc := range []struct {
		name   string
		o      *Origins
		host   string
		origin string
		want   bool
	}{
		{"no origin (not a browser)", same, "node:8001", "", true},
		{"same host", same, "node:8001", "http://node:8001", true},
		{"foreign page", same, "node:8001", "https://evil.example", false},
		{"listed", listed, "node:8001", "https://play.example.com", true},
		{"not listed", listed, "node:8001", "http://node:8001", false},
		{"anything", anyOrigin, "node:8001", "https://evil.example", true},
		{"garbage origin", same, "node:8001", "::::", false},
		{"a page another node served", cluster, "node:8001", "http://node3:8001", true},
		{"the same page, peers unknown", same, "node:8001", "http://node3:8001", false},
		{"foreign page, peers known", cluster, "node:8001", "https://evil.example", false},
		{"a peer's host on another port", cluster, "node:8001", "http://node3:9999", false},
	} {
		r := httptest.NewRequest("GET", "/ws", nil)
		r.Host = tc.host
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if got := tc.o.Check(r); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := ParseOrigins("play.example.com"); err == nil {
		t.Error("an origin without a scheme was accepted")
	}
}
