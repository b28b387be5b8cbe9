package game

// schnapsenRules is two-hand Schnapsen (../shared/rules/schnapsen.md).
type schnapsenRules struct{}

func (schnapsenRules) seats(Options) int                { return 2 }
func (schnapsenRules) notation() Notation               { return SchnapsenNotation }
func (schnapsenRules) deck(Options) []Card              { return SchnapsenDeck() }
func (schnapsenRules) stages(o Options) []Stage         { return nil } // TODO(schnapsen helper)
func (schnapsenRules) newDeal(t *Table)                 { t.d.Deal.Schnapsen = &schnapsenDeal{} }
func (schnapsenRules) view(t *Table, seat int, v *View) {}

// schnapsenDeal is Schnapsen's own part of a deal.
type schnapsenDeal struct {
	TrumpCard Card
}

// SchnapsenView is Schnapsen's own part of a seat's view.
type SchnapsenView struct{}
