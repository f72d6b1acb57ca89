package dataframe_test

import (
	"context"
	"fmt"

	"github.com/gask-dev/gask/dataframe"
)

type asofTrade struct {
	Time   int64   `gask:"time"`
	Ticker string  `gask:"ticker"`
	Price  float64 `gask:"price"`
}

type asofQuote struct {
	Time   int64   `gask:"time"`
	Ticker string  `gask:"ticker"`
	Bid    float64 `gask:"bid"`
}

// MergeAsof gives each trade the latest quote of its ticker at or before the trade's
// time, if one is at most 2 time units old. Both sides are sorted by time; the result
// keeps the trades' order.
func ExampleMergeAsof() {
	trades := dataframe.FromRecords([]asofTrade{
		{1, "AAPL", 100.5}, {3, "MSFT", 51.0}, {5, "AAPL", 101.0}, {9, "AAPL", 99.5},
	}, 2)
	quotes := dataframe.FromRecords([]asofQuote{
		{0, "AAPL", 100.0}, {2, "MSFT", 50.5}, {4, "AAPL", 100.75}, {4, "MSFT", 50.75}, {6, "MSFT", 50.9},
	}, 3)
	df := dataframe.MergeAsof(trades, quotes,
		dataframe.AsofOn("time"), dataframe.AsofBy("ticker"), dataframe.AsofTolerance(2))

	type row struct {
		Time   int64    `gask:"time"`
		Ticker string   `gask:"ticker"`
		Price  float64  `gask:"price"`
		Bid    *float64 `gask:"bid"`
	}
	rows, err := dataframe.ToRecords[row](context.Background(), df)
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		bid := "none"
		if r.Bid != nil {
			bid = fmt.Sprint(*r.Bid)
		}
		fmt.Println(r.Time, r.Ticker, r.Price, bid)
	}
	// Output:
	// 1 AAPL 100.5 100
	// 3 MSFT 51 50.5
	// 5 AAPL 101 100.75
	// 9 AAPL 99.5 none
}
