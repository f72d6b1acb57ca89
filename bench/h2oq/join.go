package h2oq

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	df "github.com/gask-dev/gask/dataframe"
)

// JoinTables are the db-benchmark join inputs: x and its small, medium and big right
// tables.
type JoinTables struct {
	X, Small, Medium, Big *df.DataFrame
}

// JoinQuestion is one join question.
type JoinQuestion struct {
	Name  string
	Build func(t JoinTables) *df.DataFrame
}

// Join lists the db-benchmark join questions q1–q5.
func Join() []JoinQuestion {
	return []JoinQuestion{
		{"q1", func(t JoinTables) *df.DataFrame { // small inner on int
			return df.Merge(t.X, t.Small, df.On("id1"))
		}},
		{"q2", func(t JoinTables) *df.DataFrame { // medium inner on int
			return df.Merge(t.X, t.Medium, df.On("id2"))
		}},
		{"q3", func(t JoinTables) *df.DataFrame { // medium outer (left) on int
			return df.Merge(t.X, t.Medium, df.On("id2"), df.How(df.Left))
		}},
		{"q4", func(t JoinTables) *df.DataFrame { // medium inner on factor
			return df.Merge(t.X, t.Medium, df.On("id5"))
		}},
		{"q5", func(t JoinTables) *df.DataFrame { // big inner on int
			return df.Merge(t.X, t.Big, df.On("id3"))
		}},
	}
}

// JoinSums is the answer check shared with the peers: the sums of v1 and v2, nulls
// skipped.
func JoinSums(tbl arrow.Table) []float64 {
	out := make([]float64, 0, 2)
	for _, name := range []string{"v1", "v2"} {
		idx := tbl.Schema().FieldIndices(name)
		if len(idx) == 0 {
			continue
		}
		s := 0.0
		for _, ch := range tbl.Column(idx[0]).Data().Chunks() {
			if a, ok := ch.(*array.Float64); ok {
				for j := 0; j < a.Len(); j++ {
					if a.IsValid(j) {
						s += a.Value(j)
					}
				}
			}
		}
		out = append(out, s)
	}
	return out
}
