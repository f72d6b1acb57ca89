package dataframe_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

func joinInputs(categories bool) (orders, customers *dataframe.DataFrame) {
	dir := filepath.Join("..", "testdata", "dataframe")
	var opts []dataframe.CSVOption
	if categories {
		opts = append(opts, dataframe.Categorical("region"))
	}
	orders = dataframe.ReadCSV(filepath.Join(dir, "orders-*.csv"), opts...)
	customers = dataframe.ReadCSV(filepath.Join(dir, "customers.csv"), append(opts, dataframe.Blocksize(600))...)
	return orders, customers
}

// sortedRows is a table's rows (header first) with the value rows sorted.
func sortedRows(tbl arrow.Table) [][]string {
	rows := tableRows(tbl)
	slices.SortFunc(rows[1:], func(a, b []string) int { return strings.Compare(strings.Join(a, "\x00"), strings.Join(b, "\x00")) })
	return rows
}

// TestMergeGoldens runs every join type and key shape against pandas
// (testdata/dataframe/make_join_goldens.py), with each strategy that applies, plain
// and category string keys, on every scheduler.
func TestMergeGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe", "golden")
	cases := []struct {
		golden    string
		opts      []dataframe.MergeOption
		rightCols []string // the right side's columns, when not all
	}{
		{"join_inner_cust", []dataframe.MergeOption{dataframe.On("cust")}, nil},
		{"join_left_cust", []dataframe.MergeOption{dataframe.On("cust"), dataframe.How(dataframe.Left)}, nil},
		{"join_right_cust", []dataframe.MergeOption{dataframe.On("cust"), dataframe.How(dataframe.Right)}, nil},
		{"join_outer_cust", []dataframe.MergeOption{dataframe.On("cust"), dataframe.How(dataframe.Outer)}, nil},
		{"join_semi_cust", []dataframe.MergeOption{dataframe.On("cust"), dataframe.How(dataframe.Semi)}, nil},
		{"join_anti_cust", []dataframe.MergeOption{dataframe.On("cust"), dataframe.How(dataframe.Anti)}, nil},
		{"join_inner_multi", []dataframe.MergeOption{dataframe.On("cust", "region")}, nil},
		{"join_left_multi", []dataframe.MergeOption{dataframe.On("cust", "region"), dataframe.How(dataframe.Left)}, nil},
		{"join_outer_multi", []dataframe.MergeOption{dataframe.On("cust", "region"), dataframe.How(dataframe.Outer)}, nil},
		{"join_inner_nulls_equal", []dataframe.MergeOption{dataframe.On("cust"), dataframe.NullsEqual()}, nil},
		{"join_left_mixed", []dataframe.MergeOption{dataframe.LeftOn("cust"), dataframe.RightOn("cust_f"), dataframe.How(dataframe.Left)}, []string{"cust_f", "name"}},
	}
	for _, tc := range cases {
		want := readGolden(t, filepath.Join(dir, tc.golden+".csv"))
		for _, strategy := range []dataframe.JoinStrategy{dataframe.AutoStrategy, dataframe.HashShuffle, dataframe.Broadcast} {
			if strategy == dataframe.Broadcast && strings.Contains(tc.golden, "outer") {
				continue
			}
			for _, cats := range []bool{false, true} {
				name := fmt.Sprintf("%s/strategy=%q/categories=%v", tc.golden, strategy, cats)
				t.Run(name, func(t *testing.T) {
					orders, customers := joinInputs(cats)
					if tc.rightCols != nil {
						customers = customers.Select(tc.rightCols...)
					}
					opts := append(slices.Clone(tc.opts), dataframe.Strategy(strategy))
					if strategy == dataframe.HashShuffle {
						opts = append(opts, dataframe.MergePartitions(3))
					}
					m := dataframe.Merge(orders, customers, opts...)
					if err := m.Err(); err != nil {
						t.Fatal(err)
					}
					eachScheduler(t, func(t *testing.T, opt gask.Option) {
						ctx := checked(t)
						tbl, err := m.Compute(ctx, opt)
						if err != nil {
							t.Fatal(err)
						}
						defer tbl.Release()
						compareRowSets(t, tc.golden, tableRows(tbl), want)
					})
				})
			}
		}
	}
}

// compareRowSets compares two row sets whose order is not defined: every row of got
// must be matched by a distinct row of want (cells compared with sameCell).
func compareRowSets(t *testing.T, name string, got, want [][]string) {
	t.Helper()
	if !slices.Equal(got[0], want[0]) {
		t.Fatalf("%s: columns %v, pandas %v", name, got[0], want[0])
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, pandas has %d", name, len(got)-1, len(want)-1)
	}
	used := make([]bool, len(want))
	for _, g := range got[1:] {
		found := false
		for j := 1; j < len(want) && !found; j++ {
			if used[j] {
				continue
			}
			same := true
			for c := range g {
				if !sameCell(g[c], want[j][c]) {
					same = false
					break
				}
			}
			if same {
				used[j], found = true, true
			}
		}
		if !found {
			t.Fatalf("%s: row %v is not in pandas' result (first rows %v)", name, g, head(want))
		}
	}
}

// TestShuffle checks that a shuffle keeps every row, puts equal keys in one
// partition, and takes P + n tasks.
func TestShuffle(t *testing.T) {
	orders, _ := joinInputs(false)
	sh := orders.Shuffle([]string{"cust"}, 4)
	if sh.NPartitions() != 4 || !strings.Contains(sh.Explain(), "Shuffle on [cust]") {
		t.Fatalf("%d partitions\n%s", sh.NPartitions(), sh.Explain())
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		tbl, err := sh.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		all, err := orders.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer all.Release()
		if got, want := sortedRows(tbl), sortedRows(all); !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("shuffle changed the rows: %d vs %d", len(got), len(want))
		}
		// Every cust value in exactly one output chunk.
		where := map[string]int{}
		col := tbl.Column(tbl.Schema().FieldIndices("cust")[0])
		for p, ch := range col.Data().Chunks() {
			for i := 0; i < ch.Len(); i++ {
				v := ch.ValueStr(i)
				if q, ok := where[v]; ok && q != p {
					t.Fatalf("cust %s in partitions %d and %d", v, q, p)
				}
				where[v] = p
			}
		}
	})
	// O(P) tasks: 3 reads, 3 splits, 4 concats.
	g, err := sh.Graph()
	if err != nil {
		t.Fatal(err)
	}
	if n := g.Len(); n != 3+3+4 {
		t.Fatalf("%d tasks for 3 partitions shuffled into 4", n)
	}
}

// TestMergeErrors checks that bad merges name the columns.
func TestMergeErrors(t *testing.T) {
	orders, customers := joinInputs(false)
	for _, tc := range []struct {
		df   *dataframe.DataFrame
		want string
	}{
		{dataframe.Merge(orders, customers, dataframe.On("nope")), `left side has no column "nope"`},
		{dataframe.Merge(orders, customers, dataframe.LeftOn("cust"), dataframe.RightOn("nope")), `right side has no column "nope"`},
		{dataframe.Merge(orders, customers, dataframe.LeftOn("region"), dataframe.RightOn("cust")), `left key "region" is utf8 and right key "cust" is int64`},
		{dataframe.Merge(orders, customers, dataframe.LeftOn("cust", "region"), dataframe.RightOn("cust")), "2 left keys (cust, region) but 1 right keys (cust)"},
		{dataframe.Merge(orders, customers, dataframe.On("cust"), dataframe.LeftOn("cust")), "not both"},
		{dataframe.Merge(orders, customers, dataframe.On("cust"), dataframe.How("cross")), `unknown join type "cross"`},
		{dataframe.Merge(orders, customers, dataframe.On("cust"), dataframe.How(dataframe.Outer), dataframe.Strategy(dataframe.Broadcast)), "outer join cannot broadcast"},
		{dataframe.Merge(orders, customers, dataframe.On("cust"), dataframe.Suffixes("", "")), `two columns named "region"`},
		{orders.Shuffle([]string{"nope"}, 2), `shuffle: unknown column "nope"`},
		{orders.Shuffle([]string{"cust"}, 0), "shuffle into 0 partitions"},
	} {
		if err := tc.df.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to say %q", err, tc.want)
		}
	}
}

type kv struct {
	K *int64  `gask:"k"`
	S *string `gask:"s"`
	V int64   `gask:"v"`
}

// TestMergeRandom checks every join type against a nested-loop join of random rows
// whose integer keys span a wide range (the grouper's hash-map path) or a narrow one
// (its dense table), with string keys as well, and null keys on both sides.
func TestMergeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gen := func(n int, spread int64) []kv {
		out := make([]kv, n)
		for i := range out {
			k := rng.Int64N(40) * spread
			s := fmt.Sprintf("s%d", rng.IntN(7))
			out[i] = kv{K: &k, S: &s, V: int64(i)}
			if rng.IntN(10) == 0 {
				out[i].K = nil
			}
			if rng.IntN(10) == 0 {
				out[i].S = nil
			}
		}
		return out
	}
	for _, tc := range []struct {
		spread int64
		nl, nr int
	}{{1, 300, 200}, {1_000_003, 300, 200}, {1, 0, 200}, {1, 300, 0}} {
		spread := tc.spread
		left, right := gen(tc.nl, spread), gen(tc.nr, spread)
		for _, on := range [][]string{{"k"}, {"k", "s"}} {
			for _, how := range []dataframe.JoinType{dataframe.Inner, dataframe.Left, dataframe.Right, dataframe.Outer, dataframe.Semi, dataframe.Anti} {
				for _, strategy := range []dataframe.JoinStrategy{dataframe.HashShuffle, dataframe.Broadcast} {
					if strategy == dataframe.Broadcast && how == dataframe.Outer {
						continue
					}
					name := fmt.Sprintf("spread=%d/rows=%d,%d/on=%v/%s/%s", spread, tc.nl, tc.nr, on, how, strategy)
					t.Run(name, func(t *testing.T) {
						ctx := checked(t)
						m := dataframe.Merge(dataframe.FromRecords(left, 3), dataframe.FromRecords(right, 1+min(tc.nr, 1)),
							dataframe.On(on...), dataframe.How(how), dataframe.Strategy(strategy), dataframe.MergePartitions(4))
						tbl, err := m.Compute(ctx)
						if err != nil {
							t.Fatal(err)
						}
						defer tbl.Release()
						got := tableRows(tbl)[1:]
						want := nestedLoopJoin(left, right, on, how)
						key := func(r []string) string { return strings.Join(r, "|") }
						slices.SortFunc(got, func(a, b []string) int { return strings.Compare(key(a), key(b)) })
						slices.SortFunc(want, func(a, b []string) int { return strings.Compare(key(a), key(b)) })
						if !slices.EqualFunc(got, want, slices.Equal) {
							t.Fatalf("%d rows, nested loop %d\n got %v\nwant %v", len(got), len(want), head(got), head(want))
						}
					})
				}
			}
		}
	}
}

// nestedLoopJoin renders the join as tableRows would: the result columns in Merge's
// order (left columns, keys once; then the right side's other columns, suffixed).
func nestedLoopJoin(left, right []kv, on []string, how dataframe.JoinType) [][]string {
	str := func(p any) string {
		switch v := p.(type) {
		case *int64:
			if v != nil {
				return fmt.Sprint(*v)
			}
		case *string:
			if v != nil {
				return *v
			}
		}
		return ""
	}
	multi := len(on) == 2
	match := func(l, r kv) bool {
		if l.K == nil || r.K == nil || *l.K != *r.K {
			return false
		}
		return !multi || l.S != nil && r.S != nil && *l.S == *r.S
	}
	row := func(l, r *kv) []string {
		var k, ls, lv, rs, rv string
		if l != nil {
			k, ls, lv = str(l.K), str(l.S), fmt.Sprint(l.V)
		}
		if r != nil {
			if l == nil {
				k = str(r.K)
				if multi {
					ls = str(r.S)
				}
			}
			rs, rv = str(r.S), fmt.Sprint(r.V)
		}
		if multi { // k, s, v_x, v_y
			return []string{k, ls, lv, rv}
		}
		return []string{k, ls, lv, rs, rv} // k, s_x, v_x, s_y, v_y
	}
	var out [][]string
	matchedR := make([]bool, len(right))
	for _, l := range left {
		any := false
		for j, r := range right {
			if match(l, r) {
				any = true
				matchedR[j] = true
				if how != dataframe.Semi && how != dataframe.Anti {
					out = append(out, row(&l, &right[j]))
				}
			}
		}
		switch {
		case how == dataframe.Semi && any, how == dataframe.Anti && !any:
			out = append(out, []string{str(l.K), str(l.S), fmt.Sprint(l.V)})
		case !any && (how == dataframe.Left || how == dataframe.Outer):
			out = append(out, row(&l, nil))
		}
	}
	if how == dataframe.Right || how == dataframe.Outer {
		for j := range right {
			if !matchedR[j] {
				out = append(out, row(nil, &right[j]))
			}
		}
	}
	return out
}
