// Package web is the browser client every node serves: plain HTML, CSS
// and JavaScript embedded in the binary (no build step, no external fonts
// or scripts, since the machines are offline). The page speaks the same
// WebSocket protocol as every other client (docs/PROTOCOL.md) at /ws of
// the origin it was loaded from.
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var files embed.FS

// AssetPrefix is the path under which the page's scripts and styles are
// served; the page itself is at "/".
const AssetPrefix = "/web/"

// static is the embedded folder; it cannot fail, the folder is compiled
// in.
func static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	return sub
}

// Page serves the page (index.html). It is never cached, so that a node
// upgraded in place hands out its own client.
func Page() http.Handler {
	sub := static()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", csp)
		http.ServeFileFS(w, r, sub, "index.html")
	})
}

// Assets serves the scripts and styles under AssetPrefix.
func Assets() http.Handler {
	fsrv := http.StripPrefix(AssetPrefix, http.FileServerFS(static()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fsrv.ServeHTTP(w, r)
	})
}

// csp keeps the page to its own origin: scripts and styles from the node,
// the WebSocket to any node (a leader hint may name another one).
const csp = "default-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'"
