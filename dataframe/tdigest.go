package dataframe

import (
	"math"
	"slices"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ApproxQuantile is a numeric column's q-quantile (0 ≤ q ≤ 1) estimated from a
// t-digest: each group keeps at most about 100 centroids however many values it has,
// so partial results stay small and merge as a tree (Dask's approximate quantiles).
// Groups of up to about 50 values are kept whole, and then the answer is exact and
// interpolated linearly like pandas'; beyond that the rank error is typically well
// under 1%, smallest near the tails.
func ApproxQuantile(col string, q float64) Agg {
	return Agg{Func: "approx_quantile", Column: col, Name: col, Q: q}
}

// tdigestCompression is δ: the number of centroids is at most about δ.
const tdigestCompression = 100

// tdigest is a merging t-digest (Dunning and Ertl) with the arcsine scale function.
type tdigest struct {
	means, weights []float64 // centroids, sorted by mean
	buf            []float64 // values not merged yet
	min, max       float64
	total          float64
}

func (d *tdigest) add(v float64) {
	if d.total == 0 || v < d.min {
		d.min = v
	}
	if d.total == 0 || v > d.max {
		d.max = v
	}
	d.total++
	d.buf = append(d.buf, v)
	if len(d.buf) >= 5*tdigestCompression {
		d.compress()
	}
}

// mergeDigest adds another digest's centroids.
func (d *tdigest) mergeDigest(means, weights []float64, lo, hi float64) {
	var w float64
	for _, x := range weights {
		w += x
	}
	if w == 0 {
		return
	}
	if d.total == 0 || lo < d.min {
		d.min = lo
	}
	if d.total == 0 || hi > d.max {
		d.max = hi
	}
	d.total += w
	d.means = append(d.means, means...)
	d.weights = append(d.weights, weights...)
	d.compressWith(true)
}

func (d *tdigest) compress() { d.compressWith(false) }

// compressWith merges the buffer into the centroids: all sorted by mean, then
// neighbours combined while the combined centroid spans at most one unit of the
// scale function k(q) = δ/(2π)·asin(2q−1).
func (d *tdigest) compressWith(force bool) {
	if len(d.buf) == 0 && !force {
		return
	}
	n := len(d.means) + len(d.buf)
	type c struct{ m, w float64 }
	all := make([]c, 0, n)
	for i := range d.means {
		all = append(all, c{d.means[i], d.weights[i]})
	}
	for _, v := range d.buf {
		all = append(all, c{v, 1})
	}
	d.buf = d.buf[:0]
	sort.SliceStable(all, func(i, j int) bool { return all[i].m < all[j].m })
	var total float64
	for _, x := range all {
		total += x.w
	}
	k := func(q float64) float64 { return tdigestCompression / (2 * math.Pi) * math.Asin(2*q-1) }
	kInv := func(k float64) float64 {
		return (math.Sin(min(max(k*2*math.Pi/tdigestCompression, -math.Pi/2), math.Pi/2)) + 1) / 2
	}
	d.means, d.weights = d.means[:0], d.weights[:0]
	cur := all[0]
	q0 := 0.0
	qLimit := kInv(k(q0) + 1)
	for _, x := range all[1:] {
		if q := q0 + (cur.w+x.w)/total; q <= qLimit {
			cur.m += (x.m - cur.m) * x.w / (cur.w + x.w)
			cur.w += x.w
			continue
		}
		d.means, d.weights = append(d.means, cur.m), append(d.weights, cur.w)
		q0 += cur.w / total
		qLimit = kInv(k(q0) + 1)
		cur = x
	}
	d.means, d.weights = append(d.means, cur.m), append(d.weights, cur.w)
}

// quantile estimates the q-quantile: centroid i stands for the ranks around its
// centre, and ranks between two centres are interpolated linearly — which, for
// centroids of one value each, is pandas' linear interpolation.
func (d *tdigest) quantile(q float64) (float64, bool) {
	d.compress()
	if d.total == 0 {
		return 0, false
	}
	if len(d.means) == 1 {
		return d.means[0], true
	}
	t := q*(d.total-1) + 0.5 // the target rank, as a centre position
	var cum float64
	prevC, prevM := 0.5, d.min // the smallest value is at the first rank
	for i, w := range d.weights {
		c := cum + w/2 // this centroid's centre
		if t <= c {
			if c <= prevC {
				return d.means[i], true
			}
			return prevM + (d.means[i]-prevM)*(t-prevC)/(c-prevC), true
		}
		prevC, prevM = c, d.means[i]
		cum += w
	}
	// Past the last centre: towards the maximum, reached at rank total-0.5.
	if end := d.total - 0.5; t < end && end > prevC {
		return prevM + (d.max-prevM)*(t-prevC)/(end-prevC), true
	}
	return d.max, true
}

// approxAcc keeps a t-digest per group (state: list columns of means and weights,
// and the minimum and maximum).
type approxAcc struct {
	q  float64
	ds []tdigest
}

func (a *approxAcc) grow(n int) { a.ds = growTo(a.ds, n) }

func (a *approxAcc) update(ids []int32, col arrow.Array) {
	for r, g := range ids {
		if g >= 0 && valid(col, r) {
			f, _ := numeric(col, r)
			a.ds[g].add(f)
		}
	}
}

func (a *approxAcc) stateWidth() int { return 4 }

func (a *approxAcc) state(mem memory.Allocator) ([]string, []arrow.Array) {
	means := array.NewListBuilder(mem, arrow.PrimitiveTypes.Float64)
	defer means.Release()
	weights := array.NewListBuilder(mem, arrow.PrimitiveTypes.Float64)
	defer weights.Release()
	lo := array.NewFloat64Builder(mem)
	defer lo.Release()
	hi := array.NewFloat64Builder(mem)
	defer hi.Release()
	mv := means.ValueBuilder().(*array.Float64Builder)
	wv := weights.ValueBuilder().(*array.Float64Builder)
	for g := range a.ds {
		d := &a.ds[g]
		d.compress()
		means.Append(true)
		weights.Append(true)
		mv.AppendValues(d.means, nil)
		wv.AppendValues(d.weights, nil)
		lo.Append(d.min)
		hi.Append(d.max)
	}
	return []string{"means", "weights", "min", "max"}, []arrow.Array{means.NewArray(), weights.NewArray(), lo.NewArray(), hi.NewArray()}
}

func (a *approxAcc) merge(ids []int32, cols []arrow.Array) {
	means, weights := cols[0].(*array.List), cols[1].(*array.List)
	mv := means.ListValues().(*array.Float64).Float64Values()
	wv := weights.ListValues().(*array.Float64).Float64Values()
	lo, hi := cols[2].(*array.Float64), cols[3].(*array.Float64)
	mo, wo := means.Offsets(), weights.Offsets()
	for r, g := range ids {
		if g < 0 {
			continue
		}
		a.ds[g].mergeDigest(slices.Clone(mv[mo[r]:mo[r+1]]), wv[wo[r]:wo[r+1]], lo.Value(r), hi.Value(r))
	}
}

func (a *approxAcc) final(mem memory.Allocator) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	for g := range a.ds {
		if v, ok := a.ds[g].quantile(a.q); ok {
			b.Append(v)
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray()
}
