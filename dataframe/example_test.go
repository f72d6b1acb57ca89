package dataframe_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gask-dev/gask/dataframe"
)

type sale struct {
	Store  string  `gask:"store"`
	Amount float64 `gask:"amount"`
	Items  int     `gask:"items"`
}

// A lazy pipeline over Go structs: filter, derive a column, group and aggregate.
func Example() {
	ctx := context.Background()
	sales := []sale{{"north", 12.5, 1}, {"south", 30, 3}, {"north", 7.5, 2}, {"south", 5, 1}, {"east", 40, 4}}
	df := dataframe.FromRecords(sales, 2).
		Filter(dataframe.Col("amount").Ge(dataframe.Lit(7))).
		WithColumn("per_item", dataframe.Col("amount").Div(dataframe.Col("items"))).
		GroupBy("store").
		Agg(dataframe.Sum("amount"), dataframe.Mean("per_item"), dataframe.Size().As("sales"))

	type row struct {
		Store   string  `gask:"store"`
		Amount  float64 `gask:"amount"`
		PerItem float64 `gask:"per_item"`
		Sales   int     `gask:"sales"`
	}
	rows, err := dataframe.ToRecords[row](ctx, df)
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Printf("%s %.2f %.2f %d\n", r.Store, r.Amount, r.PerItem, r.Sales)
	}
	// Output:
	// east 40.00 10.00 1
	// north 20.00 8.12 2
	// south 30.00 10.00 1
}

// ReadCSV cuts files into blocks read in parallel; Explain shows the optimized plan,
// with only the needed columns converted.
func ExampleReadCSV() {
	dir, _ := os.MkdirTemp("", "gask-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "trips.csv")
	os.WriteFile(path, []byte("city,fare,tip,note\nparis,10,1,\"late, rainy\"\nlyon,20,,ok\nparis,30,3,\n"), 0o644)

	df := dataframe.ReadCSV(path).
		Filter(dataframe.Col("fare").Gt(dataframe.Lit(15))).
		Select("city", "fare")
	fmt.Print(df.Explain())
	tbl, err := df.Compute(context.Background())
	if err != nil {
		panic(err)
	}
	defer tbl.Release()
	fmt.Println(tbl.NumRows(), "rows")
	// Output:
	// Project [city, fare]
	//   Filter (fare > 15)
	//     ReadCSV trips.csv columns=[city, fare] npartitions=1
	// 2 rows
}

type store struct {
	Store  string `gask:"store"`
	Region string `gask:"region"`
}

// Merge joins two DataFrames on key columns; a one-partition side is broadcast to
// every partition of the other, larger sides are shuffled by key.
func ExampleMerge() {
	ctx := context.Background()
	sales := dataframe.FromRecords([]sale{{"north", 12.5, 1}, {"south", 30, 3}, {"east", 40, 4}, {"west", 5, 1}}, 2)
	stores := dataframe.FromRecords([]store{{"north", "N"}, {"south", "S"}, {"east", "E"}}, 1)
	df := dataframe.Merge(sales, stores, dataframe.On("store"), dataframe.How(dataframe.Left)).
		GroupBy("region").KeepNullKeys().Agg(dataframe.Sum("amount"))
	fmt.Println(dataframe.Merge(sales, stores, dataframe.On("store")).Explain())
	type row struct {
		Region *string `gask:"region"`
		Amount float64 `gask:"amount"`
	}
	rows, err := dataframe.ToRecords[row](ctx, df)
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		region := "(none)"
		if r.Region != nil {
			region = *r.Region
		}
		fmt.Println(region, r.Amount)
	}
	// Output:
	// Merge how=inner on [store] strategy=broadcast npartitions=2
	//
	// E 40
	// N 12.5
	// S 30
	// (none) 5
}
