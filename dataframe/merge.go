package dataframe

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/shuffle"
)

// JoinType is how Merge pairs the rows of the two sides.
type JoinType string

const (
	Inner JoinType = "inner" // rows whose keys match on both sides
	Left  JoinType = "left"  // every left row, with the matching right rows or nulls
	Right JoinType = "right" // every right row, with the matching left rows or nulls
	Outer JoinType = "outer" // every row of either side, matched where the keys are equal
	Semi  JoinType = "semi"  // the left rows that have a match, once each, left columns only
	Anti  JoinType = "anti"  // the left rows that have no match, left columns only
)

// JoinStrategy is how a merge is laid out over the partitions.
type JoinStrategy string

const (
	// AutoStrategy aligns the partitions when both sides are indexed by their keys
	// with known divisions, else broadcasts a one-partition side when the join type
	// allows it, and shuffles both sides otherwise.
	AutoStrategy JoinStrategy = ""
	// Broadcast joins every partition of one side with the whole other side: the
	// right side for inner, left, semi and anti joins, the left for right joins.
	Broadcast JoinStrategy = "broadcast"
	// HashShuffle hash-partitions both sides on the keys and joins partition with
	// partition.
	HashShuffle JoinStrategy = "hash"
	// Aligned joins sides indexed by their one key column with known divisions
	// (SetIndex): both are repartitioned to the union of their divisions — cuts and
	// concatenations, no shuffle — and joined partition with partition. The result
	// of an inner, left, semi or anti join keeps the left index and the divisions.
	Aligned JoinStrategy = "aligned"
)

// MergeOption configures Merge.
type MergeOption func(*mergeOptions)

type mergeOptions struct {
	how        JoinType
	on         []string
	leftOn     []string
	rightOn    []string
	suffixes   [2]string
	nullsEqual bool
	strategy   JoinStrategy
	nparts     int
}

// How sets the join type (default Inner).
func How(how JoinType) MergeOption { return func(o *mergeOptions) { o.how = how } }

// On names the key columns, which both sides have (default: every column name they
// share, as pandas does). The result has each once.
func On(cols ...string) MergeOption { return func(o *mergeOptions) { o.on = cols } }

// LeftOn and RightOn name key columns that differ between the sides; the result keeps
// both.
func LeftOn(cols ...string) MergeOption { return func(o *mergeOptions) { o.leftOn = cols } }

// RightOn: see LeftOn.
func RightOn(cols ...string) MergeOption { return func(o *mergeOptions) { o.rightOn = cols } }

// Suffixes are appended to the names of non-key columns that both sides have
// (default "_x" and "_y", as pandas).
func Suffixes(left, right string) MergeOption {
	return func(o *mergeOptions) { o.suffixes = [2]string{left, right} }
}

// NullsEqual makes null keys match each other, as pandas' merge does. By default a
// null key matches nothing, as in SQL and Polars.
func NullsEqual() MergeOption { return func(o *mergeOptions) { o.nullsEqual = true } }

// Strategy overrides the choice of join layout.
func Strategy(s JoinStrategy) MergeOption { return func(o *mergeOptions) { o.strategy = s } }

// MergePartitions sets the number of output partitions of a hash-shuffle join
// (default: the larger side's partition count).
func MergePartitions(n int) MergeOption { return func(o *mergeOptions) { o.nparts = n } }

// Merge joins left and right on key columns (pandas' and Dask's merge). Key columns
// may be of any integer, float, string (plain or category), bool, date or timestamp
// type; integers and floats match each other by value, other mixes are an error
// naming the columns. Rows come in no particular order across partitions.
func Merge(left, right *DataFrame, opts ...MergeOption) *DataFrame {
	if left.err != nil {
		return left
	}
	if right.err != nil {
		return right
	}
	o := mergeOptions{how: Inner, suffixes: [2]string{"_x", "_y"}}
	for _, opt := range opts {
		opt(&o)
	}
	spec, err := planMerge(left.Schema(), right.Schema(), o)
	if err != nil {
		return failed(err)
	}
	src := &mergeSource{left: left, right: right, spec: spec}
	src.strategy = o.strategy
	divs, alignable := alignedDivisions(left, right, spec)
	if src.strategy == Aligned && !alignable {
		return failed(fmt.Errorf("dataframe: merge: an aligned join needs both sides indexed by their key column with known divisions (left index %q, right index %q, keys %q and %q)",
			left.Index(), right.Index(), spec.LeftOn, spec.RightOn))
	}
	if src.strategy == AutoStrategy && alignable {
		src.strategy = Aligned
	}
	if src.strategy == AutoStrategy {
		src.strategy = HashShuffle
		if (spec.How == Right && left.NPartitions() == 1) || (spec.How != Right && spec.How != Outer && right.NPartitions() == 1) {
			src.strategy = Broadcast
		}
	}
	if src.strategy == Broadcast && spec.How == Outer {
		return failed(fmt.Errorf("dataframe: merge: an outer join cannot broadcast a side (each side's unmatched rows would repeat)"))
	}
	switch src.strategy {
	case Broadcast:
		src.n = left.NPartitions()
		if spec.How == Right {
			src.n = right.NPartitions()
		}
	case HashShuffle:
		src.n = max(left.NPartitions(), right.NPartitions())
		if o.nparts > 0 {
			src.n = o.nparts
		}
	case Aligned:
		src.left, src.right = left.alignedTo(divs), right.alignedTo(divs)
		src.n = divs.len() - 1
	default:
		return failed(fmt.Errorf("dataframe: merge: unknown strategy %q", src.strategy))
	}
	src.key = keyName("merge", []string{fmt.Sprint(left.Keys()), fmt.Sprint(right.Keys())}, []Step{{Kind: fmt.Sprintf("%+v/%s/%d", spec, src.strategy, src.n)}})
	out := fromSource(src)
	if src.strategy == Aligned && spec.How != Right && spec.How != Outer {
		// Left rows keep their order, so the left key column stays sorted.
		for c, side := range spec.Side {
			if (side == 0 || side == 2) && spec.Source[c] == spec.LeftOn[0] {
				out.index = &indexInfo{Name: spec.Outputs[c].Name, Type: spec.Outputs[c].Type, Divs: divs}
				if !arrow.TypeEqual(spec.Outputs[c].Type, left.index.Type) {
					out.index = nil // the key was cast: its divisions are of another type
				}
				break
			}
		}
	}
	return out
}

// alignedDivisions are the union of both sides' divisions when the sides can join
// partition with partition: each indexed by its one key column, divisions known and
// of one kind.
func alignedDivisions(left, right *DataFrame, spec mergeSpec) (sortKeys, bool) {
	l, r := left.index, right.index
	if !l.known() || !r.known() || len(spec.LeftOn) != 1 || spec.LeftOn[0] != l.Name || spec.RightOn[0] != r.Name ||
		!l.Divs.sameKind(&r.Divs) || !arrow.TypeEqual(l.Type, r.Type) {
		return sortKeys{}, false
	}
	all := l.Divs.pick()
	all.appendKeys(l.Divs)
	all.appendKeys(r.Divs)
	rows := make([]int, all.len())
	for i := range rows {
		rows[i] = i
	}
	slices.SortFunc(rows, func(a, b int) int { return all.compare(a, &all, b) })
	rows = slices.CompactFunc(rows, func(a, b int) bool { return all.compare(a, &all, b) == 0 })
	if len(rows) == 1 { // one value on both sides: one partition
		rows = append(rows, rows[0])
	}
	return all.pick(rows...), true
}

// Merge is Merge(df, right, opts...).
func (df *DataFrame) Merge(right *DataFrame, opts ...MergeOption) *DataFrame {
	return Merge(df, right, opts...)
}

// mergeSpec is a planned merge: plain data, the join kernel's parameter.
type mergeSpec struct {
	How        JoinType
	LeftOn     []string
	RightOn    []string
	Types      []string // each key pair's hashing type
	Coalesce   bool     // On: one key column per pair, from whichever side has the row
	NullsEqual bool
	// The output: each column's side (0 left, 1 right, 2 a coalesced key pair) and
	// source column name, in order.
	Side    []int
	Source  []string
	Outputs fieldList
}

func planMerge(ls, rs *arrow.Schema, o mergeOptions) (mergeSpec, error) {
	spec := mergeSpec{How: o.how, NullsEqual: o.nullsEqual}
	switch o.how {
	case Inner, Left, Right, Outer, Semi, Anti:
	default:
		return spec, fmt.Errorf("dataframe: merge: unknown join type %q (inner, left, right, outer, semi, anti)", o.how)
	}
	switch {
	case len(o.on) > 0 && (len(o.leftOn) > 0 || len(o.rightOn) > 0):
		return spec, fmt.Errorf("dataframe: merge: give On or LeftOn and RightOn, not both")
	case len(o.leftOn) > 0 || len(o.rightOn) > 0:
		if len(o.leftOn) != len(o.rightOn) {
			return spec, fmt.Errorf("dataframe: merge: %d left keys (%s) but %d right keys (%s)", len(o.leftOn), strings.Join(o.leftOn, ", "), len(o.rightOn), strings.Join(o.rightOn, ", "))
		}
		spec.LeftOn, spec.RightOn = o.leftOn, o.rightOn
	case len(o.on) > 0:
		spec.LeftOn, spec.RightOn, spec.Coalesce = o.on, o.on, true
	default:
		for _, f := range ls.Fields() {
			if rs.HasField(f.Name) {
				spec.LeftOn = append(spec.LeftOn, f.Name)
			}
		}
		if len(spec.LeftOn) == 0 {
			return spec, fmt.Errorf("dataframe: merge: the sides share no column to join on; name the keys with On or LeftOn/RightOn")
		}
		spec.RightOn, spec.Coalesce = spec.LeftOn, true
	}
	keyOut := make([]arrow.DataType, len(spec.LeftOn))
	for i := range spec.LeftOn {
		lf, err := schemaField(ls, spec.LeftOn[i], "left")
		if err != nil {
			return spec, err
		}
		rf, err := schemaField(rs, spec.RightOn[i], "right")
		if err != nil {
			return spec, err
		}
		hashType, out, err := joinKeyType(lf.Type, rf.Type)
		if err != nil {
			return spec, fmt.Errorf("dataframe: merge: left key %q is %s and right key %q is %s: %w", lf.Name, lf.Type, rf.Name, rf.Type, err)
		}
		spec.Types = append(spec.Types, hashType)
		keyOut[i] = out
	}
	add := func(side int, src string, f arrow.Field) {
		spec.Side = append(spec.Side, side)
		spec.Source = append(spec.Source, src)
		spec.Outputs = append(spec.Outputs, f)
	}
	// With On, a key pair is one column, so the key names do not clash.
	isKey := func(name string) bool { return spec.Coalesce && slices.Contains(spec.LeftOn, name) }
	overlap := func(name string, other *arrow.Schema) bool { return other.HasField(name) }
	for _, f := range ls.Fields() {
		if k := slices.Index(spec.LeftOn, f.Name); k >= 0 && spec.Coalesce {
			add(2, f.Name, arrow.Field{Name: f.Name, Type: keyOut[k], Nullable: true})
			continue
		}
		name := f.Name
		if o.how != Semi && o.how != Anti && overlap(f.Name, rs) && !isKey(f.Name) {
			name += o.suffixes[0]
		}
		add(0, f.Name, arrow.Field{Name: name, Type: f.Type, Nullable: true})
	}
	if o.how != Semi && o.how != Anti {
		for _, f := range rs.Fields() {
			if isKey(f.Name) {
				continue
			}
			name := f.Name
			if overlap(f.Name, ls) {
				name += o.suffixes[1]
			}
			add(1, f.Name, arrow.Field{Name: name, Type: f.Type, Nullable: true})
		}
	}
	seen := map[string]bool{}
	for _, f := range spec.Outputs {
		if seen[f.Name] {
			return spec, fmt.Errorf("dataframe: merge: the result would have two columns named %q; choose other Suffixes", f.Name)
		}
		seen[f.Name] = true
	}
	return spec, nil
}

func schemaField(s *arrow.Schema, name, side string) (arrow.Field, error) {
	idx := s.FieldIndices(name)
	if len(idx) == 0 {
		return arrow.Field{}, fmt.Errorf("dataframe: merge: the %s side has no column %q (columns: %s)", side, name, strings.Join(fieldNamesOf(s), ", "))
	}
	return s.Field(idx[0]), nil
}

// joinKeyType is the hashing type and the result type of a key pair.
func joinKeyType(a, b arrow.DataType) (hash string, out arrow.DataType, err error) {
	if isTemporal(a) || isTemporal(b) {
		if !arrow.TypeEqual(a, b) {
			return "", nil, fmt.Errorf("dates and timestamps join only with the same type")
		}
		return "int64", a, nil
	}
	na, okA := normType(a)
	nb, okB := normType(b)
	if !okA || !okB {
		return "", nil, fmt.Errorf("cannot join on these types")
	}
	switch {
	case arrow.TypeEqual(na, nb):
		return typeName(na), na, nil
	case na.ID() == arrow.INT64 && nb.ID() == arrow.FLOAT64, na.ID() == arrow.FLOAT64 && nb.ID() == arrow.INT64:
		return "float64", arrow.PrimitiveTypes.Float64, nil
	}
	return "", nil, fmt.Errorf("incompatible types")
}

type mergeSource struct {
	left, right *DataFrame
	spec        mergeSpec
	strategy    JoinStrategy
	n           int
	key         string
}

func (s *mergeSource) describe() string {
	on := strings.Join(s.spec.LeftOn, ", ")
	if !slices.Equal(s.spec.LeftOn, s.spec.RightOn) {
		on += " = " + strings.Join(s.spec.RightOn, ", ")
	}
	return fmt.Sprintf("Merge how=%s on [%s] strategy=%s", s.spec.How, on, s.strategy)
}
func (s *mergeSource) name() string          { return s.key }
func (s *mergeSource) npartitions() int      { return s.n }
func (s *mergeSource) schema() *arrow.Schema { return arrow.NewSchema(s.spec.Outputs, nil) }

const (
	joinName        = "dataframe.join"
	joinShardsName  = "dataframe.join-shards"
	concatPartsName = "dataframe.concat-parts"
)

func (s *mergeSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	lk := make([]graph.Key, s.n) // each output partition's left and right inputs
	rk := make([]graph.Key, s.n)
	switch s.strategy {
	case Broadcast:
		small, big := s.right, s.left
		if s.spec.How == Right {
			small, big = s.left, s.right
		}
		whole := graph.K(s.key+"-broadcast", 0)
		smallKeys, err := lowerInto(g, small)
		if err != nil {
			return nil, err
		}
		if err := g.Add(graph.Task{Key: whole, Func: graph.Registered(concatPartsName), Args: inputs(len(smallKeys)), Deps: smallKeys}); err != nil {
			return nil, err
		}
		bigKeys, err := lowerInto(g, big)
		if err != nil {
			return nil, err
		}
		for part := range s.n {
			lk[part], rk[part] = bigKeys[part], whole
			if s.spec.How == Right {
				lk[part], rk[part] = whole, bigKeys[part]
			}
		}
	case Aligned:
		var err error
		if lk, err = lowerInto(g, s.left); err != nil {
			return nil, err
		}
		if rk, err = lowerInto(g, s.right); err != nil {
			return nil, err
		}
	case HashShuffle:
		// Each side's partitions are split by the key's hash; each join task takes its
		// shard of every split and concatenates them itself, so that no shuffled
		// partition outlives its join.
		var splits [2][]graph.Key
		for side, df := range []*DataFrame{s.left, s.right} {
			on := s.spec.LeftOn
			if side == 1 {
				on = s.spec.RightOn
			}
			in, err := lowerInto(g, df)
			if err != nil {
				return nil, err
			}
			l := shuffle.Layout{Name: fmt.Sprintf("%s-shuffle-%d", s.key, side), N: s.n, Split: graph.Registered(shuffleSplitName), SplitArgs: []any{on, s.spec.Types, s.n}}
			keys, err := l.AddSplits(g, in)
			if err != nil {
				return nil, err
			}
			splits[side] = keys
		}
		for part := range s.n {
			deps := append(slices.Clone(splits[0]), splits[1]...)
			args := append([]any{s.spec, part, len(splits[0])}, inputs(len(deps))...)
			if err := g.Add(graph.Task{Key: graph.K(s.key, part), Func: graph.Registered(joinShardsName), Args: args, Deps: deps}); err != nil {
				return nil, err
			}
		}
		return g, nil
	}
	for part := range s.n {
		out := graph.K(s.key, part)
		if err := g.Add(graph.Task{Key: out, Func: graph.Registered(joinName), Args: []any{s.spec, graph.Input(0), graph.Input(1)}, Deps: []graph.Key{lk[part], rk[part]}}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (s *mergeSource) tasks(key graph.Key, part int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, part), columns, steps), nil
}

// lowerInto adds df's tasks to g and returns its partitions' keys.
func lowerInto(g *graph.Graph, df *DataFrame) ([]graph.Key, error) {
	p, err := df.optimized()
	if err != nil {
		return nil, err
	}
	sub := graph.New(0)
	keys, err := p.lower(sub)
	if err != nil {
		return nil, err
	}
	for _, t := range sub.Tasks() {
		if _, ok := g.Task(t.Key); !ok {
			if err := g.Add(t); err != nil {
				return nil, err
			}
		}
	}
	return keys, nil
}

func init() {
	register(concatPartsName, func(ctx context.Context, args []any) (any, error) {
		recs := make([]arrow.RecordBatch, len(args))
		for i, a := range args {
			r, ok := a.(arrow.RecordBatch)
			if !ok {
				return nil, fmt.Errorf("dataframe: concat: partition %d is %T", i, a)
			}
			recs[i] = r
		}
		return concatRecords(ctx, recs)
	})
	// Partition j of a hash join: shard j of every left split, concatenated, joined
	// with shard j of every right split.
	register(joinShardsName, func(ctx context.Context, args []any) (any, error) {
		spec, j, nl := args[0].(mergeSpec), args[1].(int), args[2].(int)
		var sides [2]arrow.RecordBatch
		defer func() {
			for _, r := range sides {
				if r != nil {
					r.Release()
				}
			}
		}()
		for side, splits := range [][]any{args[3 : 3+nl], args[3+nl:]} {
			parts, err := shards(j, splits)
			if err != nil {
				return nil, fmt.Errorf("dataframe: merge: %w", err)
			}
			if sides[side], err = concatRecords(ctx, parts); err != nil {
				return nil, err
			}
		}
		return joinRecords(ctx, spec, sides[0], sides[1])
	})
	register(joinName, func(ctx context.Context, args []any) (any, error) {
		spec := args[0].(mergeSpec)
		l, okL := args[1].(arrow.RecordBatch)
		r, okR := args[2].(arrow.RecordBatch)
		if !okL || !okR {
			return nil, fmt.Errorf("dataframe: join of %T and %T", args[1], args[2])
		}
		return joinRecords(ctx, spec, l, r)
	})
}

// joinRecords joins two records. A grouper numbers the right side's distinct keys,
// then looks up the left side's: a left row whose key it knows has matches, namely the
// right rows of that group.
func joinRecords(ctx context.Context, spec mergeSpec, left, right arrow.RecordBatch) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	lkeys, err := keyColumns(ctx, left, spec.LeftOn, spec.Types)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(lkeys)
	rkeys, err := keyColumns(ctx, right, spec.RightOn, spec.Types)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(rkeys)
	types := make([]arrow.DataType, len(spec.Types))
	for i, t := range spec.Types {
		types[i] = castTypes[t]
	}
	g := newGrouper(mem, types, !spec.NullsEqual)
	defer g.release()
	nl, nr := int(left.NumRows()), int(right.NumRows())
	g.reserve(nr)
	rids := g.ids(rkeys, nr)
	nrg := g.ngroups
	g.probe = true // the left side only looks up: -1 is no match
	lids := g.ids(lkeys, nl)
	// The right rows of each group, grouped (counting sort).
	start := make([]int32, nrg+1)
	for _, id := range rids {
		if id >= 0 {
			start[id+1]++
		}
	}
	for i := range nrg {
		start[i+1] += start[i]
	}
	rows := make([]int32, start[nrg])
	fill := slices.Clone(start[:nrg])
	for r, id := range rids {
		if id >= 0 {
			rows[fill[id]] = int32(r)
			fill[id]++
		}
	}
	matched := make([]bool, nrg)
	li := make([]int64, 0, nl) // -1: no row (nulls)
	var ri []int64
	if spec.How != Semi && spec.How != Anti {
		ri = make([]int64, 0, nl)
	}
	for l, id := range lids {
		has := id >= 0 && int(id) < nrg
		switch spec.How {
		case Semi:
			if has {
				li = append(li, int64(l))
			}
			continue
		case Anti:
			if !has {
				li = append(li, int64(l))
			}
			continue
		}
		if has {
			matched[id] = true
			for _, r := range rows[start[id]:start[id+1]] {
				li, ri = append(li, int64(l)), append(ri, int64(r))
			}
		} else if spec.How == Left || spec.How == Outer {
			li, ri = append(li, int64(l)), append(ri, -1)
		}
	}
	if spec.How == Right || spec.How == Outer {
		for r, id := range rids {
			if id < 0 || !matched[id] {
				li, ri = append(li, -1), append(ri, int64(r))
			}
		}
	}
	return assembleJoin(ctx, spec, left, right, lkeys, rkeys, li, ri)
}

// assembleJoin takes the output columns: left columns at li, right columns at ri, and
// coalesced keys from whichever side has the row.
func assembleJoin(ctx context.Context, spec mergeSpec, left, right arrow.RecordBatch, lkeys, rkeys []arrow.Array, li, ri []int64) (arrow.RecordBatch, error) {
	mem := compute.GetAllocator(ctx)
	// Every left row once, in order (a left join on unique right keys, or an inner
	// join where every row matches): the left columns are used as they are.
	leftAsIs := len(li) == int(left.NumRows())
	allLeft := true
	for i, l := range li {
		leftAsIs = leftAsIs && l == int64(i)
		allLeft = allLeft && l >= 0
	}
	lidx := indexArray(mem, li)
	defer lidx.Release()
	var ridx arrow.Array
	if spec.How != Semi && spec.How != Anti {
		ridx = indexArray(mem, ri)
		defer ridx.Release()
	}
	take := func(a, idx arrow.Array) (arrow.Array, error) {
		if leftAsIs && idx == lidx {
			a.Retain()
			return a, nil
		}
		return compute.TakeArray(ctx, a, idx)
	}
	cols := make([]arrow.Array, len(spec.Outputs))
	defer releaseArrays(cols)
	for i, f := range spec.Outputs {
		var err error
		switch spec.Side[i] {
		case 0:
			cols[i], err = take(left.Column(left.Schema().FieldIndices(spec.Source[i])[0]), lidx)
		case 1:
			cols[i], err = take(right.Column(right.Schema().FieldIndices(spec.Source[i])[0]), ridx)
		case 2:
			k := slices.Index(spec.LeftOn, spec.Source[i])
			lk := left.Column(left.Schema().FieldIndices(spec.LeftOn[k])[0])
			if allLeft { // every row has a left side
				var lc arrow.Array
				if lc, err = castKey(ctx, lk, f.Type); err == nil {
					cols[i], err = take(lc, lidx)
					lc.Release()
				}
				break
			}
			cols[i], err = coalesceKey(ctx, f.Type, lk, right.Column(right.Schema().FieldIndices(spec.RightOn[k])[0]), li, ri)
		}
		if err != nil {
			return nil, fmt.Errorf("dataframe: merge: column %q: %w", f.Name, err)
		}
	}
	return array.NewRecordBatch(arrow.NewSchema(spec.Outputs, nil), cols, int64(len(li))), nil
}

// coalesceKey is a key pair's output column: the left value where the row has a left
// side, else the right value, both cast to typ.
func coalesceKey(ctx context.Context, typ arrow.DataType, l, r arrow.Array, li, ri []int64) (arrow.Array, error) {
	cast := func(a arrow.Array) (arrow.Array, error) { return castKey(ctx, a, typ) }
	lc, err := cast(l)
	if err != nil {
		return nil, err
	}
	defer lc.Release()
	rc, err := cast(r)
	if err != nil {
		return nil, err
	}
	defer rc.Release()
	both, err := array.Concatenate([]arrow.Array{lc, rc}, compute.GetAllocator(ctx))
	if err != nil {
		return nil, err
	}
	defer both.Release()
	idx := make([]int64, len(li))
	for i, l := range li {
		if l >= 0 {
			idx[i] = l
		} else {
			idx[i] = int64(lc.Len()) + ri[i]
		}
	}
	ia := indexArray(compute.GetAllocator(ctx), idx)
	defer ia.Release()
	return compute.TakeArray(ctx, both, ia)
}

// castKey is a key column as the result's type typ (categories decoded); the caller
// releases it.
func castKey(ctx context.Context, a arrow.Array, typ arrow.DataType) (arrow.Array, error) {
	if isCategory(a.DataType()) {
		return decode(ctx, a)
	}
	if arrow.TypeEqual(a.DataType(), typ) {
		a.Retain()
		return a, nil
	}
	return compute.CastArray(ctx, a, compute.SafeCastOptions(typ))
}

// indexArray is an int64 array of the indices, null where an index is -1. Without
// nulls it shares idx's memory.
func indexArray(mem memory.Allocator, idx []int64) arrow.Array {
	if len(idx) == 0 || slices.Min(idx) >= 0 {
		data := array.NewData(arrow.PrimitiveTypes.Int64, len(idx), []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(idx))}, nil, 0, 0)
		defer data.Release()
		return array.MakeFromData(data)
	}
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Reserve(len(idx))
	for _, v := range idx {
		if v < 0 {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(v)
		}
	}
	return b.NewArray()
}
