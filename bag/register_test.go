package bag_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bag"
	"github.com/gask-dev/gask/graph"
)

func double(x int) int             { return 2 * x }
func isEven(x int) bool            { return x%2 == 0 }
func digits(x int) []int           { return []int{x / 10, x % 10} }
func lens(xs []int) ([]int, error) { return []int{len(xs)}, nil }

func init() {
	gask.Register("bagtest.double", double)
	gask.Register("bagtest.even", isEven)
	gask.Register("bagtest.digits", digits)
	gask.Register("bagtest.lens", lens)
	gask.Register("bagtest.fields", strings.Fields)
}

// TestReadTextShips checks that ReadText followed by registered steps is one
// shippable pipeline task per block, whose kernel, run by name on the task's
// plain-data arguments, reads the block's lines as the closure does.
func TestReadTextShips(t *testing.T) {
	b := bag.FlatMap(bag.ReadText(textDir+"words.txt", 300, ""), strings.Fields)
	g := val(b.Graph()).must(t)
	if err := g.CheckShippable(); err != nil {
		t.Fatalf("read-text pipeline: %v", err)
	}
	want := val(b.Partitions(ctx)).must(t)
	if len(want) < 2 {
		t.Fatalf("%d partitions", len(want))
	}
	for i, k := range b.Keys() {
		task, _ := g.Task(k)
		if task.Func.Name() != "bag.pipeline" || task.Func.String() != "read-text|flatmap(bagtest.fields)" {
			t.Fatalf("task %s runs %s (%q)", k, task.Func.Name(), task.Func.String())
		}
		in, _ := g.Task(task.Deps[0])
		args := val(task.Arguments([]any{in.Args[0]})).must(t)
		remote, _ := graph.Lookup(task.Func.Name())
		got := val(remote(context.Background(), args)).must(t)
		equal(t, "partition "+k.String(), toJSON[[]string](t, got), want[i])
	}
}

// TestRegisteredFunctionsShip checks that a pipeline of registered functions is a
// shippable task, and that running it the way a worker process would — by the
// registered kernel's name, on the task's plain-data arguments — gives what the
// in-process closure gives.
func TestRegisteredFunctionsShip(t *testing.T) {
	src := bag.FromSlice([]int{11, 24, 35, 46, 57, 68}, 2)
	b := bag.RandomSample(bag.FlatMap(bag.Filter(bag.Map(src, double), isEven), digits), 0.7, 3)
	g := val(b.Graph()).must(t)
	if err := g.CheckShippable(); err != nil {
		t.Fatalf("registered pipeline: %v", err)
	}
	want := val(b.Partitions(ctx)).must(t)
	for i, k := range b.Keys() {
		task, _ := g.Task(k)
		if task.Func.Name() != "bag.pipeline" || !strings.Contains(task.Func.String(), "map(bagtest.double)|filter(bagtest.even)|flatmap(bagtest.digits)|sample") {
			t.Fatalf("task %s runs %s (%q)", k, task.Func.Name(), task.Func.String())
		}
		in, _ := g.Task(task.Deps[0])
		part := in.Args[0] // the literal partition
		args := val(task.Arguments([]any{part})).must(t)
		remote, ok := graph.Lookup(task.Func.Name())
		if !ok {
			t.Fatal("pipeline kernel not registered")
		}
		got := val(remote(context.Background(), args)).must(t)
		equal(t, "partition "+k.String(), toJSON[[]int](t, got), want[i])
	}

	mp := bag.MapPartitions(src, lens)
	if err := val(mp.Graph()).must(t).CheckShippable(); err != nil {
		t.Errorf("registered MapPartitions: %v", err)
	}
	equal(t, "map partitions", val(mp.Compute(ctx)).must(t), []int{3, 3})

	closure := bag.Map(src, func(x int) int { return x })
	var ue *graph.UnshippableError
	if err := val(closure.Graph()).must(t).CheckShippable(); !errors.As(err, &ue) {
		t.Errorf("closure pipeline is shippable: %v", err)
	}
}
