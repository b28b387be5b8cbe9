package game

// Temporary until the game branches merge.
func schafkopfTrickWinner(v *View, trick []Played) int { return 0 }
func schafkopfIsTrump(v *View, c Card) bool            { return false }
func schnapsenTrickWinner(v *View, trick []Played) int { return 0 }
func schnapsenIsTrump(v *View, c Card) bool            { return false }
