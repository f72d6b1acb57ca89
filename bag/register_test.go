package bag_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bag"
	"github.com/gask-dev/gask/graph"
)

// The tests' user functions, registered so that they run on every scheduler of the
// matrix, the subprocess one too.
func double(x int) int                 { return 2 * x }
func isEven(x int) bool                { return x%2 == 0 }
func digits(x int) []int               { return []int{x / 10, x % 10} }
func lens(xs []int) ([]int, error)     { return []int{len(xs)}, nil }
func div3(x int) bool                  { return pymod(x, 3) == 0 }
func negative(x int) bool              { return x < 0 }
func nonzero(x int) bool               { return x != 0 }
func never(int) bool                   { return false }
func ident(x int) int                  { return x }
func neg(x int) int                    { return -x }
func add(a, x int) int                 { return a + x }
func mod4(x int) int                   { return pymod(x, 4) }
func mod5(x int) int                   { return pymod(x, 5) }
func mod7(x int) int                   { return pymod(x, 7) }
func mod10(x int) int                  { return pymod(x, 10) }
func below49(x int) bool               { return x < -49 }
func below50(x int) bool               { return x < 50 }
func sumInts(xs []int) int             { return sumOf(xs) }
func repeat(n int) []int               { return slices.Repeat([]int{n}, n) }
func divide(x int) int                 { return 10 / x }
func count(kv bag.KV[string, int]) int { return kv.Value }
func amount(r record) int              { return r.Amount }

// rep repeats x |x| % 3 times.
func rep(x int) []int {
	n := x
	if n < 0 {
		n = -n
	}
	return slices.Repeat([]int{x}, n%3)
}

func sumOf(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func noZero(x int) (int, error) {
	if x == 0 {
		return 0, errors.New("zero")
	}
	return x, nil
}

func recordName(r map[string]any) string   { return r["name"].(string) }
func otherName(o map[string]string) string { return o["name"] }
func idCity(p bag.Joined[map[string]any, map[string]string]) []any {
	return []any{p.Left["id"], p.Right["city"]}
}

func init() {
	gask.Register("bagtest.double", double)
	gask.Register("bagtest.even", isEven)
	gask.Register("bagtest.digits", digits)
	gask.Register("bagtest.lens", lens)
	gask.Register("bagtest.fields", strings.Fields)
	gask.Register("bagtest.div3", div3)
	gask.Register("bagtest.negative", negative)
	gask.Register("bagtest.nonzero", nonzero)
	gask.Register("bagtest.never", never)
	gask.Register("bagtest.ident", ident)
	gask.Register("bagtest.neg", neg)
	gask.Register("bagtest.add", add)
	gask.Register("bagtest.mod4", mod4)
	gask.Register("bagtest.mod5", mod5)
	gask.Register("bagtest.mod7", mod7)
	gask.Register("bagtest.mod10", mod10)
	gask.Register("bagtest.below49", below49)
	gask.Register("bagtest.below50", below50)
	gask.Register("bagtest.sumInts", sumInts)
	gask.Register("bagtest.repeat", repeat)
	gask.Register("bagtest.divide", divide)
	gask.Register("bagtest.count", count)
	gask.Register("bagtest.amount", amount)
	gask.Register("bagtest.rep", rep)
	gask.Register("bagtest.noZero", noZero)
	gask.Register("bagtest.recordName", recordName)
	gask.Register("bagtest.otherName", otherName)
	gask.Register("bagtest.idCity", idCity)
	gask.Register("bagtest.itoa", strconv.Itoa)
	// The tests' own types that travel between processes.
	gask.RegisterType[record]()
	gask.RegisterType[map[string]string]()
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
