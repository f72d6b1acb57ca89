package parquet_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/dataframe/parquet"
)

// Write a DataFrame as Parquet files and read them back with a filter: only the needed
// column is read, and row groups the statistics rule out are skipped.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "gask-parquet")
	defer os.RemoveAll(dir)
	type point struct {
		X int64   `gask:"x"`
		Y float64 `gask:"y"`
	}
	pts := []point{{1, 0.5}, {2, 1.5}, {3, 2.5}, {4, 3.5}}
	if _, err := parquet.Write(ctx, dataframe.FromRecords(pts, 2), filepath.Join(dir, "p-*.parquet"), "snappy"); err != nil {
		panic(err)
	}
	df := parquet.Read(dir).Filter(dataframe.Col("x").Gt(dataframe.Lit(2))).Select("y")
	type row struct {
		Y float64 `gask:"y"`
	}
	rs, err := dataframe.ToRecords[row](ctx, df)
	fmt.Println(rs, err)
	// Output: [{2.5} {3.5}] <nil>
}
