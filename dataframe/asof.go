package dataframe

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
)

// AsofDir is the direction in which MergeAsof looks for a left row's right row.
type AsofDir string

const (
	// Backward matches the last right row whose key is at most the left key.
	Backward AsofDir = "backward"
	// Forward matches the first right row whose key is at least the left key.
	Forward AsofDir = "forward"
	// Nearest matches the closer of the backward and the forward match; the
	// backward one when both are as close (as pandas).
	Nearest AsofDir = "nearest"
)

// AsofOption configures MergeAsof.
type AsofOption func(*asofOptions)

type asofOptions struct {
	on, leftOn, rightOn string
	by                  []string
	dir                 AsofDir
	tol                 any
	hasTol              bool
	exact               bool
	suffixes            [2]string
}

// AsofOn names the key column, which both sides have; the result has it once (the
// left's).
func AsofOn(col string) AsofOption { return func(o *asofOptions) { o.on = col } }

// AsofLeftOn names the left key column when the sides name it differently (with
// AsofRightOn); the result keeps both.
func AsofLeftOn(col string) AsofOption { return func(o *asofOptions) { o.leftOn = col } }

// AsofRightOn names the right key column; see AsofLeftOn.
func AsofRightOn(col string) AsofOption { return func(o *asofOptions) { o.rightOn = col } }

// AsofBy names columns, which both sides have, that must match exactly before the
// key is matched by distance (pandas' by): each left row looks only at the right rows
// of its group. Null values in them match each other, as in pandas. The result has
// them once (the left's).
func AsofBy(cols ...string) AsofOption { return func(o *asofOptions) { o.by = cols } }

// AsofDirection sets the direction of the match (default Backward).
func AsofDirection(d AsofDir) AsofOption { return func(o *asofOptions) { o.dir = d } }

// AsofTolerance limits the distance between matched keys: a match farther than v is
// no match. v is a number for numeric keys (an integer for integer keys) and a
// time.Duration for date and timestamp keys; it must not be negative.
func AsofTolerance(v any) AsofOption {
	return func(o *asofOptions) { o.tol, o.hasTol = v, true }
}

// AllowExactMatches(false) makes a right row whose key equals the left key no match:
// backward then takes keys strictly less, forward strictly greater (default true).
func AllowExactMatches(ok bool) AsofOption { return func(o *asofOptions) { o.exact = ok } }

// AsofSuffixes are appended to the names of columns that both sides have (default
// "_x" and "_y", as pandas).
func AsofSuffixes(left, right string) AsofOption {
	return func(o *asofOptions) { o.suffixes = [2]string{left, right} }
}

// MergeAsof joins every left row with at most one right row: the one whose key is
// nearest in the given direction, among the right rows whose AsofBy columns are equal
// (pandas' and Dask's merge_asof). The result has every left row once, in the left's
// order and partitions, followed by the right's other columns (null where there is no
// match).
//
// As in pandas, both key columns must be sorted ascending — across partitions too —
// and have no nulls (or NaN); Compute returns an error naming the column and the
// partition otherwise. The keys are both integers (of any width), both floats, or
// both dates or timestamps of the same unit and zone.
//
// Without AsofBy it takes O(P) tasks: each left partition's key range is read, each
// right partition is cut by those ranges (with the right rows next to each range, so
// that matches across partition edges are found), and each left partition is joined
// with its pieces in one linear pass. With AsofBy and a one-partition right side, the
// right side is broadcast; with more, both sides are hash-shuffled on the AsofBy
// columns, joined group by group, and the result is shuffled back into the left's
// partitions and order.
func MergeAsof(left, right *DataFrame, opts ...AsofOption) *DataFrame {
	if left.err != nil {
		return left
	}
	if right.err != nil {
		return right
	}
	o := asofOptions{dir: Backward, exact: true, suffixes: [2]string{"_x", "_y"}}
	for _, opt := range opts {
		opt(&o)
	}
	spec, err := planAsof(left.Schema(), right.Schema(), o)
	if err != nil {
		return failed(err)
	}
	src := &asofSource{left: left, right: right, spec: spec}
	src.key = keyName("asof", []string{fmt.Sprint(left.Keys()), fmt.Sprint(right.Keys())}, []Step{{Kind: fmt.Sprintf("%+v", spec)}})
	return fromSource(src)
}

// MergeAsof is MergeAsof(df, right, opts...).
func (df *DataFrame) MergeAsof(right *DataFrame, opts ...AsofOption) *DataFrame {
	return MergeAsof(df, right, opts...)
}

// asofSpec is a planned merge_asof: plain data, the kernels' parameter.
type asofSpec struct {
	LeftOn, RightOn string
	By              []string
	ByTypes         []string // each by pair's hashing type
	Float           bool     // the keys are compared as float64 (else int64)
	Dir             AsofDir
	Exact           bool
	HasTol          bool
	TolI            int64 // in the key's unit (days for dates)
	TolF            float64
	// The output: each column's side (0 left, 1 right) and source name, in order.
	Side    []int
	Source  []string
	Outputs fieldList
}

// The hidden columns that carry a left row's partition and position through the
// shuffles of a merge_asof with by.
const (
	asofPartCol = "__gask_asof_part"
	asofRowCol  = "__gask_asof_row"
)

func asofErr(format string, args ...any) error {
	return fmt.Errorf("dataframe: merge_asof: "+format, args...)
}

func planAsof(ls, rs *arrow.Schema, o asofOptions) (asofSpec, error) {
	spec := asofSpec{Dir: o.dir, Exact: o.exact}
	switch o.dir {
	case Backward, Forward, Nearest:
	default:
		return spec, asofErr("unknown direction %q (backward, forward, nearest)", o.dir)
	}
	switch {
	case o.on != "" && (o.leftOn != "" || o.rightOn != ""):
		return spec, asofErr("give AsofOn or AsofLeftOn and AsofRightOn, not both")
	case o.on != "":
		spec.LeftOn, spec.RightOn = o.on, o.on
	case o.leftOn != "" && o.rightOn != "":
		spec.LeftOn, spec.RightOn = o.leftOn, o.rightOn
	case o.leftOn != "" || o.rightOn != "":
		return spec, asofErr("give both AsofLeftOn and AsofRightOn (left %q, right %q)", o.leftOn, o.rightOn)
	default:
		return spec, asofErr("no key column: name it with AsofOn, or AsofLeftOn and AsofRightOn")
	}
	lf, err := asofField(ls, spec.LeftOn, "left", "key")
	if err != nil {
		return spec, err
	}
	rf, err := asofField(rs, spec.RightOn, "right", "key")
	if err != nil {
		return spec, err
	}
	lt, rt := lf.Type, rf.Type
	switch {
	case isTemporal(lt) || isTemporal(rt):
		if !arrow.TypeEqual(lt, rt) {
			return spec, asofErr("left key %q is %s and right key %q is %s: dates and timestamps match only the same type", lf.Name, lt, rf.Name, rt)
		}
	case isInteger(lt) && isInteger(rt):
	case isFloat(lt) && isFloat(rt):
		spec.Float = true
	case isNumeric(lt) && isNumeric(rt):
		return spec, asofErr("left key %q is %s and right key %q is %s: integer and float keys do not mix (as in pandas); cast one side with Astype", lf.Name, lt, rf.Name, rt)
	default:
		return spec, asofErr("left key %q is %s and right key %q is %s: keys must be both integers, both floats, or both dates or timestamps of one type", lf.Name, lt, rf.Name, rt)
	}
	if o.hasTol {
		if err := asofTolerance(&spec, lf, o.tol); err != nil {
			return spec, err
		}
	}
	for _, c := range o.by {
		lb, err := asofField(ls, c, "left", "by")
		if err != nil {
			return spec, err
		}
		rb, err := asofField(rs, c, "right", "by")
		if err != nil {
			return spec, err
		}
		hash, _, err := joinKeyType(lb.Type, rb.Type)
		if err != nil {
			return spec, asofErr("by column %q is %s on the left and %s on the right: %w", c, lb.Type, rb.Type, err)
		}
		spec.By = append(spec.By, c)
		spec.ByTypes = append(spec.ByTypes, hash)
	}
	if len(spec.By) > 0 {
		for _, c := range []string{asofPartCol, asofRowCol} {
			if ls.HasField(c) {
				return spec, asofErr("the left side has a column named %q, which merge_asof with by uses itself", c)
			}
		}
	}
	// The right side's key (when named as the left's) and by columns are the left's.
	dropped := func(name string) bool {
		return slices.Contains(spec.By, name) || (name == spec.LeftOn && spec.RightOn == spec.LeftOn)
	}
	var kept []arrow.Field
	for _, f := range rs.Fields() {
		if !dropped(f.Name) {
			kept = append(kept, f)
		}
	}
	keptNames := map[string]bool{}
	for _, f := range kept {
		keptNames[f.Name] = true
	}
	add := func(side int, src string, f arrow.Field) {
		spec.Side = append(spec.Side, side)
		spec.Source = append(spec.Source, src)
		spec.Outputs = append(spec.Outputs, f)
	}
	for _, f := range ls.Fields() {
		name := f.Name
		if keptNames[name] {
			name += o.suffixes[0]
		}
		add(0, f.Name, arrow.Field{Name: name, Type: f.Type, Nullable: true})
	}
	for _, f := range kept {
		name := f.Name
		if ls.HasField(name) {
			name += o.suffixes[1]
		}
		add(1, f.Name, arrow.Field{Name: name, Type: f.Type, Nullable: true})
	}
	seen := map[string]bool{}
	for _, f := range spec.Outputs {
		if seen[f.Name] {
			return spec, asofErr("the result would have two columns named %q; choose other AsofSuffixes", f.Name)
		}
		seen[f.Name] = true
	}
	return spec, nil
}

func asofField(s *arrow.Schema, name, side, what string) (arrow.Field, error) {
	idx := s.FieldIndices(name)
	if len(idx) == 0 {
		return arrow.Field{}, asofErr("the %s side has no %s column %q (columns: %s)", side, what, name, strings.Join(fieldNamesOf(s), ", "))
	}
	return s.Field(idx[0]), nil
}

// asofTolerance checks the tolerance against the left key's type and stores it in
// the key's unit.
func asofTolerance(spec *asofSpec, key arrow.Field, v any) error {
	wrong := func(want string) error {
		return asofErr("tolerance %v (%T) does not fit key %q of type %s: give %s", v, v, key.Name, key.Type, want)
	}
	negative := func() error { return asofErr("tolerance %v must not be negative", v) }
	spec.HasTol = true
	if isTemporal(key.Type) {
		d, ok := v.(time.Duration)
		if !ok {
			return wrong("a time.Duration")
		}
		if d < 0 {
			return negative()
		}
		unit := 24 * time.Hour // a date's
		if ts, ok := key.Type.(*arrow.TimestampType); ok {
			unit = ts.Unit.Multiplier()
		}
		// Keys are whole units apart, so a distance is within d when it is within d's
		// whole units.
		spec.TolI = int64(d / unit)
		return nil
	}
	if _, ok := v.(time.Duration); ok {
		return wrong("a number")
	}
	var i int64
	var f float64
	isInt := true
	n, err := normLit(v)
	switch v.(type) {
	case uint, uint64:
		if err != nil {
			return asofErr("tolerance %v is too large", v)
		}
	}
	switch x := n.(type) {
	case int64:
		i = x
	case float64:
		f, isInt = x, false
	default:
		if spec.Float {
			return wrong("a number")
		}
		return wrong("an integer")
	}
	if spec.Float {
		if isInt {
			f = float64(i)
		}
		if math.IsNaN(f) {
			return asofErr("tolerance must be a number, not NaN")
		}
		if f < 0 {
			return negative()
		}
		spec.TolF = f
		return nil
	}
	if !isInt {
		return wrong("an integer")
	}
	if i < 0 {
		return negative()
	}
	spec.TolI = i
	return nil
}

type asofSource struct {
	left, right *DataFrame
	spec        asofSpec
	key         string
}

func (s *asofSource) describe() string {
	on := s.spec.LeftOn
	if s.spec.RightOn != s.spec.LeftOn {
		on += " = " + s.spec.RightOn
	}
	d := fmt.Sprintf("MergeAsof on %s direction=%s", on, s.spec.Dir)
	if len(s.spec.By) > 0 {
		d += fmt.Sprintf(" by [%s]", strings.Join(s.spec.By, ", "))
	}
	if s.spec.HasTol {
		if s.spec.Float {
			d += fmt.Sprintf(" tolerance=%v", s.spec.TolF)
		} else {
			d += fmt.Sprintf(" tolerance=%d", s.spec.TolI)
		}
	}
	if !s.spec.Exact {
		d += " exact=false"
	}
	return d
}
func (s *asofSource) name() string          { return s.key }
func (s *asofSource) npartitions() int      { return s.left.NPartitions() }
func (s *asofSource) schema() *arrow.Schema { return arrow.NewSchema(s.spec.Outputs, nil) }

const (
	asofStatName    = "dataframe.asof-stat"
	asofBoundsName  = "dataframe.asof-bounds"
	asofSplitName   = "dataframe.asof-split"
	asofJoinName    = "dataframe.asof-join"
	asofJoinByName  = "dataframe.asof-join-by"
	asofTagName     = "dataframe.asof-tag"
	asofRouteName   = "dataframe.asof-route"
	asofRestoreName = "dataframe.asof-restore"
)

// inputsFrom is Input(from), ..., Input(from+n-1).
func inputsFrom(from, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = graph.Input(from + i)
	}
	return out
}

func (s *asofSource) tasks(key graph.Key, part int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, part), columns, steps), nil
}

// shared: one stat task per partition of either side (its key range, checking its
// order) and one bounds task per side (checking the order across partitions). Then,
// without by, one split task per right partition, which cuts it by the left
// partitions' key ranges, and one join task per left partition; with by, a broadcast
// join of the one right partition, or a shuffle of both sides on the by columns, a
// join per shuffled partition and a shuffle back into the left's partitions.
func (s *asofSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	add := func(t graph.Task) error {
		if _, ok := g.Task(t.Key); ok {
			return nil
		}
		return g.Add(t)
	}
	lk, err := lowerInto(g, s.left)
	if err != nil {
		return nil, err
	}
	rk, err := lowerInto(g, s.right)
	if err != nil {
		return nil, err
	}
	bounds := func(side string, which int, parts []graph.Key) (graph.Key, error) {
		stats := make([]graph.Key, len(parts))
		for i, k := range parts {
			stats[i] = graph.K(s.key+"-stat-"+side, i)
			if err := add(graph.Task{Key: stats[i], Func: graph.Registered(asofStatName), Args: []any{s.spec, which, i, graph.Input(0)}, Deps: []graph.Key{k}}); err != nil {
				return "", err
			}
		}
		b := graph.K(s.key+"-bounds-"+side, 0)
		return b, add(graph.Task{Key: b, Func: graph.Registered(asofBoundsName), Args: append([]any{s.spec, which}, inputs(len(stats))...), Deps: stats})
	}
	lb, err := bounds("left", 0, lk)
	if err != nil {
		return nil, err
	}
	rb, err := bounds("right", 1, rk)
	if err != nil {
		return nil, err
	}
	switch {
	case len(s.spec.By) == 0:
		splits := make([]graph.Key, len(rk))
		for j, k := range rk {
			splits[j] = graph.K(s.key+"-split", j)
			if err := add(graph.Task{Key: splits[j], Func: graph.Registered(asofSplitName), Args: []any{s.spec, graph.Input(0), graph.Input(1)}, Deps: []graph.Key{lb, k}}); err != nil {
				return nil, err
			}
		}
		for part := range lk {
			args := append([]any{s.spec, part, graph.Input(0), graph.Input(1)}, inputsFrom(2, len(splits))...)
			if err := add(graph.Task{Key: graph.K(s.key, part), Func: graph.Registered(asofJoinName), Args: args, Deps: append([]graph.Key{lk[part], rb}, splits...)}); err != nil {
				return nil, err
			}
		}
	case len(rk) == 1: // broadcast the one right partition
		for part := range lk {
			if err := add(graph.Task{Key: graph.K(s.key, part), Func: graph.Registered(asofJoinByName), Args: []any{s.spec, graph.Input(0), graph.Input(1), graph.Input(2), graph.Input(3)}, Deps: []graph.Key{lk[part], rk[0], lb, rb}}); err != nil {
				return nil, err
			}
		}
	default:
		n := max(len(lk), len(rk))
		tagged := fromSource(&asofTagSource{in: s.left, key: s.key + "-tag"})
		for side, df := range []*DataFrame{tagged, s.right} {
			sg, err := shuffleTasks(df, fmt.Sprintf("%s-shuffle-%d", s.key, side), s.spec.By, s.spec.ByTypes, n)
			if err != nil {
				return nil, err
			}
			for _, t := range sg.Tasks() {
				if err := add(t); err != nil {
					return nil, err
				}
			}
		}
		tspec := s.spec.tagged()
		routes := make([]graph.Key, n)
		for k := range n {
			j := graph.K(s.key+"-join", k)
			deps := []graph.Key{graph.K(s.key+"-shuffle-0", k), graph.K(s.key+"-shuffle-1", k), lb, rb}
			if err := add(graph.Task{Key: j, Func: graph.Registered(asofJoinByName), Args: []any{tspec, graph.Input(0), graph.Input(1), graph.Input(2), graph.Input(3)}, Deps: deps}); err != nil {
				return nil, err
			}
			routes[k] = graph.K(s.key+"-route", k)
			if err := add(graph.Task{Key: routes[k], Func: graph.Registered(asofRouteName), Args: []any{len(lk), graph.Input(0)}, Deps: []graph.Key{j}}); err != nil {
				return nil, err
			}
		}
		for part := range lk {
			if err := add(graph.Task{Key: graph.K(s.key, part), Func: graph.Registered(asofRestoreName), Args: append([]any{part}, inputs(n)...), Deps: routes}); err != nil {
				return nil, err
			}
		}
	}
	return g, nil
}

// tagged is the spec of the join of shuffled partitions: the left rows carry their
// partition and position, which the output keeps (last) for the way back.
func (spec asofSpec) tagged() asofSpec {
	t := spec
	t.Side = append(slices.Clone(spec.Side), 0, 0)
	t.Source = append(slices.Clone(spec.Source), asofPartCol, asofRowCol)
	t.Outputs = append(slices.Clone(spec.Outputs),
		arrow.Field{Name: asofPartCol, Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: asofRowCol, Type: arrow.PrimitiveTypes.Int64})
	return t
}

// asofTagSource is the left side with each row's partition and position added.
type asofTagSource struct {
	in  *DataFrame
	key string
}

func (s *asofTagSource) describe() string  { return "AsofTag" }
func (s *asofTagSource) input() *DataFrame { return s.in }
func (s *asofTagSource) name() string      { return s.key }
func (s *asofTagSource) npartitions() int  { return s.in.NPartitions() }
func (s *asofTagSource) schema() *arrow.Schema {
	return arrow.NewSchema(append(slices.Clone(s.in.Schema().Fields()),
		arrow.Field{Name: asofPartCol, Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: asofRowCol, Type: arrow.PrimitiveTypes.Int64}), nil)
}

func (s *asofTagSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, i), columns, steps), nil
}

func (s *asofTagSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	for i, k := range in {
		if err := g.Add(graph.Task{Key: graph.K(s.key, i), Func: graph.Registered(asofTagName), Args: []any{i, graph.Input(0)}, Deps: []graph.Key{k}}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// asofStat is a partition's key range; S0 and S1 render its first and last key.
type asofStat struct {
	N      int
	I0, I1 int64
	F0, F1 float64
	S0, S1 string
}

// asofBounds are every partition's key range, in order.
type asofBounds struct{ Stats []asofStat }

// asofPieces is a split right partition: for each left partition, the slice of its
// rows whose keys fall in that partition's key range, led by the last row before the
// range (when Before) and followed by the first row after it (when After).
type asofPieces struct {
	Recs          recordList
	Before, After []bool
	Rows          int64 // the partition's rows and size, to size the slices
	Size          int64
}

func (p asofPieces) Release() { p.Recs.Release() }
func (p asofPieces) Retain()  { p.Recs.Retain() }

// SizeBytes is the slices' share of the partition's size (they share its buffers).
func (p asofPieces) SizeBytes() int64 {
	if p.Rows == 0 {
		return 0
	}
	var n int64
	for _, r := range p.Recs {
		n += r.NumRows()
	}
	return p.Size * n / p.Rows
}

// asofKeys are a record's key column as int64 (integers, dates, timestamps) or
// float64 values, and the first null (or NaN) row, -1 if none. Int64 and float64
// values point into the column's memory.
func asofKeys(rec arrow.RecordBatch, name string, float bool) (ints []int64, floats []float64, null int, err error) {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, nil, -1, asofErr("no key column %q", name)
	}
	col := rec.Column(idx[0])
	n := col.Len()
	null = -1
	// The bitmap, not NullN: the partition may be a slice read by other tasks at
	// once, and NullN counts (and stores) a slice's nulls on first use.
	if len(col.NullBitmapBytes()) > 0 {
		for i := range n {
			if col.IsNull(i) {
				null = i
				break
			}
		}
	}
	if float {
		switch a := col.(type) {
		case *array.Float64:
			floats = a.Float64Values()
		case *array.Float32:
			floats = make([]float64, n)
			for i, v := range a.Float32Values() {
				floats[i] = float64(v)
			}
		default:
			return nil, nil, -1, asofErr("key column %q is %s, not a float", name, col.DataType())
		}
		if null < 0 {
			for i, v := range floats {
				if math.IsNaN(v) {
					null = i
					break
				}
			}
		}
		return nil, floats, null, nil
	}
	if a, ok := col.(*array.Int64); ok {
		return a.Int64Values(), nil, null, nil
	}
	if !isInteger(col.DataType()) && !isTemporal(col.DataType()) {
		return nil, nil, -1, asofErr("key column %q is %s, not an integer, date or timestamp", name, col.DataType())
	}
	if a, ok := col.(*array.Uint64); ok { // compared as int64
		for i, v := range a.Uint64Values() {
			if v > math.MaxInt64 && a.IsValid(i) {
				return nil, nil, -1, asofErr("key column %q: row %d is %d, more than merge_asof compares (2^63-1)", name, i, v)
			}
		}
	}
	ints = make([]int64, n)
	for i := range n {
		if col.IsValid(i) {
			ints[i] = intAt(col, i)
		}
	}
	return ints, nil, null, nil
}

func firstUnsorted[T int64 | float64](k []T) int {
	for i := 1; i < len(k); i++ {
		if k[i] < k[i-1] {
			return i
		}
	}
	return -1
}

var asofSides = [2]string{"left", "right"}

// asofStatOf checks a partition's key column (no nulls, sorted) and returns its range.
func asofStatOf(spec asofSpec, side, part int, rec arrow.RecordBatch) (asofStat, error) {
	name := spec.LeftOn
	if side == 1 {
		name = spec.RightOn
	}
	ints, floats, null, err := asofKeys(rec, name, spec.Float)
	if err != nil {
		return asofStat{}, err
	}
	if null >= 0 {
		return asofStat{}, asofErr("the %s key column %q has a null value (partition %d, row %d); merge_asof needs every key", asofSides[side], name, part, null)
	}
	bad := firstUnsorted(ints)
	if spec.Float {
		bad = firstUnsorted(floats)
	}
	col := rec.Column(rec.Schema().FieldIndices(name)[0])
	if bad >= 0 {
		return asofStat{}, asofErr("the %s key column %q is not sorted: partition %d, row %d (%s) comes after %s; sort it first", asofSides[side], name, part, bad, col.ValueStr(bad), col.ValueStr(bad-1))
	}
	st := asofStat{N: int(rec.NumRows())}
	if st.N == 0 {
		return st, nil
	}
	if spec.Float {
		st.F0, st.F1 = floats[0], floats[st.N-1]
	} else {
		st.I0, st.I1 = ints[0], ints[st.N-1]
	}
	st.S0, st.S1 = col.ValueStr(0), col.ValueStr(st.N-1)
	return st, nil
}

// asofOrdered checks that the partitions' key ranges follow each other.
func asofOrdered(spec asofSpec, side int, stats []asofStat) error {
	prev := -1
	for i, st := range stats {
		if st.N == 0 {
			continue
		}
		if prev >= 0 {
			p := stats[prev]
			if (spec.Float && st.F0 < p.F1) || (!spec.Float && st.I0 < p.I1) {
				name := spec.LeftOn
				if side == 1 {
					name = spec.RightOn
				}
				return asofErr("the %s key column %q is not sorted across partitions: partition %d starts at %s, before partition %d ends (%s); sort it first", asofSides[side], name, i, st.S0, prev, p.S1)
			}
		}
		prev = i
	}
	return nil
}

// splitPieces cuts a sorted right partition by the left partitions' key ranges.
func splitPieces[T int64 | float64](spec asofSpec, rec arrow.RecordBatch, keys []T, stats []asofStat, bounds func(asofStat) (T, T)) asofPieces {
	needBefore, needAfter := spec.Dir != Forward, spec.Dir != Backward
	out := asofPieces{Rows: rec.NumRows(), Size: sched.SizeOf(rec)}
	for _, st := range stats {
		var start, end int
		before, after := false, false
		if st.N > 0 {
			lo, hi := bounds(st)
			a := sort.Search(len(keys), func(i int) bool { return keys[i] >= lo })
			b := sort.Search(len(keys), func(i int) bool { return keys[i] > hi })
			before, after = needBefore && a > 0, needAfter && b < len(keys)
			start, end = a, b
			if before {
				start--
			}
			if after {
				end++
			}
		}
		piece := rec.NewSlice(int64(start), int64(end))
		seal(piece)
		out.Recs = append(out.Recs, piece)
		out.Before = append(out.Before, before)
		out.After = append(out.After, after)
	}
	return out
}

// asofPiecesFor gathers left partition part's right rows from every split: the last
// row before its range, the rows in it, the first row after it, in the right's order.
// The caller releases the record; nil when there is no right partition.
func asofPiecesFor(ctx context.Context, part int, splits []asofPieces) (arrow.RecordBatch, error) {
	if len(splits) == 0 {
		return nil, nil
	}
	var inner []arrow.RecordBatch
	var before, after arrow.RecordBatch
	defer func() {
		for _, r := range inner {
			r.Release()
		}
		for _, r := range []arrow.RecordBatch{before, after} {
			if r != nil {
				r.Release()
			}
		}
	}()
	for _, s := range splits {
		if part >= len(s.Recs) {
			return nil, asofErr("a split has %d pieces, not %d", len(s.Recs), part+1)
		}
		p := s.Recs[part]
		lo, hi := int64(0), p.NumRows()
		if s.Before[part] {
			lo = 1
			if before != nil {
				before.Release() // a later partition's row comes later
			}
			before = p.NewSlice(0, 1)
		}
		if s.After[part] {
			hi--
			if after == nil { // an earlier partition's row comes first
				after = p.NewSlice(hi, hi+1)
			}
		}
		if hi > lo {
			inner = append(inner, p.NewSlice(lo, hi))
		}
	}
	var all []arrow.RecordBatch
	if before != nil {
		all = append(all, before)
	}
	all = append(all, inner...)
	if after != nil {
		all = append(all, after)
	}
	if len(all) == 0 {
		all = splits[0].Recs[part : part+1] // empty, with the right's schema
	}
	return concatRecords(ctx, all)
}

// asofJoin joins a left record with the right rows it may match (nil: none), both
// sorted by key.
func asofJoin(ctx context.Context, spec asofSpec, left, right arrow.RecordBatch) (arrow.RecordBatch, error) {
	nl := int(left.NumRows())
	ri := make([]int64, nl)
	for i := range ri {
		ri[i] = -1
	}
	if right != nil && right.NumRows() > 0 && nl > 0 {
		var lg, rg []int32
		ng := 1
		if len(spec.By) > 0 {
			var err error
			if lg, rg, ng, err = asofGroups(ctx, spec, left, right); err != nil {
				return nil, err
			}
		}
		li, lf, lnull, err := asofKeys(left, spec.LeftOn, spec.Float)
		if err != nil {
			return nil, err
		}
		rInts, rf, rnull, err := asofKeys(right, spec.RightOn, spec.Float)
		if err != nil {
			return nil, err
		}
		if lnull >= 0 || rnull >= 0 {
			return nil, asofErr("null key (left %q row %d, right %q row %d)", spec.LeftOn, lnull, spec.RightOn, rnull)
		}
		if spec.Float {
			asofMatch(spec, spec.TolF, lf, rf, lg, rg, ng, ri)
		} else {
			asofMatch(spec, spec.TolI, li, rInts, lg, rg, ng, ri)
		}
	}
	return asofAssemble(ctx, spec, left, right, ri)
}

// asofGroups numbers the by values of both sides alike: rg for the right rows, lg for
// the left ones (-1: a value the right side does not have).
func asofGroups(ctx context.Context, spec asofSpec, left, right arrow.RecordBatch) (lg, rg []int32, ng int, err error) {
	lkeys, err := keyColumns(ctx, left, spec.By, spec.ByTypes)
	if err != nil {
		return nil, nil, 0, err
	}
	defer releaseArrays(lkeys)
	rkeys, err := keyColumns(ctx, right, spec.By, spec.ByTypes)
	if err != nil {
		return nil, nil, 0, err
	}
	defer releaseArrays(rkeys)
	types := make([]arrow.DataType, len(spec.ByTypes))
	for i, t := range spec.ByTypes {
		types[i] = castTypes[t]
	}
	g := newGrouper(compute.GetAllocator(ctx), types, false) // nulls match nulls, as in pandas
	defer g.release()
	rg = g.ids(rkeys, int(right.NumRows()))
	ng = g.ngroups
	g.probe = true
	lg = g.ids(lkeys, int(left.NumRows()))
	for i, id := range lg {
		if int(id) >= ng {
			lg[i] = -1
		}
	}
	return lg, rg, ng, nil
}

// asofMatch sets ri[l] to the right row left row l matches, -1 for none. lk and rk
// are sorted; lg and rg are the rows' groups (nil: one group). Every group's right
// rows are walked once, by a pointer that only moves forward as the left keys grow.
func asofMatch[T int64 | float64](spec asofSpec, tol T, lk, rk []T, lg, rg []int32, ng int, ri []int64) {
	start := []int32{0, int32(len(rk))}
	var rows []int32
	if rg == nil {
		rows = make([]int32, len(rk))
		for i := range rows {
			rows[i] = int32(i)
		}
	} else { // the right rows of each group, in order (counting sort)
		start = make([]int32, ng+1)
		for _, id := range rg {
			if id >= 0 {
				start[id+1]++
			}
		}
		for i := range ng {
			start[i+1] += start[i]
		}
		rows = make([]int32, start[ng])
		fill := slices.Clone(start[:ng])
		for r, id := range rg {
			if id >= 0 {
				rows[fill[id]] = int32(r)
				fill[id]++
			}
		}
	}
	group := func(l int) int {
		if lg == nil {
			return 0
		}
		return int(lg[l])
	}
	exact := spec.Exact
	backward := func(out []int64) {
		pos := make([]int32, ng)
		for l, x := range lk {
			out[l] = -1
			g := group(l)
			if g < 0 {
				continue
			}
			rs := rows[start[g]:start[g+1]]
			p := pos[g]
			for int(p) < len(rs) && (rk[rs[p]] < x || exact && rk[rs[p]] == x) {
				p++
			}
			pos[g] = p
			if p > 0 {
				c := rs[p-1]
				if !spec.HasTol || x-rk[c] <= tol {
					out[l] = int64(c)
				}
			}
		}
	}
	forward := func(out []int64) {
		pos := make([]int32, ng)
		for l, x := range lk {
			out[l] = -1
			g := group(l)
			if g < 0 {
				continue
			}
			rs := rows[start[g]:start[g+1]]
			p := pos[g]
			for int(p) < len(rs) && (rk[rs[p]] < x || !exact && rk[rs[p]] == x) {
				p++
			}
			pos[g] = p
			if int(p) < len(rs) {
				c := rs[p]
				if !spec.HasTol || rk[c]-x <= tol {
					out[l] = int64(c)
				}
			}
		}
	}
	switch spec.Dir {
	case Backward:
		backward(ri)
	case Forward:
		forward(ri)
	case Nearest:
		backward(ri)
		fw := make([]int64, len(lk))
		forward(fw)
		for l, x := range lk {
			b, f := ri[l], fw[l]
			if f >= 0 && (b < 0 || x-rk[b] > rk[f]-x) {
				ri[l] = f
			}
		}
	}
}

// asofAssemble takes the output columns: every left column as it is, the right
// columns at ri (null for -1).
func asofAssemble(ctx context.Context, spec asofSpec, left, right arrow.RecordBatch, ri []int64) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	idx := indexArray(mem, ri)
	defer idx.Release()
	cols := make([]arrow.Array, len(spec.Outputs))
	defer releaseArrays(cols)
	for i, f := range spec.Outputs {
		var err error
		switch {
		case spec.Side[i] == 0:
			c, e := recColumn(left, spec.Source[i])
			if e != nil {
				return nil, e
			}
			c.Retain()
			cols[i] = c
		case right == nil:
			cols[i] = array.MakeArrayOfNull(mem, f.Type, len(ri))
		default:
			c, e := recColumn(right, spec.Source[i])
			if e != nil {
				return nil, e
			}
			cols[i], err = compute.TakeArray(ctx, c, idx)
		}
		if err != nil {
			return nil, asofErr("column %q: %w", f.Name, err)
		}
	}
	return array.NewRecordBatch(arrow.NewSchema(spec.Outputs, nil), cols, int64(len(ri))), nil
}

func recColumn(rec arrow.RecordBatch, name string) (arrow.Array, error) {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, asofErr("no column %q", name)
	}
	return rec.Column(idx[0]), nil
}

func asofRecord(a any, what string) (arrow.RecordBatch, error) {
	r, ok := a.(arrow.RecordBatch)
	if !ok {
		return nil, asofErr("%s is %T, not a record batch", what, a)
	}
	return r, nil
}

func init() {
	register(asofStatName, func(_ context.Context, args []any) (any, error) {
		rec, err := asofRecord(args[3], "a partition")
		if err != nil {
			return nil, err
		}
		return asofStatOf(args[0].(asofSpec), args[1].(int), args[2].(int), rec)
	})
	register(asofBoundsName, func(_ context.Context, args []any) (any, error) {
		spec, side := args[0].(asofSpec), args[1].(int)
		b := asofBounds{Stats: make([]asofStat, len(args)-2)}
		for i, a := range args[2:] {
			st, ok := a.(asofStat)
			if !ok {
				return nil, asofErr("partition %d's key range is %T", i, a)
			}
			b.Stats[i] = st
		}
		if err := asofOrdered(spec, side, b.Stats); err != nil {
			return nil, err
		}
		return b, nil
	})
	register(asofSplitName, func(_ context.Context, args []any) (any, error) {
		spec := args[0].(asofSpec)
		b, ok := args[1].(asofBounds)
		if !ok {
			return nil, asofErr("left key ranges are %T", args[1])
		}
		rec, err := asofRecord(args[2], "a right partition")
		if err != nil {
			return nil, err
		}
		ints, floats, _, err := asofKeys(rec, spec.RightOn, spec.Float)
		if err != nil {
			return nil, err
		}
		if spec.Float {
			return splitPieces(spec, rec, floats, b.Stats, func(s asofStat) (float64, float64) { return s.F0, s.F1 }), nil
		}
		return splitPieces(spec, rec, ints, b.Stats, func(s asofStat) (int64, int64) { return s.I0, s.I1 }), nil
	})
	// args: spec, the left partition's number, the left partition, the right bounds
	// (a check only), then every right split.
	register(asofJoinName, func(ctx context.Context, args []any) (any, error) {
		spec, part := args[0].(asofSpec), args[1].(int)
		left, err := asofRecord(args[2], "the left partition")
		if err != nil {
			return nil, err
		}
		splits := make([]asofPieces, len(args)-4)
		for j, a := range args[4:] {
			p, ok := a.(asofPieces)
			if !ok {
				return nil, asofErr("right split %d is %T", j, a)
			}
			splits[j] = p
		}
		right, err := asofPiecesFor(ctx, part, splits)
		if err != nil {
			return nil, err
		}
		if right != nil {
			defer right.Release()
		}
		return asofJoin(ctx, spec, left, right)
	})
	// args: spec, the left records, the right record, then the bounds (checks only).
	register(asofJoinByName, func(ctx context.Context, args []any) (any, error) {
		left, err := asofRecord(args[1], "the left partition")
		if err != nil {
			return nil, err
		}
		right, err := asofRecord(args[2], "the right partition")
		if err != nil {
			return nil, err
		}
		return asofJoin(ctx, args[0].(asofSpec), left, right)
	})
	register(asofTagName, func(ctx context.Context, args []any) (any, error) {
		part := args[0].(int)
		rec, err := asofRecord(args[1], "a left partition")
		if err != nil {
			return nil, err
		}
		mem := compute.GetAllocator(ctx)
		n := int(rec.NumRows())
		pb, rb := array.NewInt64Builder(mem), array.NewInt64Builder(mem)
		defer pb.Release()
		defer rb.Release()
		pb.Reserve(n)
		rb.Reserve(n)
		for i := range n {
			pb.UnsafeAppend(int64(part))
			rb.UnsafeAppend(int64(i))
		}
		pa, ra := pb.NewArray(), rb.NewArray()
		defer pa.Release()
		defer ra.Release()
		fields := append(slices.Clone(rec.Schema().Fields()),
			arrow.Field{Name: asofPartCol, Type: arrow.PrimitiveTypes.Int64},
			arrow.Field{Name: asofRowCol, Type: arrow.PrimitiveTypes.Int64})
		cols := append(slices.Clone(rec.Columns()), pa, ra)
		return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows()), nil
	})
	// Cuts a joined partition by the left partition its rows came from.
	register(asofRouteName, func(ctx context.Context, args []any) (any, error) {
		n := args[0].(int)
		rec, err := asofRecord(args[1], "a joined partition")
		if err != nil {
			return nil, err
		}
		col, err := recColumn(rec, asofPartCol)
		if err != nil {
			return nil, err
		}
		parts := make([][]int, n)
		for i, p := range col.(*array.Int64).Int64Values() {
			if p < 0 || int(p) >= n {
				return nil, asofErr("row %d comes from left partition %d of %d", i, p, n)
			}
			parts[p] = append(parts[p], i)
		}
		return takeParts(ctx, rec, parts)
	})
	// Gathers a left partition's joined rows, puts them back in order and drops the
	// hidden columns.
	register(asofRestoreName, func(ctx context.Context, args []any) (any, error) {
		parts, err := shards(args[0].(int), args[1:])
		if err != nil {
			return nil, asofErr("%w", err)
		}
		all, err := concatRecords(ctx, parts)
		if err != nil {
			return nil, err
		}
		defer all.Release()
		col, err := recColumn(all, asofRowCol)
		if err != nil {
			return nil, err
		}
		n := int(all.NumRows())
		perm := make([]int, n) // the rows are a permutation of 0..n-1
		seen := make([]bool, n)
		inOrder := true
		for i, r := range col.(*array.Int64).Int64Values() {
			if r < 0 || int(r) >= n || seen[r] {
				return nil, asofErr("left row %d is lost or repeated", r)
			}
			seen[r] = true
			perm[r] = i
			inOrder = inOrder && int(r) == i
		}
		ordered := all
		if !inOrder {
			if ordered, err = takeRows(ctx, all, perm); err != nil {
				return nil, err
			}
			defer ordered.Release()
		}
		k := int(ordered.NumCols()) - 2
		return array.NewRecordBatch(arrow.NewSchema(ordered.Schema().Fields()[:k], nil), ordered.Columns()[:k], ordered.NumRows()), nil
	})
}
