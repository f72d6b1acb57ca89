// Package h2oq holds the db-benchmark (H2O) group-by questions written with gask's
// dataframe package, shared by the benchmarks and the side-by-side runner.
package h2oq

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	df "github.com/gask-dev/gask/dataframe"
)

// Question is one group-by question.
type Question struct {
	Name  string
	Keys  []string // the group columns (not summed when checking results)
	Build func(x *df.DataFrame) *df.DataFrame
}

// GroupBy lists q1–q10; Build is nil for a question gask cannot answer yet. Groups
// are left unsorted (Sort(false)), as DuckDB and Polars leave them.
func GroupBy() []Question {
	c := df.Col
	return []Question{
		{"q1", []string{"id1"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id1").Sort(false).Agg(df.Sum("v1"))
		}},
		{"q2", []string{"id1", "id2"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id1", "id2").Sort(false).Agg(df.Sum("v1"))
		}},
		{"q3", []string{"id3"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id3").Sort(false).Agg(df.Sum("v1"), df.Mean("v3"))
		}},
		{"q4", []string{"id4"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id4").Sort(false).Agg(df.Mean("v1"), df.Mean("v2"), df.Mean("v3"))
		}},
		{"q5", []string{"id6"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id6").Sort(false).Agg(df.Sum("v1"), df.Sum("v2"), df.Sum("v3"))
		}},
		{"q6", []string{"id4", "id5"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id4", "id5").Sort(false).Agg(df.Median("v3").As("median_v3"), df.Std("v3").As("sd_v3"))
		}},
		{"q7", []string{"id3"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id3").Sort(false).Agg(df.Max("v1").As("max_v1"), df.Min("v2").As("min_v2")).
				WithColumn("range_v1_v2", c("max_v1").Sub(c("min_v2"))).Select("id3", "range_v1_v2")
		}},
		{"q8", []string{"id6"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id6").Sort(false).NLargest(2, "v3")
		}},
		{"q9", []string{"id2", "id4"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id2", "id4").Sort(false).Agg(df.Corr("v1", "v2").As("r")).
				WithColumn("r2", c("r").Mul(c("r"))).Select("id2", "id4", "r2")
		}},
		{"q10", []string{"id1", "id2", "id3", "id4", "id5", "id6"}, func(x *df.DataFrame) *df.DataFrame {
			return x.GroupBy("id1", "id2", "id3", "id4", "id5", "id6").Sort(false).SplitOut(4).Agg(df.Sum("v3"), df.Size().As("count"))
		}},
	}
}

// Sums adds up every numeric column of tbl that is not a key, in column order: the
// answer check shared with the peers' runners.
func Sums(tbl arrow.Table, keys []string) []float64 {
	isKey := map[string]bool{}
	for _, k := range keys {
		isKey[k] = true
	}
	var out []float64
	for i, f := range tbl.Schema().Fields() {
		if isKey[f.Name] {
			continue
		}
		s, numeric := 0.0, false
		for _, ch := range tbl.Column(i).Data().Chunks() {
			switch a := ch.(type) {
			case *array.Int64:
				numeric = true
				for j := 0; j < a.Len(); j++ {
					if a.IsValid(j) {
						s += float64(a.Value(j))
					}
				}
			case *array.Float64:
				numeric = true
				for j := 0; j < a.Len(); j++ {
					if a.IsValid(j) {
						s += a.Value(j)
					}
				}
			}
		}
		if numeric {
			out = append(out, s)
		}
	}
	return out
}

// Line formats a result the way bench/peers/README.md says every runner prints it.
func Line(peer, q string, seconds float64, rows int64, sums []float64) string {
	parts := make([]string, len(sums))
	for i, s := range sums {
		parts[i] = FormatNum(s)
	}
	return LineFields(peer, q, seconds, rows, parts)
}

// LineFields is Line with the check fields already formatted (some are strings).
func LineFields(peer, q string, seconds float64, rows int64, fields []string) string {
	return fmt.Sprintf("peer=%s q=%s seconds=%.6f rows=%d sums=%s", peer, q, seconds, rows, strings.Join(fields, ","))
}

// FormatNum writes integral values below 1e15 as plain integers, other values of
// ordinary size in plain decimal, and anything else in exponent form.
func FormatNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 1e-4 && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
