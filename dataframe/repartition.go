package dataframe

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
)

// Repartition changes the number of partitions to n, keeping the rows in order (Dask's
// repartition(npartitions=n)): fewer partitions concatenate neighbours, more cut each
// partition into pieces of equal row counts (without copying). Each output partition
// depends on one input partition, or a run of neighbours: n + P tasks at most.
func (df *DataFrame) Repartition(n int) *DataFrame {
	if df.err != nil {
		return df
	}
	if n < 1 {
		return failed(fmt.Errorf("dataframe: repartition into %d partitions", n))
	}
	src := &repartSource{in: df, n: n}
	src.key = keyName("repartition", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprint(n)}})
	out := fromSource(src)
	if df.index != nil {
		// The rows stay in order, so the index does; combining whole partitions keeps
		// the divisions at the seams, cutting them makes new ones unknown.
		ix := *df.index
		p := df.NPartitions()
		if ix.known() && n <= p {
			at := make([]int, n+1)
			for j := range at {
				at[j] = j * p / n
			}
			ix.Divs = ix.Divs.pick(at...)
		} else {
			ix.Divs = sortKeys{}
		}
		out.index = &ix
	}
	return out
}

type repartSource struct {
	in  *DataFrame
	n   int
	key string
}

func (s *repartSource) describe() string      { return fmt.Sprintf("Repartition to %d", s.n) }
func (s *repartSource) input() *DataFrame     { return s.in }
func (s *repartSource) name() string          { return s.key }
func (s *repartSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *repartSource) npartitions() int      { return s.n }

const repartCutName = "dataframe.repartition-cut"

func (s *repartSource) tasks(key graph.Key, j int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, j), columns, steps), nil
}

func (s *repartSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	for j := range s.n {
		if err := s.add(g, in, j); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// add adds output partition j's tasks over the input partitions in.
func (s *repartSource) add(g *graph.Graph, in []graph.Key, j int) error {
	p := len(in)
	out := graph.K(s.key, j)
	if s.n <= p {
		// Output j: input partitions [j·p/n, (j+1)·p/n).
		deps := in[j*p/s.n : (j+1)*p/s.n]
		if err := g.Add(graph.Task{Key: out, Func: graph.Registered(concatPartsName), Args: inputs(len(deps)), Deps: deps}); err != nil {
			return err
		}
	} else {
		// Input i is cut into the outputs [⌈i·n/p⌉, ⌈(i+1)·n/p⌉).
		first := func(i int) int { return (i*s.n + p - 1) / p }
		i := j * p / s.n
		for first(i+1) <= j {
			i++
		}
		for first(i) > j {
			i--
		}
		cut := graph.K(s.key+"-cut", i)
		if _, ok := g.Task(cut); !ok {
			if err := g.Add(graph.Task{Key: cut, Func: graph.Registered(repartCutName), Args: []any{first(i+1) - first(i), graph.Input(0)}, Deps: []graph.Key{in[i]}}); err != nil {
				return err
			}
		}
		if err := g.Add(graph.Task{Key: out, Func: graph.Registered(pickName), Args: []any{j - first(i), graph.Input(0)}, Deps: []graph.Key{cut}}); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	// A partition cut into k slices of (nearly) equal row counts.
	register(repartCutName, func(_ context.Context, args []any) (any, error) {
		k := args[0].(int)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: repartition input is %T", args[1])
		}
		rows := rec.NumRows()
		out := make(recordList, k)
		for q := range k {
			out[q] = rec.NewSlice(rows*int64(q)/int64(k), rows*int64(q+1)/int64(k))
		}
		return out, nil
	})
}

// RepartitionDivisions moves the rows of an indexed DataFrame with known divisions
// into new partitions bounded by divisions (Dask's repartition(divisions=...)). The
// new divisions must ascend and cover the old ones (first ≤ the old first, last ≥ the
// old last). No row is compared to another: each input partition, sorted by the
// index, is cut at the new divisions it spans (slices, no copy), and each output
// partition concatenates its pieces — at most P + N tasks.
func (df *DataFrame) RepartitionDivisions(divisions ...any) *DataFrame {
	if df.err != nil {
		return df
	}
	if !df.index.known() {
		return failed(fmt.Errorf("dataframe: repartition by divisions needs known divisions (set an index first)"))
	}
	divs, err := divisionKeys("repartition", divisions, df.index.Type)
	if err != nil {
		return failed(err)
	}
	return df.alignedTo(divs)
}

// alignedTo is RepartitionDivisions for divisions read already.
func (df *DataFrame) alignedTo(divs sortKeys) *DataFrame {
	old := &df.index.Divs
	if divs.compare(0, old, 0) > 0 || divs.compare(divs.len()-1, old, old.len()-1) < 0 {
		t := df.index.Type
		return failed(fmt.Errorf("dataframe: repartition: divisions [%v, %v] do not cover the index's [%v, %v]",
			divisionValue(&divs, 0, t), divisionValue(&divs, divs.len()-1, t), divisionValue(old, 0, t), divisionValue(old, old.len()-1, t)))
	}
	src := &divisionSource{in: df, divs: divs}
	src.key = keyName("repartition-divisions", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprintf("%+v", divs)}})
	out := fromSource(src)
	ix := *df.index
	ix.Divs = divs
	out.index = &ix
	return out
}

type divisionSource struct {
	in   *DataFrame
	divs sortKeys
	key  string
}

func (s *divisionSource) describe() string {
	return fmt.Sprintf("Repartition by %d divisions of %s", s.divs.len(), s.in.index.Name)
}
func (s *divisionSource) input() *DataFrame     { return s.in }
func (s *divisionSource) name() string          { return s.key }
func (s *divisionSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *divisionSource) npartitions() int      { return s.divs.len() - 1 }

const divisionCutName = "dataframe.division-cut"

// divisionCut is what a division cut kernel needs: the index column and the inner
// divisions to cut at.
type divisionCut struct {
	Col   string
	Inner sortKeys
}

func (s *divisionSource) tasks(key graph.Key, j int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, j), columns, steps), nil
}

func (s *divisionSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	for j := range s.divs.len() - 1 {
		if err := s.add(g, in, j); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// add adds output partition j's tasks over the input partitions in.
func (s *divisionSource) add(g *graph.Graph, in []graph.Key, j int) error {
	old, n := &s.in.index.Divs, s.divs.len()-1
	inner := make([]int, n-1)
	for q := range inner {
		inner[q] = q + 1
	}
	cut := divisionCut{Col: s.in.index.Name, Inner: s.divs.pick(inner...)}
	// Input i's values lie in [old[i], old[i+1]], output j's in [divs[j], divs[j+1]]:
	// the pieces of the inputs whose range meets j's (and the last input's missing
	// values, which go to the last output).
	var deps []graph.Key
	var args []any
	for i := range in {
		meets := old.compare(i, &s.divs, j+1) <= 0 && s.divs.compare(j, old, i+1) <= 0
		if !meets && !(i == len(in)-1 && j == n-1) {
			continue
		}
		c := graph.K(s.key+"-cut", i)
		if _, ok := g.Task(c); !ok {
			if err := g.Add(graph.Task{Key: c, Func: graph.Registered(divisionCutName), Args: []any{cut, graph.Input(0)}, Deps: []graph.Key{in[i]}}); err != nil {
				return err
			}
		}
		p := graph.K(fmt.Sprintf("%s-piece-%d", s.key, j), i)
		if err := g.Add(graph.Task{Key: p, Func: graph.Registered(pickName), Args: []any{j, graph.Input(0)}, Deps: []graph.Key{c}}); err != nil {
			return err
		}
		deps = append(deps, p)
		args = append(args, graph.Input(len(args)))
	}
	out := graph.K(s.key, j)
	if len(deps) == 0 {
		// No input can hold rows of this output: an empty slice of the first input.
		c := graph.K(s.key+"-cut", 0)
		if _, ok := g.Task(c); !ok {
			if err := g.Add(graph.Task{Key: c, Func: graph.Registered(divisionCutName), Args: []any{cut, graph.Input(0)}, Deps: []graph.Key{in[0]}}); err != nil {
				return err
			}
		}
		if err := g.Add(graph.Task{Key: out, Func: graph.Registered(pickName), Args: []any{j, graph.Input(0)}, Deps: []graph.Key{c}}); err != nil {
			return err
		}
	} else if err := g.Add(graph.Task{Key: out, Func: graph.Registered(concatPartsName), Args: args, Deps: deps}); err != nil {
		return err
	}
	return nil
}

func init() {
	// A partition sorted by its index cut at divisions: piece q holds the values in
	// [inner[q-1], inner[q]), missing values in the last piece.
	register(divisionCutName, func(_ context.Context, args []any) (any, error) {
		cut := args[0].(divisionCut)
		rec, ok := args[1].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: repartition input is %T", args[1])
		}
		col, err := sortColumn(rec, cut.Col)
		if err != nil {
			return nil, err
		}
		keys := keysOf(col)
		rows := keys.len()
		out := make(recordList, 0, cut.Inner.len()+1)
		start := 0
		for q := range cut.Inner.len() + 1 {
			end := rows
			if q < cut.Inner.len() {
				// The first row at or past the division (missing values sort last).
				end = start + sort.Search(rows-start, func(r int) bool {
					return keys.Missing[start+r] || keys.compare(start+r, &cut.Inner, q) >= 0
				})
			}
			out = append(out, rec.NewSlice(int64(start), int64(end)))
			start = end
		}
		return out, nil
	})
}

// RepartitionSize repartitions to partitions of about size bytes of Arrow memory
// each (Dask's repartition(partition_size=...)): a partition larger than size is cut
// into equal pieces, and neighbouring pieces are combined while they fit. Like Dask,
// it computes the input now to measure its partitions (Persist it first when that
// costs); the repartitioning itself is lazy. Rows keep their order; empty partitions
// disappear.
func (df *DataFrame) RepartitionSize(ctx context.Context, size int64, opts ...gask.Option) (*DataFrame, error) {
	if df.err != nil {
		return nil, df.err
	}
	if size < 1 {
		return nil, fmt.Errorf("dataframe: repartition to partitions of %d bytes", size)
	}
	if df.NPartitions() == 0 {
		return df, nil
	}
	sizes, err := gask.Compute[[][2]int64](ctx, &perPartition[[2]int64]{df: df, fn: sizeName}, opts...)
	if err != nil {
		return nil, err
	}
	// Pieces: input i cut into k[i] slices; outputs: runs of consecutive pieces.
	var outs [][]piece
	var cur []piece
	var curBytes int64
	k := make([]int, len(sizes))
	for i, sz := range sizes {
		rows, bytes := sz[0], sz[1]
		if rows == 0 {
			continue
		}
		k[i] = int(min(rows, max(1, (bytes+size-1)/size)))
		each := bytes / int64(k[i])
		for q := range k[i] {
			if len(cur) > 0 && curBytes+each > size {
				outs, cur, curBytes = append(outs, cur), nil, 0
			}
			cur = append(cur, piece{In: i, Of: k[i], Q: q})
			curBytes += each
		}
	}
	if len(cur) > 0 || len(outs) == 0 {
		outs = append(outs, cur)
	}
	src := &sizeSource{in: df, outs: outs, size: size}
	src.key = keyName("repartition-size", []string{fmt.Sprint(df.Keys())}, []Step{{Kind: fmt.Sprint(outs)}})
	out := fromSource(src)
	if df.index != nil {
		// Divisions stay known when only whole partitions were combined.
		ix := *df.index
		ix.Divs = sortKeys{}
		if ix.known() && !slices.ContainsFunc(outs, func(run []piece) bool { return len(run) == 0 || run[0].Of > 1 }) {
			var at []int
			for _, run := range outs {
				at = append(at, run[0].In)
			}
			ix.Divs = df.index.Divs.pick(append(at, df.NPartitions())...)
		}
		out.index = &ix
	}
	return out, nil
}

// piece is slice Q of input partition In cut into Of slices of equal row counts.
type piece struct{ In, Of, Q int }

// sizeSource is RepartitionSize's plan: each output partition a run of pieces.
type sizeSource struct {
	in   *DataFrame
	outs [][]piece
	size int64
	key  string
}

func (s *sizeSource) describe() string      { return fmt.Sprintf("RepartitionSize %d bytes", s.size) }
func (s *sizeSource) input() *DataFrame     { return s.in }
func (s *sizeSource) name() string          { return s.key }
func (s *sizeSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *sizeSource) npartitions() int      { return len(s.outs) }

func (s *sizeSource) tasks(key graph.Key, j int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, j), columns, steps), nil
}

func (s *sizeSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	for j := range s.outs {
		if err := s.add(g, in, j); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// add adds output partition j's tasks over the input partitions in.
func (s *sizeSource) add(g *graph.Graph, in []graph.Key, j int) error {
	var deps []graph.Key
	for _, p := range s.outs[j] {
		if p.Of == 1 {
			deps = append(deps, in[p.In])
			continue
		}
		cut := graph.K(s.key+"-cut", p.In)
		if _, ok := g.Task(cut); !ok {
			if err := g.Add(graph.Task{Key: cut, Func: graph.Registered(repartCutName), Args: []any{p.Of, graph.Input(0)}, Deps: []graph.Key{in[p.In]}}); err != nil {
				return err
			}
		}
		pk := graph.K(fmt.Sprintf("%s-piece-%d", s.key, p.In), p.Q)
		if err := g.Add(graph.Task{Key: pk, Func: graph.Registered(pickName), Args: []any{p.Q, graph.Input(0)}, Deps: []graph.Key{cut}}); err != nil {
			return err
		}
		deps = append(deps, pk)
	}
	out := graph.K(s.key, j)
	t := graph.Task{Key: out, Func: graph.Registered(concatPartsName), Args: inputs(len(deps)), Deps: deps}
	if len(deps) == 0 { // no rows at all: the first partition, empty
		t.Args, t.Deps = []any{graph.Input(0)}, []graph.Key{in[0]}
	}
	if err := g.Add(t); err != nil {
		return err
	}
	return nil
}

const sizeName = "dataframe.partition-size"

func init() {
	register(sizeName, func(_ context.Context, args []any) (any, error) {
		rec, ok := args[0].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: partition is %T", args[0])
		}
		return [2]int64{rec.NumRows(), sched.SizeOf(rec)}, nil
	})
}
