package gask_test

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/gask-dev/gask"
	schedsync "github.com/gask-dev/gask/sched/sync"
)

func multiply(a, b int) int { return a * b }
func inc(x int) int         { return x + 1 }
func add(a, b int) int      { return a + b }

// The seed example from Dask's delayed documentation: two delayed products multiplied.
func ExampleDelay2() {
	ctx := context.Background()
	mul := gask.Delay2(multiply)
	x := mul(gask.Value(2), gask.Value(3))
	y := mul(gask.Value(3), gask.Value(4))
	z := mul(x, y)
	v, err := z.Compute(ctx)
	fmt.Println(v, err)
	// Output: 72 <nil>
}

// inc(1), inc(2) and their sum, computed lazily.
func ExampleDelay1() {
	ctx := context.Background()
	a := gask.Delay1(inc)(gask.Value(1))
	b := gask.Delay1(inc)(gask.Value(2))
	c := gask.Delay2(add)(a, b)
	v, err := c.Compute(ctx)
	fmt.Println(v, err)
	// Output: 5 <nil>
}

// Several values computed at once share the work they have in common.
func ExampleComputeAll() {
	ctx := context.Background()
	base := gask.Delay1(inc)(gask.Value(10))
	double := gask.Delay2(multiply)(base, gask.Value(2))
	triple := gask.Delay2(multiply)(base, gask.Value(3))
	var d, t int
	err := gask.ComputeAll(ctx, []gask.Target{gask.Into(&d, double), gask.Into(&t, triple)})
	fmt.Println(d, t, err)
	// Output: 22 33 <nil>
}

// A fan-in: the sum of many delayed values.
func ExampleDelaySlice() {
	ctx := context.Background()
	var parts []gask.Arg[int]
	for i := range 10 {
		parts = append(parts, gask.Delay1(inc)(gask.Value(i)))
	}
	total := gask.DelaySlice(func(xs []int) int {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s
	})(parts...)
	v, _ := total.Compute(ctx, gask.WithScheduler(schedsync.New()))
	fmt.Println(v)
	// Output: 55
}

// Dask's client.map(pow, ...) over pairs of numbers.
func ExampleMap2() {
	ctx := context.Background()
	client, err := gask.NewClient(ctx)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	pow := func(x, y int) int { return int(math.Pow(float64(x), float64(y))) }
	pairs := [][2]int{{1, 2}, {3, 4}, {5, 6}, {9, 10}, {11, 12}}
	var xs, ys []int
	for _, p := range pairs {
		xs, ys = append(xs, p[0]), append(ys, p[1])
	}
	futures, err := gask.Map2(client, pow, xs, ys)
	if err != nil {
		panic(err)
	}
	results, err := gask.Gather(ctx, futures)
	fmt.Println(results, err)
	// Output: [1 81 15625 3486784401 3138428376721] <nil>
}

// Mapping a function over 1..5 and gathering the results.
func ExampleGather() {
	ctx := context.Background()
	client, _ := gask.NewClient(ctx)
	defer client.Close()
	square := func(x int) int { return x * x }
	futures, _ := gask.Map(client, square, []int{1, 2, 3, 4, 5})
	results, err := gask.Gather(ctx, futures)
	fmt.Println(results, err)
	// Output: [1 4 9 16 25] <nil>
}

// Futures can feed further work without waiting for them.
func ExampleSubmit() {
	ctx := context.Background()
	client, _ := gask.NewClient(ctx)
	defer client.Close()
	a, _ := gask.Submit(client, gask.Delay1(inc)(gask.Value(1)))
	b, _ := gask.Submit(client, gask.Delay2(add)(a, gask.Value(10)))
	v, err := b.Result(ctx)
	fmt.Println(v, err)
	// Output: 12 <nil>
}

// Futures in the order they finish.
func ExampleAsCompleted() {
	ctx := context.Background()
	client, _ := gask.NewClient(ctx)
	defer client.Close()
	futures, _ := gask.Map(client, inc, []int{1, 2, 3})
	var got []int
	for f := range gask.AsCompleted(ctx, futures) {
		v, _ := f.Result(ctx)
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println(got)
	// Output: [2 3 4]
}

// Persist computes once; later computations start from the held result.
func ExamplePersist() {
	ctx := context.Background()
	x := gask.Delay2(multiply)(gask.Value(6), gask.Value(7))
	x, _ = gask.Persist(ctx, x)
	y := gask.Delay1(inc)(x)
	v, _ := y.Compute(ctx)
	fmt.Println(v)
	// Output: 43
}

// Debug in one goroutine by choosing the sync scheduler (or GASK_SCHEDULER=sync).
func ExampleWithScheduler() {
	ctx := context.Background()
	v, err := gask.Delay1(inc)(gask.Value(41)).Compute(ctx, gask.WithScheduler(schedsync.New()))
	fmt.Println(v, err)
	// Output: 42 <nil>
}
