package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium, installing it with apt-get when it
// is missing and we may (make test does the same); "" when neither works.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Geteuid() == 0 {
		t.Log("chromium is missing: installing it with apt-get")
		cmd := exec.Command("sh", "-c", "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("apt-get install chromium: %v\n%s", err, tail(out, 2048))
			return ""
		}
		if p, err := exec.LookPath("chromium"); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless chromium started by a test.
type browser struct {
	t   *testing.T
	ctx context.Context // the first tab's context: the browser lives as long as it
	dir string          // the artifacts folder
}

// newBrowser starts chromium headless, without a sandbox (tests run as
// root in a container) and without background networking (the machine is
// offline). It is stopped when the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath(t)
	if path == "" {
		t.Skip("chromium is not installed and could not be installed (make test installs it with apt-get)")
	}
	dir := os.Getenv("TABLERAFT_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, dir: dir}
}

// page is one player's tab, in a browser context of its own (its own
// storage: its own guest token). It collects the console errors and
// uncaught exceptions of the page.
type page struct {
	t    *testing.T
	b    *browser
	name string
	ctx  context.Context

	mu     sync.Mutex
	errors []string
}

func (b *browser) newPage(name string) *page {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	p := &page{t: b.t, b: b, name: name, ctx: ctx}
	msgs := chromedp.Console(ctx)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open tab %s: %v", name, err)
	}
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.mu.Lock()
				p.errors = append(p.errors, m.String())
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// in makes the page report its failures to t (a subtest) until the
// returned func restores the test it had.
func (p *page) in(t *testing.T) (restore func()) {
	old := p.t
	p.t = t
	return func() { p.t = old }
}

// consoleErrors is what the page has written to the console as an error
// so far.
func (p *page) consoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.errors)
}

// do runs actions with a bound in time.
func (p *page) do(within time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(p.ctx, within)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

func (p *page) must(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := p.do(20*time.Second, actions...); err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, what, err)
	}
}

// click clicks the first element matching a CSS selector, as a mouse
// does. It reports false when nothing matched within a short while (the
// view moved on: another trick, another prompt).
func (p *page) click(sel string) bool {
	return p.do(3*time.Second, chromedp.Click(chromedp.CSS(sel))) == nil
}

// screenshot writes the visible page to the artifacts folder.
func (p *page) screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(p.b.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s", path)
}

// view is what the page shows, read from the DOM alone.
type view struct {
	Screen      string   `json:"screen"` // login, lobby or table
	Conn        string   `json:"conn"`   // the connection badge's state
	ConnText    string   `json:"connText"`
	Welcomes    int      `json:"welcomes"`
	Outages     int      `json:"outages"` // times the page went from online to "reconnecting"
	Title       string   `json:"title"`
	Event       int64    `json:"event"` // the table's last event the page has drawn
	TrickNo     int      `json:"trickNo"`
	MineOnTable bool     `json:"mineOnTable"` // the page's player has a card in the open trick
	Hand        []string `json:"hand"`
	Legal       []string `json:"legal"`
	Actions     []string `json:"actions"` // data-cmd of each action button
	Result      bool     `json:"result"`
	ResultText  string   `json:"resultText"`
	Log         []string `json:"log"`
	// Shown lists every card drawn anywhere on the page except the
	// page's own hand and the cards the rules make public by name (the
	// Schnapsen trump card, a turned-up card).
	Shown []string `json:"shown"`
}

const readView = `(() => {
  const q = (s) => document.querySelector(s);
  const all = (s) => [...document.querySelectorAll(s)];
  const conn = q('#conn');
  if (!conn) return { screen: '', conn: '', hand: [], legal: [], actions: [], log: [], shown: [] }; // not our page (yet)
  return {
    screen: ['login', 'lobby', 'table'].find((id) => !q('#' + id).hidden) || '',
    conn: conn.dataset.state, connText: conn.textContent, welcomes: Number(conn.dataset.welcomes || 0), outages: Number(conn.dataset.outages || 0),
    title: q('#title').textContent, event: Number(q('#table').dataset.event || 0),
    trickNo: Number(q('#table').dataset.trickNo || 0), mineOnTable: !!q('#trick:not(.taken) .from-bottom'),
    hand: all('#hand .card').map((e) => e.dataset.card),
    legal: all('#hand .card.legal').map((e) => e.dataset.card),
    actions: all('#actions button').map((b) => b.dataset.cmd),
    result: !q('#result').hidden, resultText: q('#result').innerText,
    log: all('#log li').map((e) => e.textContent),
    shown: all('[data-card]:not([data-public])').filter((e) => !e.closest('#hand')).map((e) => e.dataset.card),
  };
})()`

func (p *page) view() view {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[view](readView))
	if err != nil {
		p.t.Fatalf("%s: read the page: %v", p.name, err)
	}
	return v
}

// player drives one page through deals the way a person would: it
// answers the prompts with the buttons it prefers and otherwise clicks
// the first legal card.
type player struct {
	p *page
	// prefer lists action buttons (data-cmd) to click, in order, before
	// playing a card; a button missing from the page is skipped.
	prefer []string
	// closeOnce clicks "close the talon" once a deal when offered.
	closeOnce bool
	// resultShot, when set, names the screenshot taken of each result
	// before it is dismissed.
	resultShot string

	closed  bool     // closed the talon in this deal
	clicked []string // the action buttons clicked, in order
	played  int      // cards clicked in this deal
	results []dealOutcome
}

// dealOutcome is what the player saw of one deal.
type dealOutcome struct {
	played int
	closed bool
	text   string
}

// step looks at the page once and does at most one thing. It reports a
// finished deal (the result shown) with true.
func (pl *player) step() bool {
	v := pl.p.view()
	if v.Result {
		pl.results = append(pl.results, dealOutcome{played: pl.played, closed: pl.closed, text: v.ResultText})
		pl.played, pl.closed = 0, false
		if pl.resultShot != "" {
			pl.p.screenshot(pl.resultShot)
		}
		pl.p.click("#resultClose")
		return true
	}
	if v.Screen != "table" || v.Conn != "online" {
		return false
	}
	if pl.closeOnce && !pl.closed && slices.Contains(v.Actions, "closeTalon") {
		if pl.p.click(`#actions button[data-cmd="closeTalon"]`) {
			pl.closed = true
		}
		return false
	}
	for _, cmd := range pl.prefer {
		if slices.Contains(v.Actions, cmd) {
			if pl.p.click(fmt.Sprintf(`#actions button[data-cmd=%q]`, cmd)) {
				pl.clicked = append(pl.clicked, cmd)
			}
			return false
		}
	}
	if len(v.Legal) > 0 && pl.p.click(fmt.Sprintf(`#hand .card.legal[data-card=%q]`, v.Legal[0])) {
		pl.played++
	}
	return false
}

// playUntil steps the players in turn, a few times a second, until done
// says so, within a bound of steps and time.
func playUntil(t *testing.T, within time.Duration, what string, players []*player, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for i := 0; !done(); i++ {
		if i > 20000 || time.Now().After(deadline) {
			for _, pl := range players {
				pl.p.screenshot("stuck-" + pl.p.name)
				t.Logf("%s sees %+v", pl.p.name, pl.p.view())
			}
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		for _, pl := range players {
			pl.step()
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// TestBrowserCatchesConsoleErrors guards the guard: a page that writes an
// error, throws, and fails to load a resource shows up in consoleErrors.
func TestBrowserCatchesConsoleErrors(t *testing.T) {
	br := newBrowser(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<!doctype html><link rel="icon" href="data:,"><script>console.error("boom"); fetch("/missing"); setTimeout(() => { throw new Error("thrown") }, 0);</script>`)
	}))
	defer srv.Close()
	p := br.newPage("guard")
	p.must("open", chromedp.Navigate(srv.URL))
	want := []string{"boom", "thrown", "404"}
	waitFor(t, 10*time.Second, "three console errors", func() bool { return len(p.consoleErrors()) >= len(want) })
	all := strings.Join(p.consoleErrors(), "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("console errors %q lack %q", all, w)
		}
	}
}
