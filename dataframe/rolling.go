package dataframe

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
)

// Rolling is a DataFrame's moving windows, as pandas' and Dask's rolling; its
// aggregations (Sum, Mean, Min, Max, Count, Std, Var) return DataFrames. Make it with
// DataFrame.Rolling.
type Rolling struct {
	df   *DataFrame
	err  error
	rows int64         // a window of rows; 0 for a time window
	dur  time.Duration // a time window over opts.on
	opts rollingOpts
}

type rollingOpts struct {
	minPeriods int
	hasMin     bool
	center     bool
	on         string
}

// RollingOption configures DataFrame.Rolling.
type RollingOption func(*rollingOpts)

// MinPeriods is the number of observations (present values) a window needs for a
// result; fewer give null. It defaults to the window's size for row windows and 1 for
// time windows, as in pandas. For Count it is the number of rows in the window.
func MinPeriods(n int) RollingOption {
	return func(o *rollingOpts) { o.minPeriods, o.hasMin = n, true }
}

// Center labels each row window by its middle row rather than its last (windows of
// rows only).
func Center() RollingOption { return func(o *rollingOpts) { o.center = true } }

// RollingOn names the timestamp column a time window runs over; the data must be
// sorted by it. The column is kept as it is in the results.
func RollingOn(col string) RollingOption { return func(o *rollingOpts) { o.on = col } }

// Rolling makes moving windows over the rows, across partitions. window is a number
// of rows (an int), or a time span (a time.Duration, or a string time.ParseDuration
// reads, such as "2s") over the timestamp column named by RollingOn: the window of a
// row is then the rows whose timestamp t' has t-window < t' <= t (pandas'
// right-closed windows). Every column but the RollingOn one must be a number; select
// the columns first. Results are float64, null where a window has fewer than
// MinPeriods observations; missing values (null or NaN) are skipped, and Std and Var
// use ddof=1. Invalid input is an error of the result's plan, naming the column.
func (df *DataFrame) Rolling(window any, opts ...RollingOption) *Rolling {
	r := &Rolling{df: df, err: df.err}
	for _, o := range opts {
		o(&r.opts)
	}
	if r.err != nil {
		return r
	}
	fail := func(format string, args ...any) *Rolling {
		r.err = fmt.Errorf("dataframe: rolling: "+format, args...)
		return r
	}
	switch w := window.(type) {
	case int:
		r.rows = int64(w)
	case int64:
		r.rows = w
	case time.Duration:
		r.dur = w
	case string:
		d, err := time.ParseDuration(w)
		if err != nil {
			return fail("window %q is not a time span: %v", w, err)
		}
		r.dur = d
	default:
		return fail("window is %T; give a number of rows (int) or a time span (time.Duration)", window)
	}
	if r.rows < 0 || (r.rows == 0 && r.dur <= 0) {
		return fail("window must be positive, not %v", window)
	}
	s := df.Schema()
	if r.opts.on != "" {
		idx := s.FieldIndices(r.opts.on)
		if len(idx) == 0 {
			return fail("unknown column %q (columns: %s)", r.opts.on, strings.Join(df.Columns(), ", "))
		}
		if t := s.Field(idx[0]).Type; t.ID() != arrow.TIMESTAMP {
			return fail("column %q is %s, not a timestamp", r.opts.on, t)
		}
	}
	if r.rows == 0 {
		if r.opts.on == "" {
			return fail("a time window (%v) needs a timestamp column: give RollingOn", r.dur)
		}
		if r.opts.center {
			return fail("Center works with windows of rows, not time windows (%v over %q)", r.dur, r.opts.on)
		}
	}
	if r.opts.minPeriods < 0 {
		return fail("min_periods must be at least 0, not %d", r.opts.minPeriods)
	}
	if r.rows > 0 && r.opts.minPeriods > int(min(r.rows, math.MaxInt32)) {
		return fail("min_periods %d is more than the window of %d rows", r.opts.minPeriods, r.rows)
	}
	for _, f := range s.Fields() {
		if f.Name != r.opts.on && !isNumeric(f.Type) {
			return fail("column %q is %s, not a number (select the columns to roll first)", f.Name, f.Type)
		}
	}
	return r
}

// Err is the first error in the rolling windows' plan, if any.
func (r *Rolling) Err() error { return r.err }

// Sum is each window's sum; with MinPeriods(0), a window without values sums to 0.
func (r *Rolling) Sum() *DataFrame { return r.agg("sum") }

// Mean is each window's mean.
func (r *Rolling) Mean() *DataFrame { return r.agg("mean") }

// Min is each window's minimum.
func (r *Rolling) Min() *DataFrame { return r.agg("min") }

// Max is each window's maximum.
func (r *Rolling) Max() *DataFrame { return r.agg("max") }

// Count is each window's number of present values (as float64, as in pandas).
func (r *Rolling) Count() *DataFrame { return r.agg("count") }

// Std is each window's sample standard deviation (ddof=1).
func (r *Rolling) Std() *DataFrame { return r.agg("std") }

// Var is each window's sample variance (ddof=1).
func (r *Rolling) Var() *DataFrame { return r.agg("var") }

func (r *Rolling) agg(op string) *DataFrame {
	if r.err != nil {
		return failed(r.err)
	}
	s := r.df.Schema()
	spec := winSpec{Op: "rolling", Agg: op, On: r.opts.on, Center: r.opts.center}
	fields := slices.Clone(s.Fields())
	for i, f := range fields {
		if f.Name == r.opts.on {
			continue
		}
		spec.Cols = append(spec.Cols, f.Name)
		fields[i] = arrow.Field{Name: f.Name, Type: arrow.PrimitiveTypes.Float64, Nullable: true}
	}
	edge := edgeSpec{Cols: slices.Clone(spec.Cols)}
	if r.opts.on != "" {
		edge.Cols = append(slices.Clone(spec.Cols), spec.On)
	}
	var desc string
	if r.rows > 0 {
		spec.Window = r.rows
		spec.MinObs = int(min(r.rows, math.MaxInt32))
		off := int64(0)
		if spec.Center {
			off = (r.rows - 1) / 2
		}
		edge.Before, edge.After = int(min(r.rows-1-off, math.MaxInt32)), int(off)
		desc = fmt.Sprintf("Rolling %s window=%d", op, r.rows)
	} else {
		unit := s.Field(s.FieldIndices(r.opts.on)[0]).Type.(*arrow.TimestampType).Unit
		m := unit.Multiplier()
		// t-t' < dur is, in whole units, t-t' < ceil(dur/unit).
		spec.Window = int64((r.dur + m - 1) / m)
		spec.MinObs = 1
		edge.On, edge.Window = spec.On, spec.Window
		desc = fmt.Sprintf("Rolling %s window=%v on=%s", op, r.dur, spec.On)
	}
	if r.opts.hasMin {
		spec.MinObs = r.opts.minPeriods
	}
	if spec.Center {
		desc += " center"
	}
	return windowFrame(r.df, spec, edge, fields, fmt.Sprintf("%s min_periods=%d", desc, spec.MinObs))
}

// windows are the rows of each of a partition's windows in the extended partition:
// [start[r], end[r]) for the partition's row r; both only grow with r.
type windows struct {
	start, end []int
}

// rollingWindows finds the windows of part's n rows, which start at lo in ext.
func rollingWindows(spec winSpec, index int, ext arrow.RecordBatch, lo, n int) (*windows, error) {
	w := &windows{start: make([]int, n), end: make([]int, n)}
	N := int64(ext.NumRows())
	if spec.On == "" {
		off := int64(0)
		if spec.Center {
			off = (spec.Window - 1) / 2
		}
		for r := range n {
			end := int64(lo+r) + 1 + off
			w.start[r], w.end[r] = int(max(end-spec.Window, 0)), int(min(end, N))
		}
		return w, nil
	}
	ts, err := timestamps(ext, spec.On, "rolling", index)
	if err != nil {
		return nil, err
	}
	unit := ext.Schema().Field(ext.Schema().FieldIndices(spec.On)[0]).Type.(*arrow.TimestampType).Unit
	for j := max(lo, 1); j < len(ts); j++ {
		if ts[j] < ts[j-1] {
			return nil, fmt.Errorf("dataframe: rolling: column %q is not sorted: partition %d row %d (%s) comes after %s",
				spec.On, index, j-lo, ts[j].ToTime(unit).Format(time.RFC3339Nano), ts[j-1].ToTime(unit).Format(time.RFC3339Nano))
		}
	}
	s := 0
	for r := range n {
		i := lo + r
		for int64(ts[s]) <= int64(ts[i])-spec.Window {
			s++
		}
		w.start[r], w.end[r] = s, i+1
	}
	return w, nil
}

// rollingColumn aggregates col over the windows.
func rollingColumn(ctx context.Context, spec winSpec, col arrow.Array, w *windows) (arrow.Array, error) {
	mem := compute.GetAllocator(ctx)
	fa, err := compute.CastArray(ctx, col, compute.SafeCastOptions(arrow.PrimitiveTypes.Float64))
	if err != nil {
		return nil, err
	}
	defer fa.Release()
	vals := fa.(*array.Float64).Float64Values()
	ok := func(i int) bool { return fa.IsValid(i) && !math.IsNaN(vals[i]) }
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(len(w.start))
	acc := newRollAcc(spec.Agg, vals)
	s, e := 0, 0 // the rows in acc
	if len(w.start) > 0 {
		s, e = w.start[0], w.start[0]
	}
	for r := range w.start {
		if w.start[r] >= e { // no overlap: start afresh (and drop any rounding)
			acc.reset()
			s, e = w.start[r], w.start[r]
		}
		for ; e < w.end[r]; e++ {
			if ok(e) {
				acc.add(e)
			}
		}
		for ; s < w.start[r]; s++ {
			if ok(s) {
				acc.remove(s)
			}
		}
		obs := acc.nobs
		if spec.Agg == "count" {
			obs = w.end[r] - w.start[r] // pandas counts the rows for min_periods
		}
		v, has := acc.result(s)
		if obs < spec.MinObs || !has {
			b.UnsafeAppendBoolToBitmap(false)
			continue
		}
		b.UnsafeAppend(v)
	}
	return b.NewArray(), nil
}

// rollAcc is a sliding aggregate of the present values between two rows, kept as a
// queue of two stacks (values enter at the back and leave at the front; the front
// stack holds the aggregates of its suffixes), so no value is ever subtracted out
// again: a window without the huge value that left it has no trace of it (no
// catastrophic cancellation), and each value is combined O(1) times amortized.
type rollAcc struct {
	agg   string
	vals  []float64
	nobs  int
	front []moments // the front stack: its top is its oldest value with all the newer ones
	back  []int     // the rows added since front was last filled, oldest first
	tail  moments   // the back rows combined
}

// moments summarize values: their count, sum, mean, sum of squared deviations from
// the mean, minimum and maximum. Two summaries combine exactly as their values would
// (Chan et al.'s update for the squared deviations).
type moments struct {
	n                       int
	sum, mean, m2, min, max float64
}

func single(v float64) moments { return moments{n: 1, sum: v, mean: v, min: v, max: v} }

func (a moments) plus(b moments) moments {
	if a.n == 0 {
		return b
	}
	if b.n == 0 {
		return a
	}
	n := a.n + b.n
	d := b.mean - a.mean
	return moments{
		n:    n,
		sum:  a.sum + b.sum,
		mean: a.mean + d*float64(b.n)/float64(n),
		m2:   a.m2 + b.m2 + d*d*float64(a.n)*float64(b.n)/float64(n),
		min:  min(a.min, b.min),
		max:  max(a.max, b.max),
	}
}

func newRollAcc(agg string, vals []float64) *rollAcc { return &rollAcc{agg: agg, vals: vals} }

func (a *rollAcc) reset() {
	a.nobs, a.front, a.back, a.tail = 0, a.front[:0], a.back[:0], moments{}
}

func (a *rollAcc) add(i int) {
	a.nobs++
	a.back = append(a.back, i)
	a.tail = a.tail.plus(single(a.vals[i]))
}

// remove drops the oldest value (i, which the caller passes for symmetry with add).
func (a *rollAcc) remove(int) {
	a.nobs--
	if len(a.front) == 0 {
		acc := moments{}
		for k := len(a.back) - 1; k >= 0; k-- {
			acc = single(a.vals[a.back[k]]).plus(acc)
			a.front = append(a.front, acc)
		}
		a.back, a.tail = a.back[:0], moments{}
	}
	a.front = a.front[:len(a.front)-1]
}

// result is the aggregate of the values in the window; has is false when there is
// none.
func (a *rollAcc) result(int) (float64, bool) {
	m := a.tail
	if len(a.front) > 0 {
		m = a.front[len(a.front)-1].plus(m)
	}
	switch a.agg {
	case "count":
		return float64(m.n), true
	case "sum":
		return m.sum, true
	case "mean":
		return m.sum / float64(m.n), m.n > 0
	case "min":
		return m.min, m.n > 0
	case "max":
		return m.max, m.n > 0
	case "var", "std":
		if m.n < 2 {
			return 0, false
		}
		v := max(m.m2/float64(m.n-1), 0)
		if a.agg == "std" {
			v = math.Sqrt(v)
		}
		return v, true
	}
	return 0, false
}
