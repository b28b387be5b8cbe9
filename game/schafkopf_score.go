package game

// schafkopfSettlement ends the deal (rules §7): it scores the contract,
// pays out and adds the payouts to the running balances. A thrown-in deal
// scores nothing.
type schafkopfSettlement struct{}

// Name is the stage's wire name.
func (schafkopfSettlement) Name() string { return "result" }

// Enter settles and ends the deal.
func (schafkopfSettlement) Enter(t *Table, _ int64) Step {
	r := t.d.Deal.Schafkopf.settle(&t.d.Deal, t.d.Options.ShortDeck)
	for seat, p := range r.Payouts {
		t.d.Balances[seat] += p
	}
	r.Balances = append([]int(nil), t.d.Balances...)
	t.emit(r)
	return End
}

// Handle refuses everything: the stage ends the deal as it is entered.
func (schafkopfSettlement) Handle(*Table, Action) (Step, error) {
	return Stay, refuse(ErrWrongStage, "the deal is being settled")
}

// Legal is empty: nobody acts while the deal is settled.
func (schafkopfSettlement) Legal(_ *Table, _ int, out []Command) []Command { return out }

// The tariff in cents (rules §7, 10/20/50).
const (
	schafkopfBaseSauspiel = 20
	schafkopfBaseSolo     = 50 // Wenz and Farbsolo
	schafkopfSchneider    = 10
	schafkopfSchwarz      = 20 // instead of Schneider, not in addition (DECIDED)
	schafkopfPerLaufender = 10
	schafkopfToWin        = 61 // 60:60 loses for the declaring party
	schafkopfSchneiderMax = 30 // 31 is schneiderfrei
)

// settle scores the finished deal d. Balances are left to the caller.
func (sk *schafkopfDeal) settle(d *Deal, short bool) SchafkopfResult {
	n := len(d.Points)
	r := SchafkopfResult{
		Game:     sk.Game,
		Declarer: sk.Declarer,
		Partner:  -1,
		Points:   append([]int(nil), d.Points...),
		Payouts:  make([]int, n),
	}
	if sk.ThrownIn {
		r.ThrownIn = true // knocks lapse: Knocks stays 0
		return r
	}
	r.Knocks = len(sk.Knocks)
	if sk.Game == Sauspiel {
		r.Partner = sk.Partner
	}

	declPoints, declTricks, defPoints, defTricks := 0, 0, 0, 0
	for seat := 0; seat < n; seat++ {
		if sk.declaring(seat) {
			declPoints += d.Points[seat]
			declTricks += d.Tricks[seat]
		} else {
			defPoints += d.Points[seat]
			defTricks += d.Tricks[seat]
		}
	}
	r.DeclarersWin = declPoints >= schafkopfToWin
	loserPoints, loserTricks := declPoints, declTricks
	if r.DeclarersWin {
		loserPoints, loserTricks = defPoints, defTricks
	}
	r.Schwarz = loserTricks == 0
	r.Schneider = r.Schwarz || loserPoints <= schafkopfSchneiderMax
	r.Laufende = sk.laufende(d, short)

	value := schafkopfBaseSolo
	if sk.Game == Sauspiel {
		value = schafkopfBaseSauspiel
	}
	switch {
	case r.Schwarz:
		value += schafkopfSchwarz
	case r.Schneider:
		value += schafkopfSchneider
	}
	value += r.Laufende * schafkopfPerLaufender
	doublings := len(sk.Knocks)
	if sk.Kontra >= 0 {
		doublings++
	}
	if sk.Re >= 0 {
		doublings++
	}
	r.Multiplier = 1 << doublings
	r.Value = value * r.Multiplier

	for seat := 0; seat < n; seat++ {
		v := r.Value
		if sk.Game != Sauspiel && seat == sk.Declarer {
			v *= n - 1 // the soloist pays or gets from each of the three
		}
		if sk.declaring(seat) != r.DeclarersWin {
			v = -v
		}
		r.Payouts[seat] = v
	}
	return r
}

// laufende counts the top trumps that lay with one party in the initial
// hands, or 0 when there are fewer than the game's threshold (3, in a Wenz
// 2; the same in the short deck).
func (sk *schafkopfDeal) laufende(d *Deal, short bool) int {
	owner := schafkopfInitialOwners(d)
	var buf [14]Card
	order := sk.trumps().order(short, buf[:0])
	first := sk.declaring(owner[order[0].Suit][order[0].Rank])
	n := 0
	for _, c := range order {
		if sk.declaring(owner[c.Suit][c.Rank]) != first {
			break
		}
		n++
	}
	threshold := 3
	if sk.Game == Wenz {
		threshold = 2
	}
	if n < threshold {
		return 0
	}
	return n
}

// schafkopfInitialOwners maps every card to the seat it was dealt to,
// from the deck and the deal order of rules §2: two packets, each
// clockwise from forehand.
func schafkopfInitialOwners(d *Deal) [NumSuits][Seven + 1]int {
	var owner [NumSuits][Seven + 1]int
	seats := len(d.Hands)
	packet := len(d.Deck) / (2 * seats)
	for i, c := range d.Deck {
		owner[c.Suit][c.Rank] = (d.Forehand + i%(seats*packet)/packet) % seats
	}
	return owner
}
