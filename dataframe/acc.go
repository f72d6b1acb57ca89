package dataframe

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// accumulator is one aggregation's per-group state. update folds in raw rows, merge
// folds in another accumulator's state columns, state and final export them.
type accumulator interface {
	grow(n int)
	update(ids []int32, col arrow.Array)
	stateWidth() int
	state(mem memory.Allocator) ([]string, []arrow.Array)
	merge(ids []int32, cols []arrow.Array)
	final(mem memory.Allocator) arrow.Array
}

func newAccumulator(fn string, in arrow.DataType) (accumulator, error) {
	switch fn {
	case "sum":
		return &sumAcc{float: in.ID() == arrow.FLOAT64}, nil
	case "mean":
		return &meanAcc{}, nil
	case "std", "var":
		return &varAcc{kind: fn}, nil
	case "count":
		return &countAcc{}, nil
	case "size":
		return &countAcc{}, nil
	case "min", "max", "first", "last":
		return &pickAcc{kind: fn, typ: in}, nil
	case "median":
		return &medianAcc{q: 0.5}, nil
	case "quantile":
		return &medianAcc{q: -1}, nil // q set by the caller
	case "approx_quantile":
		return &approxAcc{q: -1}, nil // q set by the caller
	case "nunique":
		return &nuniqueAcc{typ: in}, nil
	case "any", "all":
		return &boolAcc{all: fn == "all"}, nil
	case "custom":
		return nil, nil // made from its definition by the caller
	case "nlargest":
		return &topAcc{float: in.ID() == arrow.FLOAT64}, nil // k set by the caller
	case "corr":
		return &corrAcc{}, nil
	}
	return nil, fmt.Errorf("dataframe: unknown aggregation %q", fn)
}

// cellValue is element r of an int64, float64, string or bool column as a Go value.
func cellValue(col arrow.Array, r int) any {
	switch c := col.(type) {
	case *array.Int64:
		return c.Value(r)
	case *array.Float64:
		return c.Value(r)
	case *array.String:
		return c.Value(r)
	case *array.Boolean:
		return c.Value(r)
	}
	return nil
}

// valid reports whether element i is present: not null, and not NaN in a float column.
func valid(col arrow.Array, i int) bool {
	if col.IsNull(i) {
		return false
	}
	if f, ok := col.(*array.Float64); ok {
		return !math.IsNaN(f.Value(i))
	}
	return true
}

func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}

// numeric reads element i of an int64, float64 or bool column as float64 and int64.
func numeric(col arrow.Array, i int) (float64, int64) {
	switch c := col.(type) {
	case *array.Int64:
		return float64(c.Value(i)), c.Value(i)
	case *array.Float64:
		return c.Value(i), int64(c.Value(i))
	case *array.Boolean:
		if c.Value(i) {
			return 1, 1
		}
	}
	return 0, 0
}

// sumAcc sums integers exactly in int64 and floats in float64; with a minimum count it
// also counts the present values.
type sumAcc struct {
	float    bool
	minCount int
	i        []int64
	f        []float64
	n        []int64
}

func (a *sumAcc) grow(n int) {
	if a.float {
		a.f = growTo(a.f, n)
	} else {
		a.i = growTo(a.i, n)
	}
	if a.minCount > 0 {
		a.n = growTo(a.n, n)
	}
}

func (a *sumAcc) update(ids []int32, col arrow.Array) {
	if a.minCount > 0 {
		for r, g := range ids {
			if g >= 0 && valid(col, r) {
				a.n[g]++
			}
		}
	}
	if c, ok := col.(*array.Int64); ok && c.NullN() == 0 {
		vs := c.Int64Values()
		for r, g := range ids {
			if g >= 0 {
				a.i[g] += vs[r]
			}
		}
		return
	}
	if c, ok := col.(*array.Float64); ok && c.NullN() == 0 {
		vs := c.Float64Values()
		for r, g := range ids {
			if g >= 0 && !math.IsNaN(vs[r]) {
				a.f[g] += vs[r]
			}
		}
		return
	}
	for r, g := range ids {
		if g < 0 || !valid(col, r) {
			continue
		}
		f, i := numeric(col, r)
		if a.float {
			a.f[g] += f
		} else {
			a.i[g] += i
		}
	}
}

func (a *sumAcc) stateWidth() int {
	if a.minCount > 0 {
		return 2
	}
	return 1
}

func (a *sumAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	sum := a.values(mem, false)
	if a.minCount == 0 {
		return []string{"sum"}, []arrow.Array{sum}
	}
	nb := array.NewInt64Builder(mem)
	defer nb.Release()
	nb.AppendValues(a.n, nil)
	return []string{"sum", "n"}, []arrow.Array{sum, nb.NewArray()}
}

func (a *sumAcc) merge(ids []int32, cols []arrow.Array) {
	keep := a.minCount
	a.minCount = 0 // the state's sums hold no missing values to count
	a.update(ids, cols[0])
	a.minCount = keep
	if keep > 0 {
		ns := cols[1].(*array.Int64).Int64Values()
		for r, g := range ids {
			if g >= 0 {
				a.n[g] += ns[r]
			}
		}
	}
}

func (a *sumAcc) final(mem memory.Allocator) arrow.Array { return a.values(mem, true) }

// values are the sums; final ones are null where fewer than minCount values were seen.
func (a *sumAcc) values(mem memory.Allocator, final bool) arrow.Array {
	var valid []bool
	if final && a.minCount > 0 {
		valid = make([]bool, len(a.n))
		for g, n := range a.n {
			valid[g] = n >= int64(a.minCount)
		}
	}
	if a.float {
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(a.f, valid)
		return b.NewArray()
	}
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(a.i, valid)
	return b.NewArray()
}

// countAcc counts present values (count) or rows (size).
type countAcc struct{ n []int64 }

func (a *countAcc) grow(n int) { a.n = growTo(a.n, n) }

func (a *countAcc) addRows(ids []int32) {
	for _, g := range ids {
		if g >= 0 {
			a.n[g]++
		}
	}
}

func (a *countAcc) update(ids []int32, col arrow.Array) {
	for r, g := range ids {
		if g >= 0 && valid(col, r) {
			a.n[g]++
		}
	}
}

func (a *countAcc) stateWidth() int { return 1 }

func (a *countAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	return []string{"n"}, []arrow.Array{a.final(mem)}
}

func (a *countAcc) merge(ids []int32, cols []arrow.Array) {
	vs := cols[0].(*array.Int64).Int64Values()
	for r, g := range ids {
		if g >= 0 {
			a.n[g] += vs[r]
		}
	}
}

func (a *countAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(a.n, nil)
	return b.NewArray()
}

// varAcc keeps count, mean and the sum of squared deviations (Welford's update,
// Chan's merge), for var and std.
type varAcc struct {
	kind string // var or std
	n    []int64
	m    []float64
	q    []float64
}

func (a *varAcc) grow(n int) {
	a.n, a.m, a.q = growTo(a.n, n), growTo(a.m, n), growTo(a.q, n)
}

func (a *varAcc) add(g int32, x float64) {
	a.n[g]++
	d := x - a.m[g]
	a.m[g] += d / float64(a.n[g])
	a.q[g] += d * (x - a.m[g])
}

func (a *varAcc) update(ids []int32, col arrow.Array) {
	for r, g := range ids {
		if g >= 0 && valid(col, r) {
			f, _ := numeric(col, r)
			a.add(g, f)
		}
	}
}

func (a *varAcc) stateWidth() int { return 3 }

func (a *varAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	nb := array.NewInt64Builder(mem)
	mb := array.NewFloat64Builder(mem)
	qb := array.NewFloat64Builder(mem)
	defer nb.Release()
	defer mb.Release()
	defer qb.Release()
	nb.AppendValues(a.n, nil)
	mb.AppendValues(a.m, nil)
	qb.AppendValues(a.q, nil)
	return []string{"n", "mean", "m2"}, []arrow.Array{nb.NewArray(), mb.NewArray(), qb.NewArray()}
}

func (a *varAcc) merge(ids []int32, cols []arrow.Array) {
	ns := cols[0].(*array.Int64).Int64Values()
	ms := cols[1].(*array.Float64).Float64Values()
	qs := cols[2].(*array.Float64).Float64Values()
	for r, g := range ids {
		if g < 0 || ns[r] == 0 {
			continue
		}
		n1, n2 := float64(a.n[g]), float64(ns[r])
		d := ms[r] - a.m[g]
		n := n1 + n2
		a.m[g] += d * n2 / n
		a.q[g] += qs[r] + d*d*n1*n2/n
		a.n[g] += ns[r]
	}
}

func (a *varAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	for g := range a.n {
		n := a.n[g]
		switch {
		case a.kind == "var" && n > 1:
			b.Append(a.q[g] / float64(n-1))
		case a.kind == "std" && n > 1:
			b.Append(math.Sqrt(a.q[g] / float64(n-1)))
		default:
			b.AppendNull()
		}
	}
	return b.NewArray()
}

// pickAcc keeps one value per group: the smallest, largest, first or last present.
type pickAcc struct {
	kind string
	typ  arrow.DataType
	has  []bool
	i    []int64
	f    []float64
	s    []string
	b    []bool
}

func (a *pickAcc) grow(n int) {
	a.has = growTo(a.has, n)
	switch a.typ.ID() {
	case arrow.INT64:
		a.i = growTo(a.i, n)
	case arrow.FLOAT64:
		a.f = growTo(a.f, n)
	case arrow.STRING:
		a.s = growTo(a.s, n)
	case arrow.BOOL:
		a.b = growTo(a.b, n)
	}
}

// better reports whether a new value should replace the kept one, given how they
// compare (c < 0: the new one is smaller).
func (a *pickAcc) better(c int) bool {
	switch a.kind {
	case "min":
		return c < 0
	case "max":
		return c > 0
	case "last":
		return true
	}
	return false // first keeps the first
}

func (a *pickAcc) update(ids []int32, col arrow.Array) {
	// Typed loops for min and max of numbers without nulls: no switch per row.
	if col.NullN() == 0 && (a.kind == "min" || a.kind == "max") {
		switch c := col.(type) {
		case *array.Int64:
			vs, isMax := c.Int64Values(), a.kind == "max"
			for r, g := range ids {
				if g < 0 {
					continue
				}
				if v := vs[r]; !a.has[g] || (isMax && v > a.i[g]) || (!isMax && v < a.i[g]) {
					a.i[g], a.has[g] = v, true
				}
			}
			return
		case *array.Float64:
			vs, isMax := c.Float64Values(), a.kind == "max"
			for r, g := range ids {
				if g < 0 || math.IsNaN(vs[r]) {
					continue
				}
				if v := vs[r]; !a.has[g] || (isMax && v > a.f[g]) || (!isMax && v < a.f[g]) {
					a.f[g], a.has[g] = v, true
				}
			}
			return
		}
	}
	for r, g := range ids {
		if g < 0 || !valid(col, r) {
			continue
		}
		switch c := col.(type) {
		case *array.Int64:
			v := c.Value(r)
			if !a.has[g] || a.better(cmp.Compare(v, a.i[g])) {
				a.i[g] = v
			}
		case *array.Float64:
			v := c.Value(r)
			if !a.has[g] || a.better(cmp.Compare(v, a.f[g])) {
				a.f[g] = v
			}
		case *array.String:
			v := c.Value(r)
			if !a.has[g] || a.better(cmp.Compare(v, a.s[g])) {
				a.s[g] = string([]byte(v)) // the array's bytes go away with it
			}
		case *array.Boolean:
			v := c.Value(r)
			if !a.has[g] || a.better(b2i(v)-b2i(a.b[g])) {
				a.b[g] = v
			}
		}
		a.has[g] = true
	}
}

func (a *pickAcc) stateWidth() int { return 1 }

func (a *pickAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	return []string{"v"}, []arrow.Array{a.final(mem)}
}

func (a *pickAcc) merge(ids []int32, cols []arrow.Array) { a.update(ids, cols[0]) }

func (a *pickAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewBuilder(mem, a.typ)
	defer b.Release()
	for g, ok := range a.has {
		if !ok {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Int64Builder:
			bb.Append(a.i[g])
		case *array.Float64Builder:
			bb.Append(a.f[g])
		case *array.StringBuilder:
			bb.Append(a.s[g])
		case *array.BooleanBuilder:
			bb.Append(a.b[g])
		}
	}
	return b.NewArray()
}

// medianAcc keeps every present value of each group (state: a list column) for an
// exact quantile q, interpolated linearly between the two nearest values (pandas'
// default); the median is q = 0.5.
type medianAcc struct {
	q  float64
	vs [][]float64
}

func (a *medianAcc) grow(n int) { a.vs = growTo(a.vs, n) }

func (a *medianAcc) update(ids []int32, col arrow.Array) {
	if c, ok := col.(*array.Float64); ok && c.NullN() == 0 {
		// Size each group's list for this batch first: one allocation per group, not
		// a doubling series.
		vs := c.Float64Values()
		cnt := make([]int32, len(a.vs))
		for _, g := range ids {
			if g >= 0 {
				cnt[g]++
			}
		}
		for g, n := range cnt {
			if n > 0 {
				a.vs[g] = slices.Grow(a.vs[g], int(n))
			}
		}
		for r, g := range ids {
			if v := vs[r]; g >= 0 && v == v { // NaN is missing
				a.vs[g] = append(a.vs[g], v)
			}
		}
		return
	}
	for r, g := range ids {
		if g >= 0 && valid(col, r) {
			f, _ := numeric(col, r)
			a.vs[g] = append(a.vs[g], f)
		}
	}
}

func (a *medianAcc) stateWidth() int { return 1 }

func (a *medianAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	b := array.NewListBuilder(mem, arrow.PrimitiveTypes.Float64)
	defer b.Release()
	vb := b.ValueBuilder().(*array.Float64Builder)
	for _, vs := range a.vs {
		b.Append(true)
		vb.AppendValues(vs, nil)
	}
	return []string{"values"}, []arrow.Array{b.NewArray()}
}

func (a *medianAcc) merge(ids []int32, cols []arrow.Array) {
	l := cols[0].(*array.List)
	vals := l.ListValues().(*array.Float64).Float64Values()
	offs := l.Offsets()
	for r, g := range ids {
		if g >= 0 {
			a.vs[g] = append(a.vs[g], vals[offs[r]:offs[r+1]]...)
		}
	}
}

func (a *medianAcc) final(mem memory.Allocator) arrow.Array {
	out := make([]float64, len(a.vs))
	ok := make([]bool, len(a.vs))
	total := 0
	for _, vs := range a.vs {
		total += len(vs)
	}
	// Selecting is linear in each group's values; many values are spread over the
	// cores, a contiguous range of groups each.
	workers := 1
	if total >= 1<<20 {
		workers = min(runtime.GOMAXPROCS(0), len(a.vs))
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(a.vs)/workers, (w+1)*len(a.vs)/workers
		wg.Go(func() {
			for g := lo; g < hi; g++ {
				if vs := a.vs[g]; len(vs) > 0 {
					out[g], ok[g] = quantileOf(vs, a.q), true
				}
			}
		})
	}
	wg.Wait()
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues(out, ok)
	return b.NewArray()
}

// quantileOf is the q-th quantile of vs (reordering vs), interpolated linearly
// between the two closest ranks, as pandas' default.
func quantileOf(vs []float64, q float64) float64 {
	pos := q * float64(len(vs)-1)
	lo := int(math.Floor(pos))
	selectKth(vs, lo)
	v := vs[lo]
	if frac := pos - float64(lo); frac > 0 && lo+1 < len(vs) {
		next := slices.Min(vs[lo+1:]) // every value after lo is at least vs[lo]
		v += (next - v) * frac
	}
	return v
}

// selectKth reorders a so that a[k] is the value a sorted a would have there, every
// value before it is no greater and every value after no smaller (quickselect, with a
// median-of-three pivot; a has no NaN).
func selectKth(a []float64, k int) {
	lo, hi := 0, len(a)-1
	for hi > lo {
		if hi-lo < 16 {
			slices.Sort(a[lo : hi+1])
			return
		}
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		p := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < p {
				i++
			}
			for a[j] > p {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return // a[j+1:i] all equal the pivot
		}
	}
}

// nuniqueAcc keeps each group's distinct present values (state: a list column).
type nuniqueAcc struct {
	typ  arrow.DataType
	sets []map[any]struct{}
}

func (a *nuniqueAcc) grow(n int) { a.sets = growTo(a.sets, n) }

func (a *nuniqueAcc) add(g int32, col arrow.Array, r int) {
	if a.sets[g] == nil {
		a.sets[g] = map[any]struct{}{}
	}
	v := cellValue(col, r)
	if _, ok := a.sets[g][v]; !ok {
		if s, isStr := v.(string); isStr {
			v = string([]byte(s)) // the array's bytes go away with it
		}
		a.sets[g][v] = struct{}{}
	}
}

func (a *nuniqueAcc) update(ids []int32, col arrow.Array) {
	for r, g := range ids {
		if g >= 0 && valid(col, r) {
			a.add(g, col, r)
		}
	}
}

func (a *nuniqueAcc) stateWidth() int { return 1 }

func (a *nuniqueAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	b := array.NewListBuilder(mem, a.typ)
	defer b.Release()
	vb := b.ValueBuilder()
	for _, set := range a.sets {
		b.Append(true)
		for v := range set {
			switch x := v.(type) {
			case int64:
				vb.(*array.Int64Builder).Append(x)
			case float64:
				vb.(*array.Float64Builder).Append(x)
			case string:
				vb.(*array.StringBuilder).Append(x)
			case bool:
				vb.(*array.BooleanBuilder).Append(x)
			}
		}
	}
	return []string{"values"}, []arrow.Array{b.NewArray()}
}

func (a *nuniqueAcc) merge(ids []int32, cols []arrow.Array) {
	l := cols[0].(*array.List)
	vals := l.ListValues()
	offs := l.Offsets()
	for r, g := range ids {
		if g < 0 {
			continue
		}
		if a.sets[g] == nil {
			a.sets[g] = map[any]struct{}{}
		}
		for i := offs[r]; i < offs[r+1]; i++ {
			a.add(g, vals, int(i))
		}
	}
}

func (a *nuniqueAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	for _, set := range a.sets {
		b.Append(int64(len(set)))
	}
	return b.NewArray()
}

// boolAcc is any or all of a column's present values (as truth values; all of
// nothing is true, any of nothing false, as in pandas).
type boolAcc struct {
	all  bool
	seen []bool // for all: a false value met; for any: a true value met
}

func (a *boolAcc) grow(n int) { a.seen = growTo(a.seen, n) }

func truth(col arrow.Array, r int) bool {
	switch c := col.(type) {
	case *array.Boolean:
		return c.Value(r)
	case *array.String:
		return c.Value(r) != ""
	}
	f, _ := numeric(col, r)
	return f != 0
}

func (a *boolAcc) update(ids []int32, col arrow.Array) {
	for r, g := range ids {
		if g >= 0 && valid(col, r) && truth(col, r) != a.all {
			a.seen[g] = true
		}
	}
}

func (a *boolAcc) stateWidth() int { return 1 }

func (a *boolAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(a.seen, nil)
	return []string{"seen"}, []arrow.Array{b.NewArray()}
}

func (a *boolAcc) merge(ids []int32, cols []arrow.Array) {
	c := cols[0].(*array.Boolean)
	for r, g := range ids {
		if g >= 0 && c.Value(r) {
			a.seen[g] = true
		}
	}
}

func (a *boolAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	for _, s := range a.seen {
		b.Append(s != a.all)
	}
	return b.NewArray()
}

// corrAcc keeps count, means and co-moments of two columns (pairwise complete rows).
type corrAcc struct {
	n                []int64
	mx, my, sxx, syy []float64
	sxy              []float64
}

func (a *corrAcc) grow(n int) {
	a.n = growTo(a.n, n)
	a.mx, a.my = growTo(a.mx, n), growTo(a.my, n)
	a.sxx, a.syy, a.sxy = growTo(a.sxx, n), growTo(a.syy, n), growTo(a.sxy, n)
}

func (a *corrAcc) update(ids []int32, col arrow.Array) {}

func (a *corrAcc) update2(ids []int32, x, y arrow.Array) {
	for r, g := range ids {
		if g < 0 || !valid(x, r) || !valid(y, r) {
			continue
		}
		xv, _ := numeric(x, r)
		yv, _ := numeric(y, r)
		a.n[g]++
		n := float64(a.n[g])
		dx := xv - a.mx[g]
		dy := yv - a.my[g]
		a.mx[g] += dx / n
		a.my[g] += dy / n
		a.sxx[g] += dx * (xv - a.mx[g])
		a.syy[g] += dy * (yv - a.my[g])
		a.sxy[g] += dx * (yv - a.my[g])
	}
}

func (a *corrAcc) stateWidth() int { return 6 }

func (a *corrAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	nb := array.NewInt64Builder(mem)
	defer nb.Release()
	nb.AppendValues(a.n, nil)
	out := []arrow.Array{nb.NewArray()}
	for _, v := range [][]float64{a.mx, a.my, a.sxx, a.syy, a.sxy} {
		fb := array.NewFloat64Builder(mem)
		fb.AppendValues(v, nil)
		out = append(out, fb.NewArray())
		fb.Release()
	}
	return []string{"n", "mx", "my", "sxx", "syy", "sxy"}, out
}

func (a *corrAcc) merge(ids []int32, cols []arrow.Array) {
	ns := cols[0].(*array.Int64).Int64Values()
	f := func(i int) []float64 { return cols[i].(*array.Float64).Float64Values() }
	mx, my, sxx, syy, sxy := f(1), f(2), f(3), f(4), f(5)
	for r, g := range ids {
		if g < 0 || ns[r] == 0 {
			continue
		}
		n1, n2 := float64(a.n[g]), float64(ns[r])
		n := n1 + n2
		dx, dy := mx[r]-a.mx[g], my[r]-a.my[g]
		a.sxx[g] += sxx[r] + dx*dx*n1*n2/n
		a.syy[g] += syy[r] + dy*dy*n1*n2/n
		a.sxy[g] += sxy[r] + dx*dy*n1*n2/n
		a.mx[g] += dx * n2 / n
		a.my[g] += dy * n2 / n
		a.n[g] += ns[r]
	}
}

func (a *corrAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	for g := range a.n {
		d := math.Sqrt(a.sxx[g] * a.syy[g])
		if a.n[g] < 2 || d == 0 {
			b.AppendNull()
			continue
		}
		b.Append(a.sxy[g] / d)
	}
	return b.NewArray()
}

// meanAcc keeps a sum and a count: the mean without a division per value.
type meanAcc struct {
	s []float64
	n []int64
}

func (a *meanAcc) grow(n int) { a.s, a.n = growTo(a.s, n), growTo(a.n, n) }

func (a *meanAcc) update(ids []int32, col arrow.Array) {
	switch c := col.(type) {
	case *array.Int64:
		if c.NullN() == 0 {
			for r, g := range ids {
				if g >= 0 {
					a.s[g] += float64(c.Value(r))
					a.n[g]++
				}
			}
			return
		}
	case *array.Float64:
		if c.NullN() == 0 {
			vs := c.Float64Values()
			for r, g := range ids {
				if g >= 0 && !math.IsNaN(vs[r]) {
					a.s[g] += vs[r]
					a.n[g]++
				}
			}
			return
		}
	}
	for r, g := range ids {
		if g >= 0 && valid(col, r) {
			f, _ := numeric(col, r)
			a.s[g] += f
			a.n[g]++
		}
	}
}

func (a *meanAcc) stateWidth() int { return 2 }

func (a *meanAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	sb := array.NewFloat64Builder(mem)
	nb := array.NewInt64Builder(mem)
	defer sb.Release()
	defer nb.Release()
	sb.AppendValues(a.s, nil)
	nb.AppendValues(a.n, nil)
	return []string{"sum", "n"}, []arrow.Array{sb.NewArray(), nb.NewArray()}
}

func (a *meanAcc) merge(ids []int32, cols []arrow.Array) {
	ss := cols[0].(*array.Float64).Float64Values()
	ns := cols[1].(*array.Int64).Int64Values()
	for r, g := range ids {
		if g >= 0 {
			a.s[g] += ss[r]
			a.n[g] += ns[r]
		}
	}
}

func (a *meanAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	for g, n := range a.n {
		if n == 0 {
			b.AppendNull()
		} else {
			b.Append(a.s[g] / float64(n))
		}
	}
	return b.NewArray()
}

// topAcc keeps each group's k largest present values, largest first (state and result:
// a list column; GroupBy.NLargest explodes it into rows).
type topAcc struct {
	k     int
	float bool
	vs    []float64 // group g's values are vs[g*k : g*k+n[g]], largest first
	n     []int32
}

func (a *topAcc) grow(n int) {
	a.vs = growTo(a.vs, n*a.k)
	a.n = growTo(a.n, n)
}

// add inserts v keeping group g's values sorted descending and at most k; among equal
// values the earlier stays first, as pandas' nlargest keeps the first.
func (a *topAcc) add(g int32, v float64) {
	s := a.vs[int(g)*a.k : int(g+1)*a.k]
	n := int(a.n[g])
	if n == a.k {
		if v <= s[n-1] {
			return
		}
		n-- // the smallest drops out
	} else {
		a.n[g]++
	}
	i := n
	for i > 0 && s[i-1] < v {
		s[i] = s[i-1]
		i--
	}
	s[i] = v
}

func (a *topAcc) update(ids []int32, col arrow.Array) {
	if c, ok := col.(*array.Float64); ok && c.NullN() == 0 {
		vs := c.Float64Values()
		for r, g := range ids {
			if v := vs[r]; g >= 0 && v == v { // NaN is missing
				a.add(g, v)
			}
		}
		return
	}
	for r, g := range ids {
		if g >= 0 && valid(col, r) {
			f, _ := numeric(col, r)
			a.add(g, f)
		}
	}
}

func (a *topAcc) stateWidth() int { return 1 }

func (a *topAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	return []string{"top"}, []arrow.Array{a.final(mem)}
}

func (a *topAcc) merge(ids []int32, cols []arrow.Array) {
	l := cols[0].(*array.List)
	offs := l.Offsets()
	vals := l.ListValues()
	for r, g := range ids {
		if g < 0 {
			continue
		}
		for i := offs[r]; i < offs[r+1]; i++ {
			f, _ := numeric(vals, int(i))
			a.add(g, f)
		}
	}
}

func (a *topAcc) final(mem memory.Allocator) arrow.Array {
	typ := arrow.DataType(arrow.PrimitiveTypes.Int64)
	if a.float {
		typ = arrow.PrimitiveTypes.Float64
	}
	b := array.NewListBuilder(mem, typ)
	defer b.Release()
	total := 0
	for _, n := range a.n {
		total += int(n)
	}
	b.Reserve(len(a.n))
	b.ValueBuilder().Reserve(total)
	for g, n := range a.n {
		b.Append(true)
		vs := a.vs[g*a.k : g*a.k+int(n)]
		if a.float {
			b.ValueBuilder().(*array.Float64Builder).AppendValues(vs, nil)
			continue
		}
		ib := b.ValueBuilder().(*array.Int64Builder)
		for _, v := range vs {
			ib.Append(int64(v))
		}
	}
	return b.NewArray()
}
