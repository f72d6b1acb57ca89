package dataframe_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// asofInputs are the merge_asof test sides (testdata/dataframe/make_asof_goldens.py),
// one partition per file, the second file of each without rows.
func asofInputs() (trades, quotes *dataframe.DataFrame) {
	dir := filepath.Join("..", "testdata", "dataframe")
	return dataframe.ReadCSV(filepath.Join(dir, "asof-trades-*.csv")), dataframe.ReadCSV(filepath.Join(dir, "asof-quotes-*.csv"))
}

// TestMergeAsofGoldens runs every direction, with and without exact matches,
// tolerance and by, on integer and timestamp keys, against pandas — with the sides
// spread over their files (empty partitions, equal keys across partition edges), cut
// into more partitions, or the right side in one partition (broadcast) — on every
// scheduler.
func TestMergeAsofGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe", "golden")
	type asofCase struct {
		golden string
		opts   []dataframe.AsofOption
		right  func(*dataframe.DataFrame) *dataframe.DataFrame
	}
	var cases []asofCase
	for _, d := range []dataframe.AsofDir{dataframe.Backward, dataframe.Forward, dataframe.Nearest} {
		on, dir := dataframe.AsofOn("time"), dataframe.AsofDirection(d)
		cases = append(cases,
			asofCase{golden: fmt.Sprintf("asof_%s", d), opts: []dataframe.AsofOption{on, dir}},
			asofCase{golden: fmt.Sprintf("asof_%s_noexact", d), opts: []dataframe.AsofOption{on, dir, dataframe.AllowExactMatches(false)}},
			asofCase{golden: fmt.Sprintf("asof_%s_tol1", d), opts: []dataframe.AsofOption{on, dir, dataframe.AsofTolerance(1)}},
			asofCase{golden: fmt.Sprintf("asof_by_%s", d), opts: []dataframe.AsofOption{on, dir, dataframe.AsofBy("ticker")}},
		)
	}
	cases = append(cases,
		asofCase{golden: "asof_by_nearest_tol3_noexact", opts: []dataframe.AsofOption{dataframe.AsofOn("time"), dataframe.AsofBy("ticker"),
			dataframe.AsofDirection(dataframe.Nearest), dataframe.AsofTolerance(int64(3)), dataframe.AllowExactMatches(false)}},
		asofCase{golden: "asof_ts_backward_tol3s", opts: []dataframe.AsofOption{dataframe.AsofOn("ts"), dataframe.AsofTolerance(3 * time.Second)}},
		asofCase{golden: "asof_ts_by_nearest_tol2s", opts: []dataframe.AsofOption{dataframe.AsofOn("ts"), dataframe.AsofBy("ticker"),
			dataframe.AsofDirection(dataframe.Nearest), dataframe.AsofTolerance(2 * time.Second)}},
		asofCase{golden: "asof_left_right_on", opts: []dataframe.AsofOption{dataframe.AsofLeftOn("time"), dataframe.AsofRightOn("qtime"), dataframe.AsofDirection(dataframe.Forward)},
			right: func(q *dataframe.DataFrame) *dataframe.DataFrame { return q.Rename(map[string]string{"time": "qtime"}) }},
		asofCase{golden: "asof_empty_right", opts: []dataframe.AsofOption{dataframe.AsofOn("time")},
			right: func(q *dataframe.DataFrame) *dataframe.DataFrame {
				return q.Filter(dataframe.Col("time").Lt(dataframe.Lit(-1)))
			}},
	)
	layouts := []struct {
		name        string
		left, right func(*dataframe.DataFrame) *dataframe.DataFrame
	}{
		{"files", nil, nil},
		{"cut", func(d *dataframe.DataFrame) *dataframe.DataFrame { return d.Repartition(7) }, func(d *dataframe.DataFrame) *dataframe.DataFrame { return d.Repartition(9) }},
		{"right-one", nil, func(d *dataframe.DataFrame) *dataframe.DataFrame { return d.Repartition(1) }},
		{"left-one", func(d *dataframe.DataFrame) *dataframe.DataFrame { return d.Repartition(1) }, nil},
	}
	for _, tc := range cases {
		want := readGolden(t, filepath.Join(dir, tc.golden+".csv"))
		for _, lay := range layouts {
			t.Run(tc.golden+"/"+lay.name, func(t *testing.T) {
				trades, quotes := asofInputs()
				if tc.right != nil {
					quotes = tc.right(quotes)
				}
				if lay.left != nil {
					trades = lay.left(trades)
				}
				if lay.right != nil {
					quotes = lay.right(quotes)
				}
				m := dataframe.MergeAsof(trades, quotes, tc.opts...)
				if err := m.Err(); err != nil {
					t.Fatal(err)
				}
				if m.NPartitions() != trades.NPartitions() {
					t.Fatalf("%d partitions, the left has %d", m.NPartitions(), trades.NPartitions())
				}
				eachScheduler(t, func(t *testing.T, opt gask.Option) {
					ctx := checked(t)
					tbl, err := m.Compute(ctx, opt)
					if err != nil {
						t.Fatal(err)
					}
					defer tbl.Release()
					compareRows(t, tc.golden, tableRows(tbl), want)
				})
			})
		}
	}
}

type asofLeft struct {
	T int64   `gask:"t"`
	G *string `gask:"g"`
	V int64   `gask:"v"`
}

type asofRight struct {
	T int64   `gask:"t"`
	G *string `gask:"g"`
	W int64   `gask:"w"`
}

type asofLeftF struct {
	T float64 `gask:"t"`
	V int64   `gask:"v"`
}

type asofRightF struct {
	T float64 `gask:"t"`
	W int64   `gask:"w"`
}

// asofOracle is pandas' merge_asof by a nested loop: for each left row, the index of
// its right row, -1 for none. keys are compared as float64; same says whether two
// rows are in one by group.
func asofOracle(lk, rk []float64, same func(l, r int) bool, dir dataframe.AsofDir, exact bool, tol float64) []int {
	out := make([]int, len(lk))
	for l, x := range lk {
		b, f := -1, -1
		for r, y := range rk {
			if !same(l, r) {
				continue
			}
			if y < x || exact && y == x {
				b = r // the last one
			}
			if f < 0 && (y > x || exact && y == x) {
				f = r // the first one
			}
		}
		if b >= 0 && tol >= 0 && x-rk[b] > tol {
			b = -1
		}
		if f >= 0 && tol >= 0 && rk[f]-x > tol {
			f = -1
		}
		switch dir {
		case dataframe.Backward:
			out[l] = b
		case dataframe.Forward:
			out[l] = f
		default:
			out[l] = b
			if f >= 0 && (b < 0 || x-rk[b] > rk[f]-x) {
				out[l] = f
			}
		}
	}
	return out
}

// cutRandomly spreads rows over partitions of random sizes, some empty.
func cutRandomly[T any](rng *rand.Rand, rows []T, parts int) *dataframe.DataFrame {
	cuts := []int{0, len(rows)}
	for range parts - 1 {
		cuts = append(cuts, rng.IntN(len(rows)+1))
	}
	slices.Sort(cuts)
	dfs := make([]*dataframe.DataFrame, parts)
	for i := range dfs {
		dfs[i] = dataframe.FromRecords(rows[cuts[i]:cuts[i+1]], 1)
	}
	return dataframe.Concat(dfs...)
}

// TestMergeAsofRandom checks every direction, exact matches or not, with and without
// tolerance and by (null by values included), against a nested loop, over random
// sorted keys with many ties cut into random partitions (in process; procs takes a
// sample of the trials).
func TestMergeAsofRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	groups := []string{"a", "b", "c"}
	group := func() *string {
		if rng.IntN(8) == 0 {
			return nil
		}
		return &groups[rng.IntN(len(groups))]
	}
	sortedKeys := func(n int, span int64) []int64 {
		ks := make([]int64, n)
		for i := range ks {
			ks[i] = rng.Int64N(span) - span/3
		}
		slices.Sort(ks)
		return ks
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for trial := range 40 {
		nl, nr := rng.IntN(60), rng.IntN(60)
		if trial%10 == 3 {
			nr = 0
		}
		span := int64(1 + rng.IntN(80))
		left := make([]asofLeft, nl)
		for i, k := range sortedKeys(nl, span) {
			left[i] = asofLeft{T: k, G: group(), V: int64(i)}
		}
		right := make([]asofRight, nr)
		for i, k := range sortedKeys(nr, span) {
			right[i] = asofRight{T: k, G: group(), W: int64(100 + i)}
		}
		lk, rk := make([]float64, nl), make([]float64, nr)
		for i := range left {
			lk[i] = float64(left[i].T)
		}
		for i := range right {
			rk[i] = float64(right[i].T)
		}
		pl, pr := 1+rng.IntN(6), 1+rng.IntN(6)
		for _, by := range []bool{false, true} {
			for _, dir := range []dataframe.AsofDir{dataframe.Backward, dataframe.Forward, dataframe.Nearest} {
				exact := rng.IntN(2) == 0
				tol := int64(-1)
				if rng.IntN(2) == 0 {
					tol = rng.Int64N(5)
				}
				name := fmt.Sprintf("trial=%d/rows=%d,%d/parts=%d,%d/by=%v/%s/exact=%v/tol=%d", trial, nl, nr, pl, pr, by, dir, exact, tol)
				t.Run(name, func(t *testing.T) {
					opts := []dataframe.AsofOption{dataframe.AsofOn("t"), dataframe.AsofDirection(dir), dataframe.AllowExactMatches(exact)}
					same := func(l, r int) bool { return true }
					if by {
						opts = append(opts, dataframe.AsofBy("g"))
						same = func(l, r int) bool {
							return str(left[l].G) == str(right[r].G) && (left[l].G == nil) == (right[r].G == nil)
						}
					}
					if tol >= 0 {
						opts = append(opts, dataframe.AsofTolerance(tol))
					}
					want := [][]string{{"t", "g_x", "v", "g_y", "w"}}
					if by {
						want[0] = []string{"t", "g", "v", "w"}
					}
					for l, r := range asofOracle(lk, rk, same, dir, exact, float64(tol)) {
						row := []string{fmt.Sprint(left[l].T), str(left[l].G), fmt.Sprint(left[l].V)}
						switch {
						case r < 0 && by:
							row = append(row, "")
						case r < 0:
							row = append(row, "", "")
						case by:
							row = append(row, fmt.Sprint(right[r].W))
						default:
							row = append(row, str(right[r].G), fmt.Sprint(right[r].W))
						}
						want = append(want, row)
					}
					m := dataframe.MergeAsof(cutRandomly(rng, left, pl), cutRandomly(rng, right, pr), opts...)
					// Procs, whose every computation costs a few dozen round trips to
					// worker processes, takes one trial in five (those with and
					// without a right side); the others check the algorithm.
					scheds := schedulers
					if trial%10 != 0 && trial%10 != 3 {
						scheds = scheds[:2]
					}
					eachSchedulerOf(t, scheds, func(t *testing.T, opt gask.Option) {
						ctx := checked(t)
						tbl, err := m.Compute(ctx, opt)
						if err != nil {
							t.Fatal(err)
						}
						defer tbl.Release()
						got := tableRows(tbl)
						if !slices.EqualFunc(got, want, slices.Equal) {
							for i := range min(len(got), len(want)) {
								if !slices.Equal(got[i], want[i]) {
									t.Fatalf("%d rows, nested loop %d; row %d: %v, want %v", len(got)-1, len(want)-1, i, got[i], want[i])
								}
							}
							t.Fatalf("%d rows, nested loop %d", len(got)-1, len(want)-1)
						}
					})
				})
			}
		}
	}
}

// TestMergeAsofFloat checks float keys with a float tolerance against the nested loop.
func TestMergeAsofFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := range 10 {
		nl, nr := 1+rng.IntN(40), rng.IntN(40)
		left, right := make([]asofLeftF, nl), make([]asofRightF, nr)
		lk, rk := make([]float64, nl), make([]float64, nr)
		for i := range lk {
			lk[i] = float64(rng.IntN(40)) / 4
		}
		for i := range rk {
			rk[i] = float64(rng.IntN(40)) / 4
		}
		slices.Sort(lk)
		slices.Sort(rk)
		for i, k := range lk {
			left[i] = asofLeftF{T: k, V: int64(i)}
		}
		for i, k := range rk {
			right[i] = asofRightF{T: k, W: int64(i)}
		}
		for _, dir := range []dataframe.AsofDir{dataframe.Backward, dataframe.Forward, dataframe.Nearest} {
			tol := 0.5
			want := [][]string{{"t", "v", "w"}}
			for l, r := range asofOracle(lk, rk, func(int, int) bool { return true }, dir, true, tol) {
				w := ""
				if r >= 0 {
					w = fmt.Sprint(right[r].W)
				}
				want = append(want, []string{fmt.Sprint(lk[l]), fmt.Sprint(left[l].V), w})
			}
			t.Run(fmt.Sprintf("trial=%d/%s", trial, dir), func(t *testing.T) {
				ctx := checked(t)
				m := dataframe.MergeAsof(cutRandomly(rng, left, 3), cutRandomly(rng, right, 4),
					dataframe.AsofOn("t"), dataframe.AsofDirection(dir), dataframe.AsofTolerance(tol))
				tbl, err := m.Compute(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer tbl.Release()
				compareRows(t, "float", tableRows(tbl), want)
			})
		}
	}
}

type asofTS struct {
	At time.Time `gask:"at"`
	V  int64     `gask:"v"`
}

type asofStr struct {
	T string  `gask:"t"`
	F float64 `gask:"f"`
	G int64   `gask:"g"`
}

// TestMergeAsofErrors checks that bad input is an error naming the columns: before
// anything runs when the schemas tell, from Compute (naming the partition) when only
// the data does.
func TestMergeAsofErrors(t *testing.T) {
	trades, quotes := asofInputs()
	ts := dataframe.FromRecords([]asofTS{{time.Unix(0, 0), 1}}, 1)
	str := dataframe.FromRecords([]asofStr{{"a", 1, 1}}, 1)
	on := dataframe.AsofOn("time")
	for _, tc := range []struct {
		df   *dataframe.DataFrame
		want string
	}{
		{dataframe.MergeAsof(trades, quotes), "no key column: name it with AsofOn"},
		{dataframe.MergeAsof(trades, quotes, dataframe.AsofOn("nope")), `merge_asof: the left side has no key column "nope"`},
		{dataframe.MergeAsof(trades, quotes, dataframe.AsofLeftOn("time"), dataframe.AsofRightOn("nope")), `the right side has no key column "nope"`},
		{dataframe.MergeAsof(trades, quotes, dataframe.AsofLeftOn("time")), "give both AsofLeftOn and AsofRightOn"},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofLeftOn("time")), "not both"},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofBy("nope")), `the left side has no by column "nope"`},
		{dataframe.MergeAsof(trades, quotes.Rename(map[string]string{"ticker": "sym"}), on, dataframe.AsofBy("ticker")), `the right side has no by column "ticker"`},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofBy("price")), ""}, // float by columns are fine
		{dataframe.MergeAsof(trades, str, dataframe.AsofLeftOn("time"), dataframe.AsofRightOn("t")), `left key "time" is int64 and right key "t" is utf8`},
		{dataframe.MergeAsof(trades, str, dataframe.AsofLeftOn("time"), dataframe.AsofRightOn("f")), `left key "time" is int64 and right key "f" is float64: integer and float keys do not mix`},
		{dataframe.MergeAsof(trades, ts, dataframe.AsofLeftOn("time"), dataframe.AsofRightOn("at")), `left key "time" is int64 and right key "at" is timestamp`},
		{dataframe.MergeAsof(trades, quotes, dataframe.AsofOn("ticker")), `left key "ticker" is utf8 and right key "ticker" is utf8`},
		{dataframe.MergeAsof(trades, str.Rename(map[string]string{"g": "time", "t": "ticker"}), on, dataframe.AsofBy("ticker", "qty")), `the right side has no by column "qty"`},
		{dataframe.MergeAsof(trades, quotes.WithColumn("ticker", dataframe.Col("seq")), on, dataframe.AsofBy("ticker")), `by column "ticker" is utf8 on the left and int64 on the right`},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofTolerance(1.5)), `tolerance 1.5 (float64) does not fit key "time" of type int64: give an integer`},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofTolerance(time.Second)), `does not fit key "time" of type int64: give a number`},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofTolerance("1")), `tolerance 1 (string) does not fit key "time"`},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofTolerance(-1)), "tolerance -1 must not be negative"},
		{dataframe.MergeAsof(trades, quotes, dataframe.AsofOn("ts"), dataframe.AsofTolerance(3)), `tolerance 3 (int) does not fit key "ts" of type timestamp[us]: give a time.Duration`},
		{dataframe.MergeAsof(trades, quotes, dataframe.AsofOn("ts"), dataframe.AsofTolerance(-time.Second)), "tolerance -1s must not be negative"},
		{dataframe.MergeAsof(trades, quotes, dataframe.AsofOn("price"), dataframe.AsofTolerance(-0.5)), "tolerance -0.5 must not be negative"},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofDirection("sideways")), `unknown direction "sideways"`},
		{dataframe.MergeAsof(trades, quotes, on, dataframe.AsofSuffixes("", "")), `two columns named "ticker"`},
		{dataframe.MergeAsof(trades.Rename(map[string]string{"qty": "__gask_asof_row"}), quotes, on, dataframe.AsofBy("ticker")), `a column named "__gask_asof_row"`},
	} {
		err := tc.df.Err()
		if tc.want == "" {
			if err != nil {
				t.Errorf("unexpected error %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "dataframe: merge_asof: ") {
			t.Errorf("error %v, want it to say %q", err, tc.want)
		}
	}
}

// TestMergeAsofDataErrors checks the errors only the data shows — unsorted keys,
// within a partition or across partitions, on either side, and null keys — with and
// without by, on every scheduler, leaking nothing.
func TestMergeAsofDataErrors(t *testing.T) {
	k := func(ks ...int64) []asofRight {
		out := make([]asofRight, len(ks))
		for i, v := range ks {
			out[i] = asofRight{T: v, W: int64(i)}
		}
		return out
	}
	type pt struct {
		T *int64 `gask:"t"`
		W int64  `gask:"w"`
	}
	one := int64(1)
	nullKey := dataframe.FromRecords([]pt{{&one, 0}, {nil, 1}}, 1)
	sorted := func(parts int) *dataframe.DataFrame { return dataframe.FromRecords(k(1, 2, 3, 4, 5, 6), parts) }
	for _, tc := range []struct {
		name        string
		left, right *dataframe.DataFrame
		want        string
	}{
		{"left-within", dataframe.FromRecords(k(1, 3, 2, 4), 1), sorted(2), `the left key column "t" is not sorted: partition 0, row 2 (2) comes after 3`},
		{"left-across", dataframe.FromRecords(k(1, 5, 2, 6), 2), sorted(2), `the left key column "t" is not sorted across partitions: partition 1 starts at 2, before partition 0 ends (5)`},
		{"left-across-empty", dataframe.Concat(dataframe.FromRecords(k(1, 5), 1), dataframe.FromRecords(k(), 1), dataframe.FromRecords(k(4), 1)), sorted(1), `the left key column "t" is not sorted across partitions: partition 2 starts at 4, before partition 0 ends (5)`},
		{"right-within", sorted(2), dataframe.FromRecords(k(1, 2, 3, 4, 6, 5), 2), `the right key column "t" is not sorted: partition 1, row 2 (5) comes after 6`},
		{"right-across", sorted(2), dataframe.FromRecords(k(4, 5, 6, 1, 2, 3), 2), `the right key column "t" is not sorted across partitions: partition 1 starts at 1, before partition 0 ends (6)`},
		{"left-null", nullKey, sorted(1), `the left key column "t" has a null value (partition 0, row 1)`},
		{"right-null", sorted(3), nullKey, `the right key column "t" has a null value (partition `},
	} {
		for _, by := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/by=%v", tc.name, by), func(t *testing.T) {
				opts := []dataframe.AsofOption{dataframe.AsofOn("t")}
				l, r := tc.left, tc.right
				if by {
					opts = append(opts, dataframe.AsofBy("w"))
					if r.NPartitions() == 1 { // the shuffle as well as the broadcast
						r = r.Repartition(2)
					}
				}
				m := dataframe.MergeAsof(l, r, opts...)
				if err := m.Err(); err != nil {
					t.Fatal(err)
				}
				eachScheduler(t, func(t *testing.T, opt gask.Option) {
					ctx := checked(t)
					tbl, err := m.Compute(ctx, opt)
					if err == nil {
						tbl.Release()
						t.Fatal("no error")
					}
					if !strings.Contains(err.Error(), "dataframe: merge_asof: "+tc.want) {
						t.Fatalf("error %v, want it to say %q", err, tc.want)
					}
				})
			})
		}
	}
}

// TestMergeAsofTasks checks that the task count is linear in the partitions.
func TestMergeAsofTasks(t *testing.T) {
	rows := make([]asofRight, 100)
	for i := range rows {
		rows[i] = asofRight{T: int64(i), W: int64(i)}
	}
	for _, p := range [][2]int{{4, 5}, {16, 20}} {
		pl, pr := p[0], p[1]
		left, right := dataframe.FromRecords(rows, pl), dataframe.FromRecords(rows, pr)
		// Reads, stats and one bounds task per side; a split per right partition; a
		// join per left partition.
		m := dataframe.MergeAsof(left, right, dataframe.AsofOn("t"))
		g, err := m.Graph()
		if err != nil {
			t.Fatal(err)
		}
		if want := 2*pl + 1 + 3*pr + 1 + pl; g.Len() != want {
			t.Errorf("%d tasks for %d and %d partitions, want %d", g.Len(), pl, pr, want)
		}
		// With by: the same checks, a tag per left partition, two shuffles into n
		// partitions, a join and a route per shuffled partition, a restore per left one.
		m = dataframe.MergeAsof(left, right, dataframe.AsofOn("t"), dataframe.AsofBy("w"))
		g, err = m.Graph()
		if err != nil {
			t.Fatal(err)
		}
		n := max(pl, pr)
		if want := 2*pl + 2*pr + 2 + pl + (pl + n) + (pr + n) + 2*n + pl; g.Len() != want {
			t.Errorf("by: %d tasks for %d and %d partitions, want %d", g.Len(), pl, pr, want)
		}
		if !strings.Contains(m.Explain(), "MergeAsof on t direction=backward by [w]") {
			t.Errorf("explain:\n%s", m.Explain())
		}
	}
}

// TestMergeAsofDates checks date keys, whose tolerance is a time.Duration counted in
// whole days, in both directions across partitions.
func TestMergeAsofDates(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	left := dataframe.FromRecords([]asofTS{{day(1), 1}, {day(5), 2}, {day(10), 3}}, 2).Astype(map[string]string{"at": "date"})
	right := dataframe.FromRecords([]asofTS{{day(0), 10}, {day(3), 30}, {day(9), 90}, {day(12), 120}}, 3).Astype(map[string]string{"at": "date"})
	for _, tc := range []struct {
		dir  dataframe.AsofDir
		want string
	}{
		{dataframe.Backward, "10,,90"},
		{dataframe.Forward, ",,"},
		{dataframe.Nearest, "10,,90"},
	} {
		m := dataframe.MergeAsof(left, right, dataframe.AsofOn("at"), dataframe.AsofDirection(tc.dir), dataframe.AsofTolerance(36*time.Hour))
		eachScheduler(t, func(t *testing.T, opt gask.Option) {
			ctx := checked(t)
			tbl, err := m.Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			rows := tableRows(tbl)
			if !slices.Equal(rows[0], []string{"at", "v_x", "v_y"}) || rows[1][0] != "2024-01-01" {
				t.Fatalf("%s: %v", tc.dir, rows)
			}
			var got []string
			for _, r := range rows[1:] {
				got = append(got, r[2])
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("%s: matches %v, want %s", tc.dir, got, tc.want)
			}
		})
	}
}

// TestMergeAsofCategories matches by a category column (on one side or both), through
// the broadcast and the shuffle.
func TestMergeAsofCategories(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	want := readGolden(t, filepath.Join(dir, "golden", "asof_by_nearest.csv"))
	for _, cats := range [][2]bool{{true, true}, {true, false}, {false, true}} {
		for _, rparts := range []int{1, 3} {
			t.Run(fmt.Sprintf("categories=%v/right-partitions=%d", cats, rparts), func(t *testing.T) {
				read := func(name string, cat bool) *dataframe.DataFrame {
					var opts []dataframe.CSVOption
					if cat {
						opts = append(opts, dataframe.Categorical("ticker"))
					}
					return dataframe.ReadCSV(filepath.Join(dir, name), opts...)
				}
				trades, quotes := read("asof-trades-*.csv", cats[0]), read("asof-quotes-*.csv", cats[1]).Repartition(rparts)
				m := dataframe.MergeAsof(trades, quotes, dataframe.AsofOn("time"), dataframe.AsofBy("ticker"), dataframe.AsofDirection(dataframe.Nearest))
				eachScheduler(t, func(t *testing.T, opt gask.Option) {
					ctx := checked(t)
					tbl, err := m.Compute(ctx, opt)
					if err != nil {
						t.Fatal(err)
					}
					defer tbl.Release()
					compareRows(t, "asof_by_nearest", tableRows(tbl), want)
				})
			})
		}
	}
}

type asofU struct {
	T uint64 `gask:"t"`
	V int64  `gask:"v"`
}

// TestMergeAsofUint64 matches unsigned keys, and refuses those int64 cannot hold.
func TestMergeAsofUint64(t *testing.T) {
	ctx := checked(t)
	left := dataframe.FromRecords([]asofU{{1, 1}, {5, 2}}, 1)
	right := dataframe.FromRecords([]asofU{{0, 10}, {4, 40}}, 2)
	tbl, err := dataframe.MergeAsof(left, right, dataframe.AsofOn("t")).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	compareRows(t, "uint64", tableRows(tbl), [][]string{{"t", "v_x", "v_y"}, {"1", "1", "10"}, {"5", "2", "40"}})
	huge := dataframe.FromRecords([]asofU{{1 << 63, 1}}, 1)
	_, err = dataframe.MergeAsof(huge, right, dataframe.AsofOn("t")).Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), `merge_asof: key column "t": row 0 is 9223372036854775808, more than merge_asof compares`) {
		t.Fatalf("error %v", err)
	}
}
