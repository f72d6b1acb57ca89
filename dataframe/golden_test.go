package dataframe_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// The goldens in testdata/dataframe/golden were computed by pandas from the same
// inputs (testdata/dataframe/make_goldens.py); each query here mirrors one there.
var goldenQueries = map[string]func(df *dataframe.DataFrame) *dataframe.DataFrame{
	"filter_select": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.Filter(col("score").Gt(lit(50))).Select("id", "city", "score")
	},
	"with_column": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.WithColumns([]string{"total", "ratio"}, []dataframe.Expr{
			col("score").Add(col("bonus").FillNull(lit(0))),
			col("score").Div(col("bonus").Add(lit(1))),
		}).Select("id", "total", "ratio")
	},
	"isin_between": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.Filter(col("city").IsIn("paris", "nice").And(col("score").Between(lit(0), lit(100)))).Select("id", "city")
	},
	"null_tests": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.Filter(col("bonus").IsNull().Or(col("city").IsNull())).Select("id")
	},
	"fillna_astype": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.FillNA(map[string]any{"bonus": 0, "city": "?"}).
			Astype(map[string]string{"bonus": "float64", "id": "string"}).Select("id", "city", "bonus")
	},
	"dropna": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.DropNA("score", "city").Select("id")
	},
	"concat": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return dataframe.Concat(df.Filter(col("id").Lt(lit(50))).Select("id", "score"),
			df.Filter(col("id").Ge(lit(200))).Select("id", "score"))
	},
	"strings": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		c := col("city")
		return df.WithColumns(
			[]string{"has_i", "starts_l", "ends_e", "upper", "n", "cut", "swapped"},
			[]dataframe.Expr{c.Contains("i"), c.StartsWith("l"), c.EndsWith("e"), c.Upper(), c.Len(), c.Slice(1, -1), c.Replace("i", "I")}).
			Select("id", "has_i", "starts_l", "ends_e", "upper", "n", "cut", "swapped")
	},
	"when": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		// pandas' np.where sends NaN scores to "low": a null condition is not true.
		band := dataframe.When(col("score").Gt(lit(100))).Then(lit("high")).
			When(col("score").Gt(lit(0))).Then(lit("mid")).Otherwise(lit("low"))
		bonus := col("bonus").FillNull(lit(0))
		capped := dataframe.When(bonus.Gt(lit(10))).Then(lit(10)).Otherwise(bonus)
		return df.WithColumns([]string{"band", "capped"}, []dataframe.Expr{band, capped}).Select("id", "band", "capped")
	},
	"group_nlargest": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("city").SplitEvery(2).NLargest(2, "score")
	},
	"min_count": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("city").Agg(dataframe.Sum("bonus").As("bonus_sum").MinCount(25), dataframe.Sum("score").As("score_sum").MinCount(1))
	},
	"groupby_more": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("grade").Agg(dataframe.NUnique("city").As("city_nunique"),
			dataframe.Quantile("score", 0.25).As("score_q25"), dataframe.Any("ok").As("ok_any"), dataframe.All("ok").As("ok_all"))
	},
	"value_counts": func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.ValueCounts("city") },
	"unique":       func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Unique("city") },
	"nlargest": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.NLargest(7, "score").Select("id", "score")
	},
	"nsmallest": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.NSmallest(7, "bonus").Select("id", "bonus")
	},
	"describe": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.Select("id", "score", "bonus").Describe()
	},
	"groupby_city": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("city").SplitEvery(3).Agg(
			dataframe.Sum("score").As("score_sum"), dataframe.Mean("score").As("score_mean"),
			dataframe.Min("score").As("score_min"), dataframe.Max("score").As("score_max"),
			dataframe.Count("score").As("score_count"), dataframe.Size(),
			dataframe.Std("score").As("score_std"), dataframe.Var("score").As("score_var"),
			dataframe.Sum("bonus").As("bonus_sum"), dataframe.First("id").As("id_first"),
			dataframe.Last("id").As("id_last"))
	},
	"groupby_two_keys": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("city", "grade").Agg(dataframe.Sum("score").As("score_sum"),
			dataframe.Size().As("n"), dataframe.Mean("bonus").As("bonus_mean"))
	},
	"groupby_keep_nulls": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("grade").KeepNullKeys().Agg(dataframe.Mean("score").As("score_mean"), dataframe.Size().As("n"))
	},
	"groupby_bool": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("ok").Agg(dataframe.Max("score").As("score_max"), dataframe.Min("city").As("city_min"))
	},
	"groupby_median_corr": func(df *dataframe.DataFrame) *dataframe.DataFrame {
		return df.GroupBy("grade").Agg(dataframe.Median("score").As("score_median"), dataframe.Corr("score", "bonus"))
	},
	"sum":   func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Select("id", "score", "bonus").Sum() },
	"mean":  func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Select("id", "score", "bonus").Mean() },
	"std":   func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Select("id", "score", "bonus").Std() },
	"count": func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Count() },
}

func col(n string) dataframe.Expr { return dataframe.Col(n) }
func lit(v any) dataframe.Expr    { return dataframe.Lit(v) }

func TestTimesGolden(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	want := readGolden(t, filepath.Join(dir, "golden", "times.csv"))
	cut := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, bs := range []int64{200, 64 << 20} {
		eachScheduler(t, func(t *testing.T, opt gask.Option) {
			ctx := checked(t)
			df := dataframe.ReadCSV(filepath.Join(dir, "times.csv"), dataframe.Blocksize(bs))
			if got := fmt.Sprint(df.Schema()); !strings.Contains(got, "day: type=date32") || !strings.Contains(got, "at: type=timestamp[us]") {
				t.Fatalf("schema %s", got)
			}
			day, at := col("day"), col("at")
			q := df.WithColumns(
				[]string{"year", "month", "weekday", "hour", "day_of_at", "at_hour", "at_month", "late"},
				[]dataframe.Expr{day.Year(), day.Month(), day.Weekday(), at.Hour(), at.Day(), at.Truncate("hour"), at.Truncate("month"), at.Ge(lit(cut))},
			).Select("id", "year", "month", "weekday", "hour", "day_of_at", "at_hour", "at_month", "late")
			tbl, err := q.Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			compareRows(t, "times", tableRows(tbl), want)
		})
	}
}

func TestGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	for _, bs := range []int64{700, 64 << 20, -700} {
		// A negative blocksize reads city as a category (dictionary-encoded).
		var opts []dataframe.CSVOption
		if bs < 0 {
			bs = -bs
			opts = append(opts, dataframe.Categorical("city"))
		}
		input := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), append(opts, dataframe.Blocksize(bs))...)
		if err := input.Err(); err != nil {
			t.Fatal(err)
		}
		for name, q := range goldenQueries {
			t.Run(fmt.Sprintf("%s/blocksize=%d/categories=%v", name, bs, len(opts) > 0), func(t *testing.T) {
				eachScheduler(t, func(t *testing.T, opt gask.Option) {
					ctx := checked(t)
					tbl, err := q(input).Compute(ctx, opt)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					defer tbl.Release()
					want := readGolden(t, filepath.Join(dir, "golden", name+".csv"))
					got := tableRows(tbl)
					compareRows(t, name, got, want)
				})
			})
		}
		if input.NPartitions() < 3 {
			t.Fatalf("blocksize %d: %d partitions", bs, input.NPartitions())
		}
	}
}

func readGolden(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// tableRows renders a table as a header row and value rows, nulls as "".
func tableRows(tbl arrow.Table) [][]string {
	rows := make([][]string, tbl.NumRows()+1)
	for c := 0; c < int(tbl.NumCols()); c++ {
		rows[0] = append(rows[0], tbl.Schema().Field(c).Name)
		r := 1
		for _, ch := range tbl.Column(c).Data().Chunks() {
			for i := 0; i < ch.Len(); i++ {
				v := ""
				if ch.IsValid(i) {
					v = ch.ValueStr(i)
				}
				rows[r] = append(rows[r], v)
				r++
			}
		}
	}
	return rows
}

func compareRows(t *testing.T, name string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, pandas has %d\n got %v\nwant %v", name, len(got)-1, len(want)-1, head(got), head(want))
	}
	for r := range want {
		if len(got[r]) != len(want[r]) {
			t.Fatalf("%s row %d: %v, pandas %v", name, r, got[r], want[r])
		}
		for c := range want[r] {
			if !sameCell(got[r][c], want[r][c]) {
				t.Fatalf("%s row %d column %s: %q, pandas %q\n got %v\nwant %v", name, r, want[0][c], got[r][c], want[r][c], got[r], want[r])
			}
		}
	}
}

func head(rows [][]string) [][]string { return rows[:min(len(rows), 4)] }

// sameCell compares a cell with pandas' rendering: numbers within 1e-8 relative
// (pandas printed 10 significant digits; integer columns with nulls print as floats),
// booleans case-insensitively, everything else exactly.
func sameCell(got, want string) bool {
	if got == want || strings.EqualFold(got, want) {
		return true
	}
	if g, ok := parseTime(got); ok {
		if w, ok := parseTime(want); ok {
			return g.Equal(w)
		}
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	return math.Abs(g-w) <= 1e-8*math.Max(1, math.Abs(w))
}

// parseTime reads a date or timestamp as Arrow or pandas print it.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// TestSplitOut checks that spreading a group-by over several partitions gives pandas'
// groups (in hash order across partitions, so compared as sets).
func TestSplitOut(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	input := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), dataframe.Blocksize(700))
	want := readGolden(t, filepath.Join(dir, "golden", "groupby_two_keys.csv"))
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		df := input.GroupBy("city", "grade").SplitOut(3).Agg(dataframe.Sum("score").As("score_sum"),
			dataframe.Size().As("n"), dataframe.Mean("bonus").As("bonus_mean"))
		if df.NPartitions() != 3 || !strings.Contains(df.Explain(), "split_out=3") {
			t.Fatalf("%d partitions\n%s", df.NPartitions(), df.Explain())
		}
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		got := tableRows(tbl)
		if len(tbl.Column(0).Data().Chunks()) != 3 {
			t.Fatalf("%d chunks", len(tbl.Column(0).Data().Chunks()))
		}
		sortRows := func(rows [][]string) {
			slices.SortFunc(rows[1:], func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
		}
		sortRows(got)
		wantSorted := slices.Clone(want)
		sortRows(wantSorted)
		compareRows(t, "split_out", got, wantSorted)
	})
}

// TestGroupByDates groups by a date and by a truncated timestamp; pandas' counts were
// checked with /usr/bin/python3 on testdata/dataframe/times.csv.
func TestGroupByDates(t *testing.T) {
	ctx := checked(t)
	df := dataframe.ReadCSV(filepath.Join("..", "testdata", "dataframe", "times.csv"))
	byMonth, err := df.WithColumn("month", col("at").Truncate("month")).GroupBy("month").Agg(dataframe.Size().As("n")).Head(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer byMonth.Release()
	if got := tableString(t, byMonth); got != "month,n\n2026-01-01T00:00:00,7\n2026-02-01T00:00:00,6\n2026-03-01T00:00:00,8\n" {
		t.Fatalf("by month\n%s", got)
	}
	byDay, err := df.GroupBy("day").Agg(dataframe.Size().As("n")).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer byDay.Release()
	if byDay.NumRows() == 0 || byDay.Schema().Field(0).Type.ID() != arrow.DATE32 {
		t.Fatalf("by day: %d rows, %s", byDay.NumRows(), byDay.Schema())
	}
}
