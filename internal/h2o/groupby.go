package h2o

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// GroupByName is the db-benchmark name of a groupby table, without ".csv":
// GroupByName(1e7, 100, 0, false) is "G1_1e7_1e2_0_0". n is the number of rows, k
// the number of groups of the large-group columns, nas the percentage of missing
// values, and sort whether the rows are sorted by id1..id6.
func GroupByName(n, k, nas int, sort bool) string {
	return fmt.Sprintf("G1_%s_%s_%d_%d", prettySci(n), prettySci(k), nas, b2i(sort))
}

// WriteGroupBy writes the groupby table GroupByName(n, k, nas, sort) to w as CSV,
// byte for byte what groupby-datagen.R writes. It buffers its writes; it needs
// about 40 bytes of memory per row (44 when sorting). It fails without writing
// anything if the arguments are not a table the R script could make or nas != 0.
func WriteGroupBy(w io.Writer, n, k, nas int, sort bool) error {
	name := GroupByName(n, k, nas, sort) + ".csv"
	if err := checkGroupBy(n, k, nas); err != nil {
		return fmt.Errorf("h2o: %s: %w", name, err)
	}
	if err := writeGroupBy(w, n, k, sort); err != nil {
		return fmt.Errorf("h2o: %s: %w", name, err)
	}
	return nil
}

// checkGroupBy validates the arguments of a groupby table.
func checkGroupBy(n, k, nas int) error {
	switch {
	case n < 1 || n > maxRows:
		return fmt.Errorf("n = %d rows, want 1..%d", n, maxRows)
	case k < 1:
		return fmt.Errorf("k = %d groups, want at least 1", k)
	case n%k != 0:
		return fmt.Errorf("n = %d rows is not a multiple of k = %d groups", n, k)
	}
	return checkNAs(nas)
}

// writeGroupBy generates and writes a groupby table whose arguments are valid.
func writeGroupBy(w io.Writer, n, k int, sort bool) error {
	g := newGroupBy(n, k)
	var order []int32
	if sort {
		order = g.sortedOrder()
	}
	return g.write(w, order)
}

// groupBy is a generated groupby table, held column by column with the string
// columns as their integer codes: id1 and id2 hold c for "id%03d" of c, id3 holds
// c for "id%010d" of c.
type groupBy struct {
	n, k                                 int
	id1, id2, id3, id4, id5, id6, v1, v2 []int32
	v3                                   []float64
}

// newGroupBy draws the columns of the table exactly as groupby-datagen.R does:
//
//	set.seed(108)
//	DT = data.table(
//	  id1 = sample(sprintf("id%03d",1:K), N, TRUE),      # large groups (char)
//	  id2 = sample(sprintf("id%03d",1:K), N, TRUE),      # large groups (char)
//	  id3 = sample(sprintf("id%010d",1:(N/K)), N, TRUE), # small groups (char)
//	  id4 = sample(K, N, TRUE),                          # large groups (int)
//	  id5 = sample(K, N, TRUE),                          # large groups (int)
//	  id6 = sample(N/K, N, TRUE),                        # small groups (int)
//	  v1 =  sample(5, N, TRUE),                          # int in range [1,5]
//	  v2 =  sample(5, N, TRUE),                          # int in range [1,5]
//	  v3 =  round(runif(N,max=100),4)                    # numeric e.g. 23.5749
//	)
//
// data.table() evaluates its arguments in order, and sample(x, N, TRUE) of a
// vector x is x[sample.int(length(x), N, TRUE)], which draws the same stream as
// sample(length(x), N, TRUE).
func newGroupBy(n, k int) *groupBy {
	r := newRNG(108)
	nk := n / k
	g := &groupBy{n: n, k: k}
	g.id1 = r.sampleReplace(k, n)
	g.id2 = r.sampleReplace(k, n)
	g.id3 = r.sampleReplace(nk, n)
	g.id4 = r.sampleReplace(k, n)
	g.id5 = r.sampleReplace(k, n)
	g.id6 = r.sampleReplace(nk, n)
	g.v1 = r.sampleReplace(5, n)
	g.v2 = r.sampleReplace(5, n)
	g.v3 = roundAll(r.runif(n, 100), 4)
	return g
}

// sortedOrder returns the row order of setkeyv(DT, paste0("id", 1:6)): rows sorted
// by id1, ..., id6, the string columns in byte (C locale) order, ties in their
// original order. It is a least-significant-key-first radix sort: one stable
// counting sort per column, id6 first.
//
// The "id%010d" strings of id3 all have the same width (there are at most
// maxRows < 1e10 of them), so they sort like their codes. The "id%03d" strings of
// id1 and id2 do not once k > 999 ("id1000" < "id999"), so those columns sort by
// the rank of their string.
func (g *groupBy) sortedOrder() []int32 {
	order := make([]int32, g.n)
	for i := range order {
		order[i] = int32(i)
	}
	tmp := make([]int32, g.n)
	rank := stringRanks(g.k)
	nk := g.n / g.k
	keys := []struct {
		col  []int32
		rank []int32 // nil: the code itself
		max  int
	}{
		{g.id6, nil, nk}, {g.id5, nil, g.k}, {g.id4, nil, g.k},
		{g.id3, nil, nk}, {g.id2, rank, g.k}, {g.id1, rank, g.k},
	}
	for _, key := range keys {
		countingSort(tmp, order, key.col, key.rank, key.max)
		order, tmp = tmp, order
	}
	return order
}

// stringRanks maps each code c in 1..k to the 1-based position of sprintf("id%03d", c)
// among all k strings in byte order.
func stringRanks(k int) []int32 {
	codes := make([]int32, k)
	for i := range codes {
		codes[i] = int32(i + 1)
	}
	labels := make([]string, k+1)
	for _, c := range codes {
		labels[c] = string(appendPadded([]byte("id"), c, 3))
	}
	slices.SortFunc(codes, func(a, b int32) int { return strings.Compare(labels[a], labels[b]) })
	rank := make([]int32, k+1)
	for i, c := range codes {
		rank[c] = int32(i + 1)
	}
	return rank
}

// countingSort stably sorts the row numbers src into dst by key col[row] (mapped
// through rank if it is not nil), whose values are in 1..max.
func countingSort(dst, src, col, rank []int32, max int) {
	start := make([]int, max+2)
	key := func(row int32) int32 {
		c := col[row]
		if rank != nil {
			c = rank[c]
		}
		return c
	}
	for _, row := range src {
		start[key(row)+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	for _, row := range src {
		c := key(row)
		dst[start[c]] = row
		start[c]++
	}
}

// write writes the table as fwrite(DT, file) does, rows in the given order (nil:
// as generated).
func (g *groupBy) write(w io.Writer, order []int32) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.WriteString("id1,id2,id3,id4,id5,id6,v1,v2,v3\n"); err != nil {
		return err
	}
	for r := range g.n {
		i := r
		if order != nil {
			i = int(order[r])
		}
		b := bw.AvailableBuffer()
		b = append(b, "id"...)
		b = appendPadded(b, g.id1[i], 3)
		b = append(b, ",id"...)
		b = appendPadded(b, g.id2[i], 3)
		b = append(b, ",id"...)
		b = appendPadded(b, g.id3[i], 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.id4[i]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.id5[i]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.id6[i]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.v1[i]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(g.v2[i]), 10)
		b = append(b, ',')
		b = appendNum(b, g.v3[i])
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
