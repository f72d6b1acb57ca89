package bench

import (
	"fmt"
	"testing"

	"github.com/gask-dev/gask/dataframe"
)

// BenchmarkPlan lowers plans over many partitions to task graphs: the cost of
// building the graph (not running it), which must grow linearly with the partitions
// — every multi-partition operation lowers its input once, not once per output.
// Reports ns per task of the graph.
func BenchmarkPlan(b *testing.B) {
	type row struct {
		K int64   `gask:"k"`
		V float64 `gask:"v"`
	}
	for _, p := range []int{250, 1000} {
		rows := make([]row, p)
		for i := range rows {
			rows[i] = row{int64(i % 17), float64(i)}
		}
		x := dataframe.FromRecords(rows, p)
		y := dataframe.FromRecords(rows, p)
		plans := map[string]*dataframe.DataFrame{
			"shuffle":     x.Shuffle([]string{"k"}, p),
			"merge":       dataframe.Merge(x, y, dataframe.On("k"), dataframe.Strategy(dataframe.HashShuffle)),
			"sort":        x.SortValues([]string{"v"}),
			"cumsum":      x.CumSum("v"),
			"shift":       x.Shift(1, "v"),
			"repartition": x.Repartition(p / 3),
			"merge_asof":  dataframe.MergeAsof(x.Select("v"), y.Select("v", "k"), dataframe.AsofOn("v")),
		}
		for _, name := range []string{"shuffle", "merge", "sort", "cumsum", "shift", "repartition", "merge_asof"} {
			df := plans[name]
			b.Run(fmt.Sprintf("%s/P=%d", name, p), func(b *testing.B) {
				tasks := 0
				for b.Loop() {
					g, err := df.Graph()
					if err != nil {
						b.Fatal(err)
					}
					tasks = g.Len()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tasks), "ns/task")
			})
		}
	}
}
