package game

// schafkopfRules is Bavarian Schafkopf (../shared/rules/schafkopf.md).
type schafkopfRules struct{}

func (schafkopfRules) seats(Options) int                { return 4 }
func (schafkopfRules) notation() Notation               { return SchafkopfNotation }
func (schafkopfRules) deck(o Options) []Card            { return SchafkopfDeck(o.ShortDeck) }
func (schafkopfRules) stages(o Options) []Stage         { return nil } // TODO(schafkopf helper)
func (schafkopfRules) newDeal(t *Table)                 { t.d.Deal.Schafkopf = &schafkopfDeal{} }
func (schafkopfRules) view(t *Table, seat int, v *View) {}

// schafkopfDeal is Schafkopf's own part of a deal.
type schafkopfDeal struct{}

// SchafkopfView is Schafkopf's own part of a seat's view.
type SchafkopfView struct{}
