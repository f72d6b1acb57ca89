package dataframe

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestMostlyDistinct checks the HyperLogLog estimate that decides whether a partition
// is pre-aggregated: on either side of half distinct, with some margin.
func TestMostlyDistinct(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 100000
	for _, tc := range []struct {
		distinct int
		want     bool
	}{{n, true}, {70000, true}, {55000, true}, {45000, false}, {30000, false}, {1000, false}, {1, false}} {
		ints := array.NewInt64Builder(mem)
		strs := array.NewStringBuilder(mem)
		for i := range n {
			ints.Append(int64(i % tc.distinct % 7))
			strs.Append(fmt.Sprintf("s%d", i%tc.distinct))
		}
		a, s := ints.NewArray(), strs.NewArray()
		if got := mostlyDistinct([]arrow.Array{a, s}, n, true); got != tc.want {
			t.Errorf("%d distinct of %d: mostlyDistinct = %v", tc.distinct, n, got)
		}
		a.Release()
		s.Release()
		ints.Release()
		strs.Release()
	}
}

// TestQuantileOf checks quickselect quantiles against sorting, on values with many
// and with no duplicates.
func TestQuantileOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		n := 1 + rng.IntN(200)
		vs := make([]float64, n)
		for i := range vs {
			if trial%2 == 0 {
				vs[i] = float64(rng.IntN(5)) // many duplicates
			} else {
				vs[i] = rng.NormFloat64()
			}
		}
		sorted := slices.Sorted(slices.Values(vs))
		for _, q := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 1} {
			pos := q * float64(n-1)
			lo := int(math.Floor(pos))
			hi := min(lo+1, n-1)
			want := sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
			if got := quantileOf(slices.Clone(vs), q); math.Abs(got-want) > 1e-12 {
				t.Fatalf("trial %d, n=%d, q=%v: %v, want %v", trial, n, q, got, want)
			}
		}
	}
}

// TestIntTable checks the int64 table against a map through several growths.
func TestIntTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tab, ref := newIntTable(0), map[int64]int32{}
	for i := range 50000 {
		k := rng.Int64N(1 << 40)
		if i%3 == 0 {
			k = int64(i) // dense runs too
		}
		if _, ok := ref[k]; ok {
			continue
		}
		ref[k] = int32(len(ref))
		tab.put(k, ref[k])
	}
	for k, want := range ref {
		if got, ok := tab.get(k); !ok || got != want {
			t.Fatalf("get(%d) = %d, %v; want %d", k, got, ok, want)
		}
	}
	for range 1000 {
		k := -1 - rng.Int64N(1<<40)
		if _, ok := tab.get(k); ok {
			t.Fatalf("get(%d) found an absent key", k)
		}
	}
}

// TestTDigest checks the approximate quantiles: exact (pandas' interpolation) for a
// few values, within 1% of rank for many, and as good after merging partial digests.
func TestTDigest(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	qs := []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1}
	exact := func(sorted []float64, q float64) float64 {
		pos := q * float64(len(sorted)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(sorted)-1)
		return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
	}
	// A few values: every one is its own centroid.
	for trial := range 100 {
		var d tdigest
		vs := make([]float64, 1+rng.IntN(40))
		for i := range vs {
			vs[i] = math.Round(rng.NormFloat64()*100) / 10
			d.add(vs[i])
		}
		slices.Sort(vs)
		for _, q := range qs {
			if got, _ := d.quantile(q); math.Abs(got-exact(vs, q)) > 1e-9 {
				t.Fatalf("trial %d, %d values, q=%v: %v, exact %v", trial, len(vs), q, got, exact(vs, q))
			}
		}
	}
	// Many values, whole and merged from ten parts: the estimate's rank is within 1%.
	vs := make([]float64, 200000)
	var whole tdigest
	parts := make([]tdigest, 10)
	for i := range vs {
		vs[i] = rng.ExpFloat64()
		whole.add(vs[i])
		parts[i%10].add(vs[i])
	}
	var merged tdigest
	for i := range parts {
		p := &parts[i]
		p.compress()
		merged.mergeDigest(slices.Clone(p.means), p.weights, p.min, p.max)
	}
	slices.Sort(vs)
	for name, d := range map[string]*tdigest{"whole": &whole, "merged": &merged} {
		if len(d.means) > 2*tdigestCompression {
			t.Fatalf("%s: %d centroids", name, len(d.means))
		}
		for _, q := range qs {
			got, _ := d.quantile(q)
			rank := float64(sort.SearchFloat64s(vs, got)) / float64(len(vs)-1)
			if math.Abs(rank-q) > 0.01 {
				t.Errorf("%s q=%v: %v has rank %.4f", name, q, got, rank)
			}
		}
	}
	var empty tdigest
	if _, ok := empty.quantile(0.5); ok {
		t.Fatal("an empty digest has a quantile")
	}
}

// TestGatherRecords gathers rows from sliced records (offsets into shared buffers)
// with nulls, against concatenating and taking.
func TestGatherRecords(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := compute.WithAllocator(context.Background(), mem)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range 40 {
		valid := i%7 != 3
		b.Field(0).(*array.Int64Builder).AppendValues([]int64{int64(i)}, []bool{valid})
		b.Field(1).(*array.StringBuilder).AppendValues([]string{strings.Repeat("x", i%5) + fmt.Sprint(i)}, []bool{i%5 != 1})
		b.Field(2).(*array.Float32Builder).AppendValues([]float32{float32(i) / 2}, []bool{valid})
		b.Field(3).(*array.BooleanBuilder).AppendValues([]bool{i%2 == 0}, []bool{i%3 != 0})
	}
	whole := b.NewRecordBatch()
	defer whole.Release()
	parts := []arrow.RecordBatch{whole.NewSlice(3, 17), whole.NewSlice(17, 18), whole.NewSlice(25, 40)}
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	order := []int{29, 0, 14, 15, 3, 3, 28, 7, 1, 20}
	got, err := gatherRecords(ctx, parts, order)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	cat, err := concatRecords(ctx, parts)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Release()
	want, err := takeRows(ctx, cat, order)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Release()
	if !array.RecordEqual(got, want) {
		t.Fatalf("gathered\n%v\ntaken\n%v", got, want)
	}
}
