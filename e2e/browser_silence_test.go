package e2e

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"tableraft/transport/web"
)

// TestBrowserReplacesASilentConnection: the page served by a stand-in for
// a node that welcomes the player and then says nothing more, not even
// pong (a node cut off behind a proxy that keeps the page's side open).
// The page must take the connection for dead and connect again, on its
// own. The page's ping period is shortened through sessionStorage
// ('tableraft.pingMs': 100 ms, so the silence bound is 300 ms).
func TestBrowserReplacesASilentConnection(t *testing.T) {
	br := newBrowser(t)
	var conns atomic.Int64
	up := websocket.Upgrader{}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", web.Page())
	mux.Handle("GET "+web.AssetPrefix, web.Assets())
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		if _, _, err := c.ReadMessage(); err != nil { // the hello
			return
		}
		if err := c.WriteMessage(websocket.TextMessage, []byte(`{"type":"welcome","player":"p1","node":"n1","seq":0}`)); err != nil {
			return
		}
		conns.Add(1)
		for { // read listTables and the pings, answer nothing
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := br.newPage("silence")
	p.must("open", chromedp.Navigate(srv.URL+"/"),
		chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem('tableraft.pingMs', '100'); sessionStorage.setItem('tableraft.token', 't')`),
		chromedp.Reload())
	waitFor(t, 20*time.Second, "the page welcomed", func() bool { return conns.Load() >= 1 })
	waitFor(t, 20*time.Second, "a second connection after the silence", func() bool { return conns.Load() >= 2 })
	waitFor(t, 20*time.Second, "the page online again", func() bool { return p.view().Conn == "online" })
	checkConsole(t, p)
}
