package game

import (
	"reflect"
	"strings"
	"testing"
)

// The deals the Schafkopf tests drive, per seat; the first half of each hand
// comes in packet 1. With dealer 3, seat 0 is forehand.
var (
	// skHandsSauspiel: seat 0 calls AE (holds 7E), seat 1 holds AE.
	skHandsSauspiel = [4]string{
		"OE OG OH OS UE UG 7E 7G",
		"AE XE KE 9E UH 8H 7H 9G",
		"AH XH 8E 8G AS XS KS 9S",
		"US KH 9H AG XG KG 8S 7S",
	}
	// skPlaySauspiel is a whole deal on skHandsSauspiel: the ace falls in
	// trick 4 when seat 0 searches it.
	skPlaySauspiel = "OE 7H XH 9H | OG 8H AH KH | OH UH 8E US | 7E AE 9S 7S | " +
		"XE 8G 8S OS | UE 9G AS KG | UG KE XS XG | 7G 9E KS AG"

	// skHandsWenz: seat 0 holds all four Unters and the top Eichel.
	skHandsWenz = [4]string{
		"UE UG UH US AE XE KE OE",
		"9E AG XG KG OG 9G 8G 7G",
		"8E AH XH KH OH 9H 8H 7H",
		"7E AS XS KS OS 9S 8S 7S",
	}

	// skHandsSolo: seat 2 plays a Gras-Solo that ends 60:60 with
	// skPlaySolo.
	skHandsSolo = [4]string{
		"AE UH KG 8G XH XS AG 8E",
		"XE OS 7G KS KH 7S 9E 7E",
		"OE OG UE UG 9H 8H 9S 8S",
		"KE US XG 9G AH AS OH 7H",
	}
	skPlaySolo = "AE XE OE KE | OG US UH OS | UE XG KG 7G | UG 9G 8G KS | " +
		"9H AH XH KH | AS XS 7S 9S | OH AG 9E 8S | 7H 8E 7E 8H"

	// skHandsNoDiscard: seat 0 calls AG, seat 3 holds it and keeps it to
	// the last trick, which skPlayNoDiscard makes a trump trick.
	skHandsNoDiscard = [4]string{
		"OE OG OH OS UG UH US 7G",
		"UE AH XH KH 9H 8H AE XE",
		"KE AS XS KS XG KG 9G 8G",
		"AG 9E 8E 7E 9S 8S 7S 7H",
	}
	skPlayNoDiscard = "OE 8H 8G 7H | OG 9H 9G 9S | OH KH KG 8S | OS XH XG 7S | " +
		"US UE KS 9E | AE KE 8E 7G | XE XS 7E UG | UH AH AS AG"

	// skHandsRunAway: seat 1 calls AG; seat 0 holds four Gras with it.
	skHandsRunAway = [4]string{
		"AG XG KG 9G OE OG 7E 7S",
		"7G 8G OH OS UE UG AH XH",
		"AE XE KE 9E 8E AS XS KS",
		"UH US KH 9H 8H 7H 9S 8S",
	}
	// skHandsNoRunAway: as skHandsRunAway, but seat 0 has only three Gras.
	skHandsNoRunAway = [4]string{
		"AG XG KG OE OG 7E 7S 8S",
		"9G 8G 7G OH OS UE UG AH",
		"AE XE KE 9E 8E AS XS KS",
		"XH UH US KH 9H 8H 7H 9S",
	}

	// skHandsShort (short deck): seat 1 calls AG; seat 0 holds three Gras
	// with it, enough to run away with 24 cards.
	skHandsShort = [4]string{
		"AG XG 9G OE OG OH",
		"KG OS UE UG AH XH",
		"AE XE KE 9E AS XS",
		"KS 9S UH US KH 9H",
	}
)

func skSauspiel(t *testing.T, ace string) Announce {
	return Announce{Game: Sauspiel, Ace: skCard(t, ace)}
}

// skToNegotiation deals hands at a new table (dealer 3) and closes the
// knock window with the given knockers.
func skToNegotiation(t *testing.T, o Options, hands [4]string, knockers ...int) *skTable {
	t.Helper()
	s := skNew(t, o, 3)
	s.start(hands)
	s.knock(knockers...)
	return s
}

// skToPlay deals hands and plays the announcement round up to the first
// card.
func skToPlay(t *testing.T, o Options, hands [4]string, calls ...Command) *skTable {
	t.Helper()
	s := skToNegotiation(t, o, hands)
	s.announce(calls...)
	return s
}

func TestSchafkopfCardsAndPoints(t *testing.T) {
	tests := []struct {
		name  string
		short bool
		size  int
		ranks string
	}{
		{"long deck: 32 cards A X K O U 9 8 7, 120 points", false, 32, "AXKOU987"},
		{"short deck: 24 cards A X K O U 9, 120 points", true, 24, "AXKOU9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deck := SchafkopfDeck(tt.short)
			points := 0
			for _, c := range deck {
				points += c.Points()
				code := SchafkopfNotation.Format(c)
				if back, err := SchafkopfNotation.Parse(code); err != nil || back != c || !strings.Contains(tt.ranks, code[:1]) {
					t.Fatalf("card %v formats as %q", c, code)
				}
			}
			if len(deck) != tt.size || points != 120 {
				t.Fatalf("%d cards, %d points", len(deck), points)
			}
		})
	}
	for code, points := range map[string]int{"AE": 11, "XH": 10, "KG": 4, "OS": 3, "UE": 2, "9H": 0, "8G": 0, "7S": 0} {
		if got := skCard(t, code).Points(); got != points {
			t.Errorf("%s is worth %d, want %d", code, got, points)
		}
	}
}

func TestSchafkopfStagesFollowTheSeed(t *testing.T) {
	tests := []struct {
		name   string
		o      Options
		packet int
		tricks int
	}{
		{"long deck deals 4+4 and plays 8 tricks", Options{}, 4, 8},
		{"short deck deals 3+3 and plays 6 tricks", Options{ShortDeck: true}, 3, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := []Stage{
				DealCards{N: tt.packet},
				schafkopfKnocking{WindowMs: 5000},
				DealCards{N: tt.packet},
				schafkopfNegotiation{},
				schafkopfPlay{Contra: true},
			}
			for i := 1; i < tt.tricks; i++ {
				want = append(want, schafkopfPlay{})
			}
			want = append(want, schafkopfSettlement{})
			if got := (schafkopfRules{}).stages(tt.o); !reflect.DeepEqual(got, want) {
				t.Fatalf("stages = %#v\nwant %#v", got, want)
			}
		})
	}
}

func TestSchafkopfDealsTwoPacketsFromForehand(t *testing.T) {
	tests := []struct {
		name   string
		o      Options
		hands  [4]string
		dealer int
	}{
		{"long deck, dealer 3", Options{}, skHandsSauspiel, 3},
		{"long deck, dealer 1", Options{}, skHandsSolo, 1},
		{"short deck, dealer 2", Options{ShortDeck: true}, skHandsShort, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := skNew(t, tt.o, tt.dealer)
			packet := 4
			if tt.o.ShortDeck {
				packet = 3
			}
			ev := s.start(tt.hands)
			forehand := (tt.dealer + 1) % 4
			dealt := skOf[CardsDealt](ev)
			if len(dealt) != 4 {
				t.Fatalf("packet 1: %d cardsDealt, want 4", len(dealt))
			}
			for i, e := range dealt {
				want := skCards(t, tt.hands[(forehand+i)%4])[:packet]
				if e.Seat != (forehand+i)%4 || e.Count != packet || !reflect.DeepEqual(e.Cards, want) {
					t.Fatalf("packet 1 #%d = %+v, want seat %d cards %v", i, e, (forehand+i)%4, want)
				}
			}
			if got := s.tbl.StageName(); got != "knocking" {
				t.Fatalf("after packet 1 the stage is %s, want knocking", got)
			}
			ev = s.knock()
			dealt = skOf[CardsDealt](ev)
			for i, e := range dealt {
				want := skCards(t, tt.hands[(forehand+i)%4])[packet:]
				if e.Seat != (forehand+i)%4 || !reflect.DeepEqual(e.Cards, want) {
					t.Fatalf("packet 2 #%d = %+v, want %v", i, e, want)
				}
			}
			for seat := 0; seat < 4; seat++ {
				if got := s.hand(seat); !reflect.DeepEqual(got, skCards(t, tt.hands[seat])) {
					t.Fatalf("seat %d holds %v, want %s", seat, got, tt.hands[seat])
				}
			}
			if ann := skOf[MustAnnounce](ev); len(ann) != 1 || ann[0].Seat != forehand {
				t.Fatalf("first to announce: %+v, want forehand %d", ann, forehand)
			}
		})
	}
}

func TestSchafkopfKnockWindow(t *testing.T) {
	t.Run("opens for 5000 ms for all seats at once", func(t *testing.T) {
		s := skNew(t, Options{}, 3)
		ev := s.start(skHandsSauspiel)
		mk := skOf[MustKnock](ev)
		if len(mk) != 1 || mk[0].Deadline != s.now+5000 {
			t.Fatalf("mustKnock = %+v, want deadline %d", mk, s.now+5000)
		}
		if p := s.tbl.Prompt(); p.Turn != -1 || p.Deadline != s.now+5000 {
			t.Fatalf("prompt = %+v", p)
		}
		for seat := 0; seat < 4; seat++ {
			if got := s.tbl.Legal(seat); !reflect.DeepEqual(got, []Command{Knock{}, NoKnock{}}) {
				t.Fatalf("legal(%d) = %v", seat, got)
			}
		}
	})
	t.Run("closes when all four answered", func(t *testing.T) {
		s := skNew(t, Options{}, 3)
		s.start(skHandsSauspiel)
		for seat := 0; seat < 3; seat++ {
			s.do(seat, NoKnock{})
			if s.tbl.StageName() != "knocking" {
				t.Fatalf("window closed after %d answers", seat+1)
			}
		}
		ev := s.do(3, Knock{})
		if len(skOf[Knocked](ev)) != 1 || len(skOf[CardsDealt](ev)) != 4 || len(skOf[MustAnnounce](ev)) != 1 {
			t.Fatalf("last answer gave %v", ev)
		}
		if s.tbl.StageName() != "negotiation" {
			t.Fatalf("stage %s, want negotiation", s.tbl.StageName())
		}
	})
	t.Run("closes on its timeout", func(t *testing.T) {
		s := skNew(t, Options{}, 3)
		s.start(skHandsSauspiel)
		s.do(2, Knock{})
		ev := s.timeout()
		if len(skOf[CardsDealt](ev)) != 4 || s.tbl.StageName() != "negotiation" {
			t.Fatalf("timeout gave %v, stage %s", ev, s.tbl.StageName())
		}
		if got := s.tbl.View(0).Schafkopf.Knocks; !reflect.DeepEqual(got, []int{2}) {
			t.Fatalf("knocks = %v, want [2]", got)
		}
	})
	t.Run("a stale timeout changes nothing", func(t *testing.T) {
		s := skNew(t, Options{}, 3)
		s.start(skHandsSauspiel)
		old := s.tbl.Prompt().Serial
		s.knock()
		before := skEncode(t, s.tbl)
		ev, err := s.tbl.Handle(Action{Seat: SystemSeat, Cmd: Timeout{Serial: old}, Now: s.now + 5000})
		if err != nil || ev != nil {
			t.Fatalf("stale timeout: %v, %v", ev, err)
		}
		if after := skEncode(t, s.tbl); string(before) != string(after) {
			t.Fatal("stale timeout changed the table")
		}
	})
	t.Run("every seat may knock, each knock is announced to all", func(t *testing.T) {
		s := skNew(t, Options{}, 3)
		s.start(skHandsSauspiel)
		ev := s.knock(0, 1, 2, 3)
		if k := skOf[Knocked](ev); len(k) != 4 {
			t.Fatalf("knocked events = %v", k)
		}
		if got := s.tbl.View(-1).Schafkopf.Knocks; !reflect.DeepEqual(got, []int{0, 1, 2, 3}) {
			t.Fatalf("observer sees knocks %v", got)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		s := skNew(t, Options{}, 3)
		s.start(skHandsSauspiel)
		s.do(1, Knock{})
		s.do(2, NoKnock{})
		s.refused(1, Knock{}, ErrAlreadyActed)
		s.refused(1, NoKnock{}, ErrAlreadyActed)
		s.refused(2, Knock{}, ErrAlreadyActed)
		s.refused(0, PlayCard{Card: skCard(t, "OE")}, ErrWrongStage)
		s.refused(0, skSauspiel(t, "AE"), ErrWrongStage)
		s.refused(0, Pass{}, ErrWrongStage)
		s.refused(3, Kontra{}, ErrWrongStage)
		s.refused(4, Knock{}, ErrNotSeated)
		s.refused(SystemSeat, StartDeal{}, ErrAlreadyPlaying)
		if got := s.tbl.Legal(1); got != nil {
			t.Fatalf("legal after answering = %v", got)
		}
	})
}

func TestSchafkopfNegotiation(t *testing.T) {
	t.Run("a strictly higher class outranks, an equal class does not", func(t *testing.T) {
		s := skToNegotiation(t, Options{}, skHandsSauspiel)
		s.do(0, skSauspiel(t, "AE"))
		s.refused(1, skSauspiel(t, "AG"), ErrAnnouncementTooLow)
		s.do(1, Announce{Game: Wenz})
		s.refused(2, Announce{Game: Wenz}, ErrAnnouncementTooLow)
		s.refused(2, skSauspiel(t, "AG"), ErrAnnouncementTooLow)
		s.do(2, Announce{Game: Solo, Suit: Diamonds})
		s.refused(3, Announce{Game: Solo, Suit: Clubs}, ErrAnnouncementTooLow)
		ev := s.do(3, Pass{})
		if len(skOf[Passed](ev)) != 1 || s.tbl.StageName() != "play" {
			t.Fatalf("pass gave %v, stage %s", ev, s.tbl.StageName())
		}
		sk := s.sk()
		if sk.Game != Solo || sk.Declarer != 2 || sk.Suit != Diamonds || sk.Partner != -1 {
			t.Fatalf("contract %+v, want seat 2 Schellen-Solo", sk)
		}
		v := s.tbl.View(-1).Schafkopf
		want := []SchafkopfCall{
			{Seat: 0, Game: Sauspiel, Ace: skCard(t, "AE")},
			{Seat: 1, Game: Wenz},
			{Seat: 2, Game: Solo, Suit: Diamonds},
			{Seat: 3},
		}
		if !reflect.DeepEqual(v.Calls, want) {
			t.Fatalf("calls = %+v\nwant %+v", v.Calls, want)
		}
	})
	t.Run("one round: each seat speaks once, clockwise from forehand", func(t *testing.T) {
		s := skNew(t, Options{}, 1) // forehand 2
		s.start([4]string{skHandsSauspiel[2], skHandsSauspiel[3], skHandsSauspiel[0], skHandsSauspiel[1]})
		s.knock()
		for _, seat := range []int{2, 3, 0} {
			if turn := s.tbl.Prompt().Turn; turn != seat {
				t.Fatalf("turn %d, want %d", turn, seat)
			}
			s.refused((seat+1)%4, Pass{}, ErrNotYourTurn)
			s.do(seat, Pass{})
		}
		s.do(1, Announce{Game: Wenz})
		if s.tbl.StageName() != "play" || s.sk().Declarer != 1 {
			t.Fatalf("stage %s declarer %d", s.tbl.StageName(), s.sk().Declarer)
		}
	})
	t.Run("prompt: options only reach the seat to speak", func(t *testing.T) {
		s := skNew(t, Options{TurnTimeoutMs: 7000}, 3)
		s.start(skHandsSauspiel)
		ev := s.knock()
		ma := skOf[MustAnnounce](ev)[0]
		if ma.Seat != 0 || ma.Deadline != s.now+7000 {
			t.Fatalf("mustAnnounce = %+v", ma)
		}
		// Seat 0 holds 7E and 7G but neither ace; Schellen it lacks.
		want := []Announce{skSauspiel(t, "AE"), skSauspiel(t, "AG"), {Game: Wenz},
			{Game: Solo, Suit: Clubs}, {Game: Solo, Suit: Spades}, {Game: Solo, Suit: Hearts}, {Game: Solo, Suit: Diamonds}}
		if !reflect.DeepEqual(ma.Options, want) {
			t.Fatalf("options = %+v\nwant %+v", ma.Options, want)
		}
		if other := VisibleTo(ma, 1).(MustAnnounce); other.Options != nil || other.Seat != 0 {
			t.Fatalf("seat 1 sees %+v", other)
		}
		legal := s.tbl.Legal(0)
		if len(legal) != len(want)+1 || legal[0] != (Pass{}) {
			t.Fatalf("legal = %v", legal)
		}
		if s.tbl.Legal(1) != nil {
			t.Fatal("a seat not to speak has legal commands")
		}
		ev = s.do(0, Announce{Game: Wenz})
		ma = skOf[MustAnnounce](ev)[0]
		want = []Announce{{Game: Solo, Suit: Clubs}, {Game: Solo, Suit: Spades}, {Game: Solo, Suit: Hearts}, {Game: Solo, Suit: Diamonds}}
		if ma.Seat != 1 || !reflect.DeepEqual(ma.Options, want) {
			t.Fatalf("after a Wenz: %+v", ma)
		}
	})
	t.Run("after a Solo only passes remain", func(t *testing.T) {
		s := skToNegotiation(t, Options{}, skHandsSauspiel)
		ev := s.do(0, Announce{Game: Solo, Suit: Hearts})
		if ma := skOf[MustAnnounce](ev); len(ma) != 1 || ma[0].Seat != 1 || len(ma[0].Options) != 0 {
			t.Fatalf("mustAnnounce = %+v", ma)
		}
		if got := s.tbl.Legal(1); !reflect.DeepEqual(got, []Command{Pass{}}) {
			t.Fatalf("legal = %v", got)
		}
	})
	t.Run("a timeout only passes the deadline", func(t *testing.T) {
		s := skToNegotiation(t, Options{}, skHandsSauspiel)
		before := skEncode(t, s.tbl)
		if ev := s.timeout(); ev != nil {
			t.Fatalf("timeout gave %v", ev)
		}
		if string(before) != string(skEncode(t, s.tbl)) {
			t.Fatal("timeout changed the table")
		}
	})
}

func TestSchafkopfBadAnnouncement(t *testing.T) {
	// Seat 0 holds OE OG OH OS UE UG 7E 7G: no ace, no Schellen.
	tests := []struct {
		name string
		cmd  Announce
	}{
		{"a held ace cannot be called", Announce{Game: Sauspiel, Ace: Card{Rank: Ace, Suit: Clubs}}},
		{"a suit without a card cannot be called", Announce{Game: Sauspiel, Ace: Card{Rank: Ace, Suit: Diamonds}}},
		{"AH is a trump and never called", Announce{Game: Sauspiel, Ace: Card{Rank: Ace, Suit: Hearts}}},
		{"only an ace can be called", Announce{Game: Sauspiel, Ace: Card{Rank: King, Suit: Spades}}},
		{"a sauspiel needs an ace", Announce{Game: Sauspiel}},
		{"unknown games are refused", Announce{Game: "skat"}},
		{"DECIDED 4: no Bettel", Announce{Game: Bettel}},
		{"DECIDED 4: no Geier", Announce{Game: "geier"}},
		{"DECIDED 4: no Farbwenz", Announce{Game: "farbwenz"}},
		{"DECIDED 4: no Tout", Announce{Game: "tout"}},
		{"DECIDED 4: no Sie", Announce{Game: "sie"}},
		{"DECIDED 4: no Hochzeit", Announce{Game: "hochzeit"}},
		{"DECIDED 4: no Ramsch", Announce{Game: "ramsch"}},
		{"an empty game is refused", Announce{}},
		{"a solo needs a suit", Announce{Game: Solo, Suit: NumSuits}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hands := skHandsSauspiel
			if tt.name == "a held ace cannot be called" {
				// Give seat 0 AE and keep a non-trump Eichel card, so that
				// only holding the ace is wrong.
				hands = [4]string{
					"OE OG OH OS UE AE 7E 7G",
					"UG XE KE 9E UH 8H 7H 9G",
					skHandsSauspiel[2], skHandsSauspiel[3],
				}
			}
			s := skToNegotiation(t, Options{}, hands)
			s.refused(0, tt.cmd, ErrBadAnnouncement)
		})
	}
	t.Run("Obers and Unters of the suit do not count as its cards", func(t *testing.T) {
		// Seat 1 holds no Schellen but the Schellen-Ober: it is a trump.
		hands := [4]string{
			"OE OG OH AS UE UG 7E 7G",
			"AE XE KE 9E UH 8H OS 9G",
			"AH XH 8E 8G 7H XS KS 9S",
			"US KH 9H AG XG KG 8S 7S",
		}
		s := skToNegotiation(t, Options{}, hands)
		s.do(0, Pass{})
		s.refused(1, skSauspiel(t, "AS"), ErrBadAnnouncement)
		s.do(1, skSauspiel(t, "AG"))
	})
}

func TestSchafkopfAllPassThrowsIn(t *testing.T) {
	s := skToNegotiation(t, Options{}, skHandsSauspiel, 0, 2)
	s.tbl.d.Balances = []int{10, -10, 30, -30}
	ev := s.announce(nil, nil, nil, nil)
	if n := len(skOf[MustPlayCard](ev)); n != 0 {
		t.Fatalf("%d play prompts in a thrown-in deal", n)
	}
	r := skResult(t, ev)
	want := SchafkopfResult{
		ThrownIn: true, Declarer: -1, Partner: -1,
		Points: []int{0, 0, 0, 0}, Payouts: []int{0, 0, 0, 0}, Balances: []int{10, -10, 30, -30},
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("result = %+v\nwant %+v", r, want)
	}
	if s.tbl.Playing() || s.tbl.Dealer() != 0 || s.tbl.Prompt().Deadline != 0 {
		t.Fatalf("after a thrown-in deal: playing %v dealer %d prompt %+v", s.tbl.Playing(), s.tbl.Dealer(), s.tbl.Prompt())
	}
	// The next dealer deals; the knocks of the thrown-in deal lapse.
	s.start(skHandsWenz)
	s.knock()
	s.announce(nil, nil, nil, Announce{Game: Wenz})
	if got := s.sk().Knocks; got != nil {
		t.Fatalf("knocks carried over: %v", got)
	}
	s.refused(0, PlayCard{Card: skCard(t, "UE")}, ErrNotYourTurn)
}
