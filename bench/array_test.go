package bench

import (
	"context"
	"testing"

	"github.com/gask-dev/gask/array"
)

// arraySide is the side of the square array of the array benchmarks and its block
// side: 4000x4000 in 1000x1000 blocks (128 MB) by default, the 20000x20000 in
// 2000x2000 blocks (3.2 GB) with GASK_BENCH_FULL.
func arraySide() (n, chunk int) {
	if full() {
		return 20000, 2000
	}
	return 4000, 1000
}

// BenchmarkArraySumPlainLoop is the bandwidth reference: one goroutine summing a
// []float64 as large as the array.
func BenchmarkArraySumPlainLoop(b *testing.B) {
	n, _ := arraySide()
	data := make([]float64, n*n)
	for i := range data {
		data[i] = float64(i & 1023)
	}
	var sink float64
	for b.Loop() {
		var s0, s1, s2, s3 float64
		for i := 0; i+4 <= len(data); i += 4 {
			s0 += data[i]
			s1 += data[i+1]
			s2 += data[i+2]
			s3 += data[i+3]
		}
		sink += s0 + s1 + s2 + s3
	}
	_ = sink
	b.SetBytes(int64(8 * n * n))
}

// BenchmarkArrayFusedSum is ((x + 1) * 2).Sum() on a persisted random x: one fused
// task per block, no intermediate arrays. Compare its MB/s with the plain loop's.
func BenchmarkArrayFusedSum(b *testing.B) {
	n, c := arraySide()
	ctx := context.Background()
	x, err := array.NewRNG(1).Uniform(0, 1, []int{n, n}, array.Chunks(c)).Persist(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := x.Add(1).Mul(2).Sum().Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(8 * n * n))
}

// BenchmarkArrayFusedSumWithRandom includes generating x (Dask: 1.65 s at full size).
func BenchmarkArrayFusedSumWithRandom(b *testing.B) {
	n, c := arraySide()
	ctx := context.Background()
	for b.Loop() {
		x := array.NewRNG(1).Uniform(0, 1, []int{n, n}, array.Chunks(c))
		if _, err := x.Add(1).Mul(2).Sum().Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(8 * n * n))
}

// BenchmarkArrayColumnMean is x.Mean(Axis(0)) on a persisted x (Dask: 0.14 s at full
// size).
func BenchmarkArrayColumnMean(b *testing.B) {
	n, c := arraySide()
	ctx := context.Background()
	x, err := array.NewRNG(1).Uniform(0, 1, []int{n, n}, array.Chunks(c)).Persist(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := x.Mean(array.Axis(0)).Compute(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(8 * n * n))
}
