package dataframe

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

// Neighbour-partition operations (MapOverlap, Shift, Diff, Rolling) see each partition
// with some rows of the partitions around it. Those rows come from two chains of edge
// tasks, like the carries of cumulative.go: tail(j) is the last rows of
// concat(tail(j-1), partition j) — a row count, or the rows within a time window of
// its last timestamp — and head(j) the first rows of concat(partition j, head(j+1)).
// Partition j's task reads partition j, tail(j-1) and head(j+1) only, so a plan has
// O(P) tasks however small the partitions are, and edges reach across as many
// partitions as the rows they need take (empty partitions included).

// edgeSpec says which rows an edge task keeps: plain data, the edge kernels' parameter.
type edgeSpec struct {
	Before int      // rows a tail keeps (row windows)
	After  int      // rows a head keeps
	Cols   []string // the columns edges carry; nil carries them all
	On     string   // time tails: keep the rows whose On is within Window of the last
	Window int64    // the time window in On's unit (rows with ts > last-Window stay)
	Op     string   // the operation, for errors ("rolling", "shift", ...)
}

// overlapEdges tells an apply task which edges it gets, after the partition.
type overlapEdges struct {
	Index      int // the partition's index, for errors
	Tail, Head bool
}

const (
	overlapTailName = "dataframe.overlap-tail"
	overlapHeadName = "dataframe.overlap-head"
	mapOverlapName  = "dataframe.map-overlap"
	windowName      = "dataframe.window"
)

// overlapSource is a source whose partition j is apply(partition j, tail(j-1),
// head(j+1)).
type overlapSource struct {
	in    *DataFrame
	edge  edgeSpec
	sch   *arrow.Schema
	key   string
	desc  string
	fn    graph.Func // the apply function
	param []any      // its leading plain-data arguments

	once     sync.Once // lowers the input and the edge chains, for every partition
	lowerErr error
	inKeys   []graph.Key
	inTasks  []graph.Task
	tails    []graph.Task // tails[j] is tail(j), j < P-1
	heads    []graph.Task // heads[j] is head(j), 0 < j
}

func (s *overlapSource) describe() string      { return s.desc }
func (s *overlapSource) input() *DataFrame     { return s.in }
func (s *overlapSource) name() string          { return s.key }
func (s *overlapSource) schema() *arrow.Schema { return s.sch }
func (s *overlapSource) npartitions() int      { return s.in.NPartitions() }

func (s *overlapSource) needTails() bool { return s.edge.Before > 0 || s.edge.On != "" }
func (s *overlapSource) needHeads() bool { return s.edge.After > 0 }

// shared is every partition's tasks: the input's, both chains of edges (each link
// depending on one input partition and the link before) and each partition's own
// task, which depends on its input partition, tail(i-1) and head(i+1) only: O(P).
func (s *overlapSource) shared() (*graph.Graph, error) {
	s.once.Do(s.lowerChains)
	if s.lowerErr != nil {
		return nil, s.lowerErr
	}
	in := s.inKeys
	g := graph.New(len(s.inTasks) + len(s.tails) + len(s.heads) + len(in))
	add := func(ts ...graph.Task) error {
		for _, t := range ts {
			if t.Key == "" {
				continue // heads[0] is never made
			}
			if err := g.Add(t); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(s.inTasks...); err != nil {
		return nil, err
	}
	if err := add(s.tails...); err != nil {
		return nil, err
	}
	if err := add(s.heads...); err != nil {
		return nil, err
	}
	for i := range in {
		edges := overlapEdges{Index: i, Tail: i > 0 && s.needTails(), Head: i < len(in)-1 && s.needHeads()}
		t := graph.Task{Key: graph.K(s.key, i), Func: s.fn, Args: append(slices.Clone(s.param), edges, graph.Input(0)), Deps: []graph.Key{in[i]}}
		if edges.Tail {
			t.Args = append(t.Args, graph.Input(len(t.Deps)))
			t.Deps = append(t.Deps, s.tails[i-1].Key)
		}
		if edges.Head {
			t.Args = append(t.Args, graph.Input(len(t.Deps)))
			t.Deps = append(t.Deps, s.heads[i+1].Key)
		}
		if err := add(t); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (s *overlapSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, i), columns, steps), nil
}

// lowerChains lowers the input and both chains of edge tasks: tails[j] is tail(j) and
// heads[j] head(j) (empty when the operation needs none).
func (s *overlapSource) lowerChains() {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		s.lowerErr = err
		return
	}
	s.inKeys, s.inTasks = in, g.Tasks()
	if s.needTails() {
		for j := range max(len(in)-1, 0) { // tail(j): partitions 0..j's last rows
			t := graph.Task{Key: graph.K(s.key+"-tail", j), Func: graph.Registered(overlapTailName), Args: []any{s.edge, j, graph.Input(0)}, Deps: []graph.Key{in[j]}}
			if j > 0 {
				t.Args = append(t.Args, graph.Input(1))
				t.Deps = append(t.Deps, s.tails[j-1].Key)
			}
			s.tails = append(s.tails, t)
		}
	}
	if s.needHeads() {
		s.heads = make([]graph.Task, len(in))
		for j := len(in) - 1; j > 0; j-- { // head(j): partitions j..P-1's first rows
			t := graph.Task{Key: graph.K(s.key+"-head", j), Func: graph.Registered(overlapHeadName), Args: []any{s.edge, j, graph.Input(0)}, Deps: []graph.Key{in[j]}}
			if j < len(in)-1 {
				t.Args = append(t.Args, graph.Input(1))
				t.Deps = append(t.Deps, s.heads[j+1].Key)
			}
			s.heads[j] = t
		}
	}
}

// overlapArgs reads an apply task's arguments from position at: the edges, the
// partition and the tail and head it has (nil when it has none); all are borrowed.
func overlapArgs(args []any, at int) (e overlapEdges, part, tail, head arrow.RecordBatch, err error) {
	e, ok := args[at].(overlapEdges)
	if !ok {
		return e, nil, nil, nil, fmt.Errorf("dataframe: overlap: argument %d is %T", at, args[at])
	}
	recs := make([]arrow.RecordBatch, 0, 3)
	for _, a := range args[at+1:] {
		r, ok := a.(arrow.RecordBatch)
		if !ok {
			return e, nil, nil, nil, fmt.Errorf("dataframe: overlap: partition %d input is %T, not a record batch", e.Index, a)
		}
		recs = append(recs, r)
	}
	if len(recs) != 1+btoi(e.Tail)+btoi(e.Head) {
		return e, nil, nil, nil, fmt.Errorf("dataframe: overlap: partition %d has %d inputs", e.Index, len(recs))
	}
	part = recs[0]
	if e.Tail {
		tail = recs[1]
	}
	if e.Head {
		head = recs[len(recs)-1]
	}
	return e, part, tail, head, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// extend joins tail, part and head (any may be nil; part may not) into one record of
// part's schema, copying only when more than one of them has rows. It returns the
// record (the caller's) and the row where part starts in it.
func extend(ctx context.Context, tail, part, head arrow.RecordBatch) (arrow.RecordBatch, int, error) {
	lo := 0
	var pieces []arrow.RecordBatch
	for _, r := range []arrow.RecordBatch{tail, part, head} {
		if r != nil && r.NumRows() > 0 {
			pieces = append(pieces, r)
		}
	}
	if tail != nil {
		lo = int(tail.NumRows())
	}
	switch len(pieces) {
	case 0:
		part.Retain()
		return part, 0, nil
	case 1:
		pieces[0].Retain()
		return pieces[0], lo, nil
	}
	out, err := concatRecords(ctx, pieces)
	return out, lo, err
}

// edgeRows keeps the last (or first) k rows of recs taken together.
func edgeRows(ctx context.Context, recs []arrow.RecordBatch, k int, last bool) (arrow.RecordBatch, error) {
	var pieces []arrow.RecordBatch
	defer func() {
		for _, p := range pieces {
			p.Release()
		}
	}()
	need := int64(k)
	for n := range recs {
		r := recs[n]
		if last {
			r = recs[len(recs)-1-n]
		}
		take := min(r.NumRows(), need)
		if take == 0 {
			continue
		}
		if last {
			pieces = append([]arrow.RecordBatch{r.NewSlice(r.NumRows()-take, r.NumRows())}, pieces...)
		} else {
			pieces = append(pieces, r.NewSlice(0, take))
		}
		if need -= take; need == 0 {
			break
		}
	}
	switch len(pieces) {
	case 0:
		return recs[0].NewSlice(0, 0), nil
	case 1:
		pieces[0].Retain()
		return pieces[0], nil
	}
	return concatRecords(ctx, pieces)
}

// timestamps are rec's column on as int64 timestamps, checked for nulls; the array is
// borrowed from rec.
func timestamps(rec arrow.RecordBatch, on, op string, part int) ([]arrow.Timestamp, error) {
	idx := rec.Schema().FieldIndices(on)
	if len(idx) == 0 {
		return nil, fmt.Errorf("dataframe: %s: no column %q in partition %d", op, on, part)
	}
	a, ok := rec.Column(idx[0]).(*array.Timestamp)
	if !ok {
		return nil, fmt.Errorf("dataframe: %s: column %q is %s, not a timestamp", op, on, rec.Column(idx[0]).DataType())
	}
	if a.NullN() > 0 {
		return nil, fmt.Errorf("dataframe: %s: column %q has missing timestamps (partition %d)", op, on, part)
	}
	return a.TimestampValues(), nil
}

func init() {
	// tail(j): the rows partition j+1 may need from partitions 0..j.
	register(overlapTailName, func(ctx context.Context, args []any) (any, error) {
		spec, j := args[0].(edgeSpec), args[1].(int)
		part, err := selectColumns(args[2].(arrow.RecordBatch), spec.Cols)
		if err != nil {
			return nil, err
		}
		defer part.Release()
		recs := []arrow.RecordBatch{part}
		if len(args) > 3 {
			recs = []arrow.RecordBatch{args[3].(arrow.RecordBatch), part}
		}
		if spec.On == "" {
			return edgeRows(ctx, recs, spec.Before, true)
		}
		all := part
		if len(recs) == 2 {
			if all, _, err = extend(ctx, recs[0], part, nil); err != nil {
				return nil, err
			}
		} else {
			part.Retain()
		}
		defer all.Release()
		ts, err := timestamps(all, spec.On, spec.Op, j)
		if err != nil {
			return nil, err
		}
		if len(ts) == 0 {
			all.Retain()
			return all, nil
		}
		// The rows within the window of the last one: those a later row (no earlier
		// than the last, the column being sorted) may reach back to.
		from := len(ts) - 1
		for from > 0 && int64(ts[from-1]) > int64(ts[len(ts)-1])-spec.Window {
			from--
		}
		return all.NewSlice(int64(from), int64(len(ts))), nil
	})
	// head(j): the rows partition j-1 may need from partitions j..P-1.
	register(overlapHeadName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(edgeSpec)
		part, err := selectColumns(args[2].(arrow.RecordBatch), spec.Cols)
		if err != nil {
			return nil, err
		}
		defer part.Release()
		recs := []arrow.RecordBatch{part}
		if len(args) > 3 {
			recs = append(recs, args[3].(arrow.RecordBatch))
		}
		return edgeRows(ctx, recs, spec.After, false)
	})
	register(mapOverlapName, func(ctx context.Context, args []any) (any, error) {
		call, ok := args[0].(overlapCall)
		if !ok {
			return nil, fmt.Errorf("dataframe: MapOverlap: argument 0 is %T", args[0])
		}
		if _, ok := graph.Lookup(call.Func); !ok {
			return nil, fmt.Errorf("dataframe: MapOverlap: no function registered as %q", call.Func)
		}
		fn := func(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
			return callRegisteredRecord(ctx, call.Func, []any{rec}, "MapOverlap "+call.Label)
		}
		return runOverlap(ctx, call, fn, func(s *arrow.Schema) bool { return slices.Equal(schemaWords(s), call.Schema) }, args)
	})
}

// overlapCall is a MapOverlap's plain-data description: its apply kernel's first
// argument.
type overlapCall struct {
	Func          string   // the registered function's name ("" for a closure)
	Label         string   // the function's name, for errors
	Before, After int      // the rows asked for
	Schema        []string // the declared schema, as schemaWords
}

// schemaWords is a schema as plain data: "name type" per field.
func schemaWords(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name + " " + f.Type.String()
	}
	return out
}

// MapOverlap applies fn to every partition seen with up to before rows of the
// partitions before it prepended and up to after rows of the partitions after it
// appended (Dask's map_overlap with row counts). The rows are taken across as many
// neighbouring partitions as it takes, so small and empty partitions are fine; only
// the first and last partitions get fewer. fn must return as many rows as it is
// given, and the result is trimmed back to the partition's own rows. schema is what
// fn returns; a partition that comes back with another schema or row count is an
// error naming it. A function registered with gask.Register can run on worker
// processes too; any other runs in process.
func (df *DataFrame) MapOverlap(fn PartitionFunc, before, after int, schema *arrow.Schema) *DataFrame {
	if df.err != nil {
		return df
	}
	if fn == nil || schema == nil {
		return failed(fmt.Errorf("dataframe: MapOverlap needs a function and its output schema"))
	}
	if before < 0 || after < 0 {
		return failed(fmt.Errorf("dataframe: MapOverlap: before and after are row counts, not %d and %d", before, after))
	}
	call := overlapCall{Func: gask.RegisteredName(fn), Label: gask.FuncLabel(fn), Before: before, After: after, Schema: schemaWords(schema)}
	run := func(ctx context.Context, args []any) (any, error) {
		return runOverlap(ctx, call, fn, schema.Equal, args)
	}
	f := graph.Closure(call.Label, run)
	if call.Func != "" {
		f = graph.RegisteredAs(mapOverlapName, run)
	}
	src := &overlapSource{in: df, edge: edgeSpec{Before: before, After: after, Op: "MapOverlap"}, sch: schema,
		key: graph.Token("map-overlap"), desc: fmt.Sprintf("MapOverlap %s before=%d after=%d", call.Label, before, after),
		fn: f, param: []any{call}}
	return fromSource(src)
}

// runOverlap is a MapOverlap partition: fn of the extended partition, trimmed.
func runOverlap(ctx context.Context, call overlapCall, fn PartitionFunc, schemaOK func(*arrow.Schema) bool, args []any) (any, error) {
	e, part, tail, head, err := overlapArgs(args, 1)
	if err != nil {
		return nil, err
	}
	ext, lo, err := extend(ctx, tail, part, head)
	if err != nil {
		return nil, err
	}
	defer ext.Release()
	out, err := fn(ctx, ext)
	if err != nil {
		return nil, fmt.Errorf("dataframe: MapOverlap %s: partition %d: %w", call.Label, e.Index, err)
	}
	defer out.Release()
	n := part.NumRows()
	if out.NumRows() != ext.NumRows() {
		return nil, fmt.Errorf("dataframe: MapOverlap %s: partition %d came back with %d rows, given %d (%d before, %d own, %d after)",
			call.Label, e.Index, out.NumRows(), ext.NumRows(), lo, n, ext.NumRows()-int64(lo)-n)
	}
	if !schemaOK(out.Schema()) {
		return nil, fmt.Errorf("dataframe: MapOverlap %s: partition %d came back with schema %s, declared %s",
			call.Label, e.Index, out.Schema(), strings.Join(call.Schema, ", "))
	}
	res := out.NewSlice(int64(lo), int64(lo)+n)
	seal(res) // shared by the tasks that read it, like a kernel's result
	return res, nil
}

// winSpec is a planned Shift, Diff or rolling aggregation: plain data, the window
// kernel's parameter.
type winSpec struct {
	Op      string   // "shift", "diff" or "rolling"
	Cols    []string // the columns it replaces
	Periods int      // shift and diff
	Agg     string   // rolling: sum, mean, min, max, count, std, var
	Window  int64    // rolling: rows, or a time window in On's unit
	On      string   // rolling over time: the timestamp column
	MinObs  int      // rolling: min_periods
	Center  bool     // rolling over rows: centered windows
}

// windowFrame plans a window operation over df: fields is the result schema's fields.
func windowFrame(df *DataFrame, spec winSpec, edge edgeSpec, fields []arrow.Field, desc string) *DataFrame {
	edge.Op = spec.Op
	src := &overlapSource{in: df, edge: edge, sch: arrow.NewSchema(fields, nil), desc: desc,
		fn: graph.Registered(windowName), param: []any{spec}}
	src.key = keyName(spec.Op, []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprintf("%+v", spec)}})
	return fromSource(src)
}

// Shift moves the named columns (every column when none is) down by periods rows —
// up when periods is negative — across partitions, as pandas' shift: the rows left
// without a value are null. Columns keep their types; the others are unchanged.
func (df *DataFrame) Shift(periods int, cols ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	if len(cols) == 0 {
		cols = df.Columns()
	}
	fields := slices.Clone(df.Schema().Fields())
	for _, c := range cols {
		idx := df.Schema().FieldIndices(c)
		if len(idx) == 0 {
			return failed(fmt.Errorf("dataframe: shift: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", ")))
		}
		fields[idx[0]].Nullable = true
	}
	periods = clampPeriods(periods)
	spec := winSpec{Op: "shift", Cols: cols, Periods: periods}
	return windowFrame(df, spec, periodEdges(periods, cols), fields, fmt.Sprintf("Shift %d [%s]", periods, strings.Join(cols, ", ")))
}

// Diff replaces the named columns (every numeric and timestamp column when none is)
// by their differences with the value periods rows before — after, when periods is
// negative — across partitions, as pandas' diff. Numbers become float64, as in pandas
// (whose int64 diff is float64 for its NaN); timestamps become durations. A missing
// value on either side, or no row periods away, gives null.
func (df *DataFrame) Diff(periods int, cols ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	s := df.Schema()
	if len(cols) == 0 {
		for _, f := range s.Fields() {
			if isNumeric(f.Type) || f.Type.ID() == arrow.TIMESTAMP {
				cols = append(cols, f.Name)
			}
		}
	}
	fields := slices.Clone(s.Fields())
	for _, c := range cols {
		idx := s.FieldIndices(c)
		if len(idx) == 0 {
			return failed(fmt.Errorf("dataframe: diff: unknown column %q (columns: %s)", c, strings.Join(df.Columns(), ", ")))
		}
		t := s.Field(idx[0]).Type
		switch {
		case isNumeric(t):
			fields[idx[0]].Type = arrow.PrimitiveTypes.Float64
		case t.ID() == arrow.TIMESTAMP:
			fields[idx[0]].Type = &arrow.DurationType{Unit: t.(*arrow.TimestampType).Unit}
		default:
			return failed(fmt.Errorf("dataframe: diff: column %q is %s, not a number or timestamp", c, t))
		}
		fields[idx[0]].Nullable = true
	}
	periods = clampPeriods(periods)
	spec := winSpec{Op: "diff", Cols: cols, Periods: periods}
	return windowFrame(df, spec, periodEdges(periods, cols), fields, fmt.Sprintf("Diff %d [%s]", periods, strings.Join(cols, ", ")))
}

// maxPeriods bounds Shift's and Diff's periods: shifting further leaves only nulls
// all the same, and the bound keeps row arithmetic from overflowing.
const maxPeriods = math.MaxInt32

func clampPeriods(p int) int { return max(min(p, maxPeriods), -maxPeriods) }

func periodEdges(periods int, cols []string) edgeSpec {
	if periods >= 0 {
		return edgeSpec{Before: periods, Cols: cols}
	}
	return edgeSpec{After: -periods, Cols: cols}
}

func init() {
	register(windowName, func(ctx context.Context, args []any) (any, error) {
		spec, ok := args[0].(winSpec)
		if !ok {
			return nil, fmt.Errorf("dataframe: window: argument 0 is %T", args[0])
		}
		e, part, tail, head, err := overlapArgs(args, 1)
		if err != nil {
			return nil, err
		}
		need := slices.Clone(spec.Cols)
		if spec.On != "" {
			need = append(need, spec.On)
		}
		own, err := selectColumns(part, need)
		if err != nil {
			return nil, err
		}
		ext, lo, err := extend(ctx, tail, own, head)
		own.Release()
		if err != nil {
			return nil, err
		}
		defer ext.Release()
		return windowColumns(ctx, spec, e.Index, part, ext, lo)
	})
}

// windowColumns is part with spec's columns replaced by their values computed over
// ext, in which part's rows start at lo.
func windowColumns(ctx context.Context, spec winSpec, index int, part, ext arrow.RecordBatch, lo int) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	n := int(part.NumRows())
	cols := slices.Clone(part.Columns())
	fields := slices.Clone(part.Schema().Fields())
	var made []arrow.Array
	defer func() { releaseArrays(made) }()
	var win *windows
	if spec.Op == "rolling" {
		var err error
		if win, err = rollingWindows(spec, index, ext, lo, n); err != nil {
			return nil, err
		}
	}
	for _, name := range spec.Cols {
		idx := part.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("dataframe: %s: no column %q in partition %d", spec.Op, name, index)
		}
		col := ext.Column(ext.Schema().FieldIndices(name)[0])
		var out arrow.Array
		var err error
		switch spec.Op {
		case "shift":
			rows := make([]int64, n)
			for r := range rows {
				rows[r] = int64(lo + r - spec.Periods)
				if rows[r] < 0 || rows[r] >= int64(ext.NumRows()) {
					rows[r] = -1
				}
			}
			ix := indexArray(mem, rows)
			out, err = compute.TakeArray(ctx, col, ix)
			ix.Release()
		case "diff":
			out, err = diffColumn(ctx, col, lo, n, spec.Periods)
		case "rolling":
			out, err = rollingColumn(ctx, spec, col, win)
		default:
			err = fmt.Errorf("dataframe: unknown window operation %q", spec.Op)
		}
		if err != nil {
			return nil, fmt.Errorf("dataframe: %s: column %q: %w", spec.Op, name, err)
		}
		made = append(made, out)
		cols[idx[0]] = out
		fields[idx[0]] = arrow.Field{Name: name, Type: out.DataType(), Nullable: true}
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(n)), nil
}

// diffColumn is col[r] - col[r-periods] for col's rows lo..lo+n.
func diffColumn(ctx context.Context, col arrow.Array, lo, n, periods int) (arrow.Array, error) {
	mem := compute.GetAllocator(ctx)
	pair := func(r int) (int, bool) {
		a, b := lo+r, lo+r-periods
		return b, b >= 0 && b < col.Len() && col.IsValid(a) && col.IsValid(b)
	}
	if ts, ok := col.(*array.Timestamp); ok {
		b := array.NewDurationBuilder(mem, &arrow.DurationType{Unit: ts.DataType().(*arrow.TimestampType).Unit})
		defer b.Release()
		b.Reserve(n)
		for r := range n {
			if j, ok := pair(r); ok {
				b.UnsafeAppend(arrow.Duration(ts.Value(lo+r) - ts.Value(j)))
			} else {
				b.UnsafeAppendBoolToBitmap(false)
			}
		}
		return b.NewArray(), nil
	}
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(n)
	if isInteger(col.DataType()) {
		// Integers subtract as integers (exact), then become float64, as in pandas.
		ints, err := compute.CastArray(ctx, col, compute.SafeCastOptions(arrow.PrimitiveTypes.Int64))
		if err != nil {
			return nil, err
		}
		defer ints.Release()
		vs := ints.(*array.Int64).Int64Values()
		for r := range n {
			if j, ok := pair(r); ok {
				b.UnsafeAppend(float64(vs[lo+r] - vs[j]))
			} else {
				b.UnsafeAppendBoolToBitmap(false)
			}
		}
		return b.NewArray(), nil
	}
	fs, err := compute.CastArray(ctx, col, compute.SafeCastOptions(arrow.PrimitiveTypes.Float64))
	if err != nil {
		return nil, err
	}
	defer fs.Release()
	vs := fs.(*array.Float64).Float64Values()
	for r := range n {
		if j, ok := pair(r); ok {
			b.UnsafeAppend(vs[lo+r] - vs[j])
		} else {
			b.UnsafeAppendBoolToBitmap(false)
		}
	}
	return b.NewArray(), nil
}
