package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func serve() *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", Page())
	mux.Handle("GET "+AssetPrefix, Assets())
	return httptest.NewServer(mux)
}

func TestServesThePageAndItsAssets(t *testing.T) {
	srv := serve()
	defer srv.Close()
	tests := []struct {
		path, ctype, contains string
		status                int
	}{
		{"/", "text/html", `<script src="/web/app.js"`, 200},
		{"/web/app.js", "text/javascript", "hello", 200},
		{"/web/cards.js", "text/javascript", "cardSVG", 200},
		{"/web/style.css", "text/css", ".card", 200},
		{"/web/nothing.js", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tt.ctype)
			}
			if !strings.Contains(string(b), tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
		})
	}
}

// TestNothingLeavesTheOrigin: the machines are offline, so the page loads
// nothing from elsewhere (no CDN, no web fonts).
func TestNothingLeavesTheOrigin(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|@font-face|url\(`)
	err := fs.WalkDir(static(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static(), path)
		if err != nil {
			return err
		}
		for _, m := range external.FindAllString(string(b), -1) {
			if m == "http://www.w3.org" { // the SVG namespace is a name, not a fetch
				continue
			}
			t.Errorf("%s refers to %q", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
