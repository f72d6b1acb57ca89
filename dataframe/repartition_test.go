package dataframe_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// TestRepartition changes 12 partitions into fewer and more, keeping every row in
// order, with n + P tasks at most beyond the input's.
func TestRepartition(t *testing.T) {
	in := dataframe.ReadCSV(filepath.Join("..", "testdata", "dataframe", "people-*.csv"), dataframe.Blocksize(700))
	p := in.NPartitions()
	g0, err := in.Graph()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 5, p, 30} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			df := in.Repartition(n)
			if df.NPartitions() != n || !strings.Contains(df.Explain(), fmt.Sprintf("Repartition to %d", n)) {
				t.Fatalf("%d partitions\n%s", df.NPartitions(), df.Explain())
			}
			g, err := df.Graph()
			if err != nil {
				t.Fatal(err)
			}
			if extra := g.Len() - g0.Len(); extra > n+p {
				t.Fatalf("%d tasks beyond the input's for %d -> %d", extra, p, n)
			}
			eachScheduler(t, func(t *testing.T, opt gask.Option) {
				ctx := checked(t)
				want, err := in.Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				defer want.Release()
				got, err := df.Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				defer got.Release()
				if !slices.EqualFunc(tableRows(got), tableRows(want), slices.Equal) {
					t.Fatal("rows changed")
				}
				if c := len(got.Column(0).Data().Chunks()); c != n {
					t.Fatalf("%d chunks, want %d", c, n)
				}
			})
		})
	}
	if err := in.Repartition(0).Err(); err == nil || !strings.Contains(err.Error(), "into 0 partitions") {
		t.Fatalf("repartition 0: %v", err)
	}
}
