package dataframe

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask/graph"
)

// Keep says which of a set of duplicate rows DropDuplicates keeps.
type Keep string

const (
	KeepFirst Keep = "first" // the first in row order (pandas' default)
	KeepLast  Keep = "last"  // the last in row order
	KeepNone  Keep = "none"  // none of them (pandas' keep=False)
)

// DropDuplicates removes rows whose values in the subset columns (every column when
// subset is empty) repeat an earlier row's, keeping the first, the last or none of
// each set (pandas' drop_duplicates). Missing values equal each other, as in pandas.
// Several partitions are shuffled on the subset first, so that duplicates meet: the
// result has as many partitions as the input (or SplitOut's n), in hash order;
// within a partition rows keep their order.
func (df *DataFrame) DropDuplicates(subset []string, keep Keep, opts ...ReduceOption) *DataFrame {
	if df.err != nil {
		return df
	}
	o := reduceOpts(opts)
	if o.splitOut < 0 {
		return failed(fmt.Errorf("dataframe: drop_duplicates: split_out %d", o.splitOut))
	}
	switch keep {
	case KeepFirst, KeepLast, KeepNone:
	default:
		return failed(fmt.Errorf("dataframe: drop_duplicates: keep %q (first, last or none)", keep))
	}
	if len(subset) == 0 {
		subset = df.Columns()
	}
	types, err := hashKeyTypes(df.Schema(), subset, "drop_duplicates")
	if err != nil {
		return failed(err)
	}
	in := df
	if n := cmp.Or(o.splitOut, df.NPartitions()); df.NPartitions() > 1 || n > 1 {
		in = df.Shuffle(subset, n)
	}
	src := &dedupSource{in: in, subset: subset, types: types, keep: keep}
	src.key = keyName("drop-duplicates", []string{fmt.Sprint(in.Keys())}, []Step{{Kind: fmt.Sprintf("%q/%s", subset, keep)}})
	return fromSource(src)
}

type dedupSource struct {
	in     *DataFrame
	subset []string
	types  []string
	keep   Keep
	key    string
}

func (s *dedupSource) describe() string {
	return fmt.Sprintf("DropDuplicates [%s] keep=%s", strings.Join(s.subset, ", "), s.keep)
}
func (s *dedupSource) input() *DataFrame     { return s.in }
func (s *dedupSource) name() string          { return s.key }
func (s *dedupSource) schema() *arrow.Schema { return s.in.Schema() }
func (s *dedupSource) npartitions() int      { return s.in.NPartitions() }

const dedupName = "dataframe.drop-duplicates"

func (s *dedupSource) tasks(key graph.Key, i int, columns []string, steps []Step) ([]graph.Task, error) {
	return ownTasks(key, graph.K(s.key, i), columns, steps), nil
}

func (s *dedupSource) shared() (*graph.Graph, error) {
	g := graph.New(0)
	in, err := lowerInto(g, s.in)
	if err != nil {
		return nil, err
	}
	for i, k := range in {
		if err := g.Add(graph.Task{Key: graph.K(s.key, i), Func: graph.Registered(dedupName), Args: []any{s.subset, s.types, string(s.keep), graph.Input(0)}, Deps: []graph.Key{k}}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func init() {
	register(dedupName, func(ctx context.Context, args []any) (any, error) {
		rec, ok := args[3].(arrow.RecordBatch)
		if !ok {
			return nil, fmt.Errorf("dataframe: drop_duplicates input is %T", args[3])
		}
		return dropDuplicates(ctx, rec, args[0].([]string), args[1].([]string), Keep(args[2].(string)))
	})
}

// dropDuplicates keeps the rows of rec that the step's keep rule selects.
func dropDuplicates(ctx context.Context, rec arrow.RecordBatch, subset, types []string, keep Keep) (arrow.RecordBatch, error) {
	keys, err := keyColumns(ctx, rec, subset, types)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(keys)
	kt := make([]arrow.DataType, len(types))
	for i, t := range types {
		kt[i] = castTypes[t]
	}
	g := newGrouper(compute.GetAllocator(ctx), kt, false)
	defer g.release()
	n := int(rec.NumRows())
	ids := g.ids(keys, n)
	var rows []int
	switch keep {
	case KeepFirst:
		seen := make([]bool, g.ngroups)
		for r, id := range ids {
			if !seen[id] {
				seen[id] = true
				rows = append(rows, r)
			}
		}
	case KeepLast:
		last := make([]int, g.ngroups)
		for r, id := range ids {
			last[id] = r
		}
		for r, id := range ids {
			if last[id] == r {
				rows = append(rows, r)
			}
		}
	case KeepNone:
		count := make([]int32, g.ngroups)
		for _, id := range ids {
			count[id]++
		}
		for r, id := range ids {
			if count[id] == 1 {
				rows = append(rows, r)
			}
		}
	}
	if len(rows) == n {
		rec.Retain()
		return rec, nil
	}
	return takeRows(ctx, rec, rows)
}
