package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser plays the web client in a real chromium, through a real
// haproxy in front of a real three-node cluster (--dev: guest logins):
//
//   - a Schafkopf table with three bots, one whole deal played by clicking
//     legal cards until the result shows; during it leadership is
//     transferred and the page resumes by itself, with every card;
//   - a Schnapsen table with a bot, deals until one in which the browser
//     player closed the talon (clicking the action);
//   - a Bauernschnapsen table with two bots and a second browser player
//     who joins from the lobby: one deal, and neither page ever shows a
//     card of the other's hand;
//   - a page loaded from a follower (no proxy) reaches the leader.
//
// Screenshots go to TABLERAFT_ARTIFACTS (default e2e/artifacts). No page
// may write an error to its console.
func TestBrowser(t *testing.T) {
	br := newBrowser(t)
	pc := newPlayerCluster(t, 3, "--trusted-proxies", "127.0.0.1")
	proxy := startHaproxy(t, pc)
	url := "http://" + proxy + "/"

	alice := br.newPage("alice")
	t.Cleanup(func() { checkConsole(t, alice) })
	login(t, alice, url)

	t.Run("schafkopf with a leadership transfer", func(t *testing.T) {
		defer alice.in(t)()
		createTable(t, alice, "schafkopf", 3)
		pl := &player{p: alice, prefer: []string{"noKnock", "pass", "kontra", "re"}, resultShot: "schafkopf-result"}
		transferred := false
		before := alice.view()
		playUntil(t, 3*time.Minute, "a Schafkopf deal with cards played", []*player{pl}, func() bool {
			if n := len(pl.results); n > 0 && pl.results[n-1].played > 0 {
				return true
			}
			if !transferred && pl.played == 2 {
				alice.screenshot("schafkopf-mid-deal")
				transferred = true
				transfer(t, pc)
				waitResumed(t, alice, before)
			}
			return false
		})
		if !transferred {
			t.Fatal("the deal ended before the transfer")
		}
		last := pl.results[len(pl.results)-1]
		t.Logf("Schafkopf result after %d cards clicked: %s", last.played, oneLine(last.text))
		t.Logf("Schafkopf actions clicked: %v", pl.clicked)
	})

	t.Run("schnapsen with the talon closed", func(t *testing.T) {
		defer alice.in(t)()
		leaveToLobby(t, alice)
		createTable(t, alice, "schnapsen", 1)
		pl := &player{p: alice, closeOnce: true, resultShot: "schnapsen-result"}
		var shot bool
		playUntil(t, 4*time.Minute, "a Schnapsen deal in which the talon was closed", []*player{pl}, func() bool {
			if pl.closed && !shot {
				alice.screenshot("schnapsen-closed")
				shot = true
				reloadKeepsHand(t, alice)
			}
			if n := len(pl.results); n > 0 && pl.results[n-1].closed {
				return true
			}
			if len(pl.results) > 8 {
				t.Fatalf("8 deals without a chance to close the talon")
			}
			return false
		})
		last := pl.results[len(pl.results)-1]
		t.Logf("Schnapsen: %d deals; the one closed ended: %s", len(pl.results), oneLine(last.text))
	})

	t.Run("bauernschnapsen with a second player", func(t *testing.T) {
		defer alice.in(t)()
		leaveToLobby(t, alice)
		createTable(t, alice, "bauernschnapsen", 2)
		table := strings.Fields(alice.view().Title)[3] // "Bauernschnapsen · table N · deal D"
		bob := br.newPage("bob")
		t.Cleanup(func() { checkConsole(t, bob) })
		defer bob.in(t)()
		login(t, bob, url)
		// The lobby redraws itself when the list comes: click until the
		// table view shows.
		join := fmt.Sprintf(`#tables li[data-table=%q] button[data-join]`, table)
		waitFor(t, 30*time.Second, "bob to join table "+table, func() bool {
			if bob.view().Screen == "table" {
				return true
			}
			bob.click("#refresh")
			bob.click(join)
			return false
		})

		prefer := []string{"cut", "callTrump", "noKnock", "pass"}
		a, b := &player{p: alice, prefer: prefer}, &player{p: bob, prefer: prefer, resultShot: "bauernschnapsen-result"}
		checks, phone := 0, false
		playUntil(t, 3*time.Minute, "a Bauernschnapsen deal seen by both players", []*player{a, b}, func() bool {
			checks += neverShown(t, bob, alice) + neverShown(t, alice, bob)
			if !phone && a.played+b.played >= 3 {
				phone = true
				phoneScreenshot(t, bob, "bauernschnapsen-phone")
				alice.screenshot("bauernschnapsen-mid-deal")
			}
			return len(a.results) > 0 && len(b.results) > 0
		})
		t.Logf("Bauernschnapsen: %s (%d privacy checks)", oneLine(a.results[0].text), checks)
		if checks == 0 {
			t.Error("the hands were never compared")
		}
	})

	t.Run("a page served by a follower finds the leader", func(t *testing.T) {
		leader := pc.waitLeader(10 * time.Second)
		var follower *node
		for _, nd := range pc.nodes {
			if nd != leader {
				follower = nd
				break
			}
		}
		carol := br.newPage("carol")
		defer carol.in(t)()
		t.Cleanup(func() { checkConsole(t, carol) })
		// Online means welcomed, and only the leader welcomes: the page
		// followed the follower's hint.
		login(t, carol, "http://"+follower.httpAddr+"/")
		t.Logf("the page loaded from the follower %s is %q (the leader was %s)", follower.id, carol.view().ConnText, leader.id)
	})
}

// login opens the page and signs in as a guest.
func login(t *testing.T, p *page, url string) {
	t.Helper()
	p.must("open "+url, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#guest")))
	p.screenshot(p.name + "-login")
	p.must("sign in as a guest", chromedp.Click(chromedp.CSS("#guest")), chromedp.WaitVisible(chromedp.CSS("#lobby")))
	waitFor(t, 20*time.Second, p.name+" online", func() bool { return p.view().Conn == "online" })
	p.screenshot(p.name + "-lobby")
}

// createTable creates a table from the lobby and waits for its view.
func createTable(t *testing.T, p *page, game string, bots int) {
	t.Helper()
	set := fmt.Sprintf(`(() => { const g = document.querySelector('#newGame'); g.value = %q; g.dispatchEvent(new Event('change'));
		document.querySelector('#newBots').value = '%d'; })()`, game, bots)
	p.must("create a "+game+" table", chromedp.Evaluate[chromedp.Void](set), chromedp.Click(chromedp.CSS("#create")),
		chromedp.WaitVisible(chromedp.CSS("#table")))
	waitFor(t, 20*time.Second, "the "+game+" table", func() bool {
		return strings.HasPrefix(strings.ToLower(p.view().Title), game)
	})
}

// leaveToLobby goes back to the lobby (the old table plays on with a bot
// when a deal runs).
func leaveToLobby(t *testing.T, p *page) {
	t.Helper()
	if p.view().Result {
		p.click("#resultClose")
	}
	p.must("back to the lobby", chromedp.Click(chromedp.CSS("#leave")), chromedp.WaitVisible(chromedp.CSS("#lobby")))
}

// transfer moves leadership to another node with tablectl.
func transfer(t *testing.T, pc *playerCluster) {
	t.Helper()
	old := pc.waitLeader(10 * time.Second)
	if out, err := pc.tablectl("transfer"); err != nil {
		t.Fatalf("tablectl transfer: %v\n%s", err, out)
	}
	t.Logf("leadership moved away from %s", old.id)
}

// waitResumed waits until the page is served by another node than before
// and checks that it lost no card: its hand holds the deal's 8 cards but
// one for each completed trick and one for its card in the open trick.
func waitResumed(t *testing.T, p *page, before view) {
	t.Helper()
	var v view
	waitFor(t, 30*time.Second, "the page to resume on the new leader", func() bool {
		v = p.view()
		return v.Conn == "online" && v.Welcomes > before.Welcomes && v.ConnText != before.ConnText
	})
	t.Logf("the page resumed: %q -> %q", before.ConnText, v.ConnText)
	if v.Outages <= before.Outages {
		t.Errorf("the page never showed that it was reconnecting")
	}
	want := 8 - v.TrickNo
	if v.MineOnTable {
		want--
	}
	if len(v.Hand) != want {
		t.Errorf("after resuming after %d tricks (own card on the table: %v): %d cards in hand %v, want %d", v.TrickNo, v.MineOnTable, len(v.Hand), v.Hand, want)
	}
}

// reloadKeepsHand reloads the page mid-deal: it signs in again with the
// token it kept and gets the table back as a tableState, with the same
// hand (after closing the talon nobody draws, and the page's player is
// to lead, so the hand cannot change meanwhile).
func reloadKeepsHand(t *testing.T, p *page) {
	t.Helper()
	before := p.view()
	p.must("reload", chromedp.Reload())
	var after view
	waitFor(t, 20*time.Second, "the table after a reload", func() bool {
		after = p.view()
		return after.Screen == "table" && after.Conn == "online" && len(after.Hand) > 0
	})
	if !slices.Equal(before.Hand, after.Hand) || before.Title != after.Title {
		t.Errorf("after a reload %s shows %v at %q, before it showed %v at %q", p.name, after.Hand, after.Title, before.Hand, before.Title)
	}
}

// neverShown checks that other's page shows none of the cards in mine's
// hand, comparing only when both pages have drawn the table up to the
// same event (each page gets the events at its own pace). It counts the
// comparisons made.
func neverShown(t *testing.T, mine, other *page) int {
	t.Helper()
	ov := other.view()
	mv := mine.view()
	if ov.Screen != "table" || mv.Screen != "table" || ov.Title != mv.Title || ov.Event != mv.Event {
		return 0
	}
	for _, c := range ov.Shown {
		if slices.Contains(mv.Hand, c) {
			t.Fatalf("%s's page shows %s, a card in %s's hand %v", other.name, c, mine.name, mv.Hand)
		}
	}
	return 1
}

// phoneScreenshot takes a screenshot at a phone's size and goes back.
func phoneScreenshot(t *testing.T, p *page, name string) {
	t.Helper()
	p.must("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), chromedp.Sleep(300*time.Millisecond))
	p.screenshot(name)
	p.must("desktop viewport", chromedp.EmulateViewport(1200, 900))
}

func checkConsole(t *testing.T, p *page) {
	for _, e := range p.consoleErrors() {
		t.Errorf("%s's console: %s", p.name, e)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
