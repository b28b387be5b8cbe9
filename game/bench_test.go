package game_test

import (
	"testing"

	"tableraft/game"
	"tableraft/game/bot"
)

// benchmarkDeal measures one complete bot-played deal: shuffle, deal, every
// bot decision (views and legal moves included) and every Handle call.
func benchmarkDeal(b *testing.B, cfg game.Config) {
	tbl, err := game.NewTable(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var seed game.Seed
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		seed[0], seed[1], seed[2] = byte(i), byte(i>>8), byte(i>>16)
		if _, err := bot.PlayDeal(tbl, seed, int64(i)*100_000, 500); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchnapsenDeal(b *testing.B) { benchmarkDeal(b, game.Config{Game: game.KindSchnapsen}) }
func BenchmarkSchafkopfDeal(b *testing.B) { benchmarkDeal(b, game.Config{Game: game.KindSchafkopf}) }
func BenchmarkSchafkopfShortDeal(b *testing.B) {
	benchmarkDeal(b, game.Config{Game: game.KindSchafkopf, Options: game.Options{ShortDeck: true}})
}

func BenchmarkBauernschnapsenDeal(b *testing.B) {
	benchmarkDeal(b, game.Config{Game: game.KindBauernschnapsen})
}
