package h2o

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// JoinNames returns the db-benchmark names, without ".csv", of the four join tables
// of n rows: the left table and the small (n/1e6 rows), medium (n/1e3 rows) and big
// (n rows) right tables. JoinNames(1e7, 0) is J1_1e7_NA_0_0, J1_1e7_1e1_0_0,
// J1_1e7_1e4_0_0 and J1_1e7_1e7_0_0.
func JoinNames(n, nas int) []string {
	lhs := fmt.Sprintf("J1_%s_NA_%d_0", prettySci(n), nas)
	names := []string{lhs}
	for _, m := range []int{n / 1e6, n / 1e3, n} {
		names = append(names, strings.ReplaceAll(lhs, "NA", prettySci(m)))
	}
	return names
}

// WriteJoin writes the four join tables of n rows into dir, byte for byte what
// join-datagen.R writes (with SORT = 0), and returns their paths in the order of
// JoinNames. Each file is written under a temporary name and renamed when complete
// (if it fails, the tables written before the failure stay in dir).
// The tables are generated one after the other; memory use peaks at about 50
// bytes per row. n must be a multiple of 1e6 of at least 1e7, and nas must be 0.
func WriteJoin(dir string, n, nas int) ([]string, error) {
	names := JoinNames(n, nas)
	if err := checkJoin(n, nas); err != nil {
		return nil, fmt.Errorf("h2o: %s: %w", filepath.Join(dir, names[0]+".csv"), err)
	}
	var paths []string
	err := generateJoin(n, func(t joinTable) error {
		path := filepath.Join(dir, names[len(paths)]+".csv")
		if err := writeFileAtomic(path, t.write); err != nil {
			return fmt.Errorf("h2o: %s: %w", path, err)
		}
		paths = append(paths, path)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return paths, nil
}

// maxJoinRows is the largest multiple of 1e6 whose keys, which go up to 1.1·n,
// fit in R integers (and in int32).
const maxJoinRows = 1_952_000_000

// checkJoin validates the arguments of the join tables. join-datagen.R requires
// n >= 1e7, and n must be a multiple of 1e6 for the small right table to exist.
func checkJoin(n, nas int) error {
	if n < 1e7 || n%1e6 != 0 || n > maxJoinRows {
		return fmt.Errorf("n = %d rows, want a multiple of 1e6 in 1e7..%d", n, maxJoinRows)
	}
	return checkNAs(nas)
}

// joinTable is one generated join table: integer key columns id1.. and one value
// column named vname.
type joinTable struct {
	ids   [][]int32
	vname string
	v     []float64
}

// generateJoin draws the four join tables of n rows as join-datagen.R does (see
// that script for the R code), calling emit with each table in the order of
// JoinNames; it stops at the first error emit returns.
func generateJoin(n int, emit func(joinTable) error) error {
	r := newRNG(108)
	// Keys 1..1.1m of each cardinality m, split into keys common to both sides,
	// keys only on the left and keys only on the right.
	key1 := splitXLR(r, n/1e6)
	key2 := splitXLR(r, n/1e3)
	key3 := splitXLR(r, n)

	lhs := joinTable{
		ids: [][]int32{
			sampleAll(r, concat(key1.x, key1.l), n),
			sampleAll(r, concat(key2.x, key2.l), n),
			sampleAll(r, concat(key3.x, key3.l), n),
		},
		vname: "v1",
	}
	lhs.v = roundAll(r.runif(n, 100), 6)
	if err := emit(lhs); err != nil {
		return err
	}
	lhs = joinTable{} // let the collector have it before the big right table

	keys := []xlr{key1, key2, key3}
	for i, m := range []int{n / 1e6, n / 1e3, n} {
		// The small table has key column id1, the medium id1 and id2, the big
		// id1, id2 and id3; each column is drawn from all of its keys.
		rhs := joinTable{vname: "v2"}
		for _, key := range keys[:i+1] {
			rhs.ids = append(rhs.ids, sampleAll(r, concat(key.x, key.r), m))
		}
		rhs.v = roundAll(r.runif(m, 100), 6)
		if err := emit(rhs); err != nil {
			return err
		}
	}
	return nil
}

// xlr holds the keys of one cardinality: x on both sides, l only on the left, r only
// on the right.
type xlr struct{ x, l, r []int32 }

// splitXLR is split_xlr(n): a random permutation of 1..1.1n split 0.9n / 0.1n / 0.1n.
//
//	key = sample.int(n*1.1)
//	list(x = key[seq.int(1, n*0.9)], l = key[seq.int(n*0.9+1, n)], r = key[seq.int(n+1, n*1.1)])
//
// sample.int truncates its non-integer size, as int() does here.
func splitXLR(r *rng, n int) xlr {
	m := int(float64(n) * 1.1)
	key := r.sampleNoReplace(m, m)
	a := int(float64(n) * 0.9)
	return xlr{x: key[:a], l: key[a:n], r: key[n:m]}
}

// concat returns a new slice holding a then b, like c(a, b).
func concat(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	out = append(out, a...)
	return append(out, b...)
}

// sampleAll is sample_all(x, size): size values drawn from x in which every value
// of x appears at least once.
//
//	y = c(x, sample(x, size=max(size-length(x), 0), replace=TRUE))
//	sample(y)
func sampleAll(r *rng, x []int32, size int) []int32 {
	extra := max(size-len(x), 0)
	y := make([]int32, 0, len(x)+extra)
	y = append(y, x...)
	for _, i := range r.sampleReplace(len(x), extra) {
		y = append(y, x[i-1])
	}
	perm := r.sampleNoReplace(len(y), len(y))
	for i, p := range perm {
		perm[i] = y[p-1]
	}
	return perm
}

// write writes the table as write_batches() in join-datagen.R does: the key
// columns id1.. as integers, then for each of them a string column "id<key>" named
// id4.., then the value column.
func (t joinTable) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var hdr []string
	for i := range t.ids {
		hdr = append(hdr, "id"+strconv.Itoa(i+1))
	}
	for i := range t.ids {
		hdr = append(hdr, "id"+strconv.Itoa(i+4))
	}
	hdr = append(hdr, t.vname)
	if _, err := bw.WriteString(strings.Join(hdr, ",") + "\n"); err != nil {
		return err
	}
	for row := range t.v {
		b := bw.AvailableBuffer()
		for _, c := range t.ids {
			b = strconv.AppendInt(b, int64(c[row]), 10)
			b = append(b, ',')
		}
		for _, c := range t.ids {
			b = append(b, "id"...)
			b = strconv.AppendInt(b, int64(c[row]), 10)
			b = append(b, ',')
		}
		b = appendNum(b, t.v[row])
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
