package graph

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	tests := []struct {
		key   Key
		text  string
		name  string
		index []int
	}{
		{K("sum-7c1f"), "sum-7c1f", "sum-7c1f", nil},
		{K("read-csv-8f3a", 3), "('read-csv-8f3a', 3)", "read-csv-8f3a", []int{3}},
		{K("x-1a2b", 0, 4), "('x-1a2b', 0, 4)", "x-1a2b", []int{0, 4}},
		{K("neg", -2), "('neg', -2)", "neg", []int{-2}},
	}
	for _, tt := range tests {
		if tt.key.String() != tt.text {
			t.Errorf("key prints %q, want %q", tt.key, tt.text)
		}
		if tt.key.Name() != tt.name {
			t.Errorf("%s: Name %q, want %q", tt.key, tt.key.Name(), tt.name)
		}
		if fmt.Sprint(tt.key.Index()) != fmt.Sprint(tt.index) {
			t.Errorf("%s: Index %v, want %v", tt.key, tt.key.Index(), tt.index)
		}
	}
}

func TestTokenUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		tok := Token("inc")
		if !strings.HasPrefix(tok, "inc-") || len(tok) != len("inc-")+16 {
			t.Fatalf("token %q has the wrong shape", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func constTask(k Key, v any, deps ...Key) Task {
	return Task{Key: k, Func: Closure("const", func(context.Context, []any) (any, error) { return v, nil }), Deps: deps}
}

func build(t *testing.T, tasks ...Task) *Graph {
	t.Helper()
	g := New(len(tasks))
	for _, task := range tasks {
		if err := g.Add(task); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func TestAddDuplicate(t *testing.T) {
	g := build(t, constTask("a", 1))
	err := g.Add(constTask("a", 2))
	if !errors.Is(err, ErrDuplicateKey) || !strings.Contains(err.Error(), "a") {
		t.Fatalf("duplicate add: %v", err)
	}
	if err := g.Add(constTask("", 2)); err == nil {
		t.Fatal("empty key accepted")
	}
}

func TestValidateMissing(t *testing.T) {
	g := build(t, constTask("a", 1), constTask("b", 1, "a", "ghost"))
	err := g.Validate()
	var me *MissingDependencyError
	if !errors.As(err, &me) || me.Task != "b" || me.Dep != "ghost" {
		t.Fatalf("got %v", err)
	}
	want := "graph: task b depends on ghost, which is not in the graph"
	if err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	if err := g.ValidateWith(func(k Key) bool { return k == "ghost" }); err != nil {
		t.Fatalf("known dependency rejected: %v", err)
	}
}

func TestValidateCycle(t *testing.T) {
	g := build(t,
		constTask("root", 0),
		constTask("a", 1, "root", "c"),
		constTask("b", 1, "a"),
		constTask("c", 1, "b"),
		constTask("d", 1, "c"),
	)
	err := g.Validate()
	var ce *CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v", err)
	}
	want := "graph: dependency cycle: a -> c -> b -> a"
	if err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	self := build(t, constTask("s", 1, "s"))
	if err := self.Validate(); err == nil || err.Error() != "graph: dependency cycle: s -> s" {
		t.Fatalf("self loop: %v", err)
	}
}

func TestCull(t *testing.T) {
	g := build(t,
		constTask("a", 1), constTask("b", 1, "a"), constTask("c", 1, "a"),
		constTask("unused", 1), constTask("d", 1, "b"),
	)
	c, err := g.Cull([]Key{"d"})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, task := range c.Tasks() {
		keys = append(keys, string(task.Key))
	}
	if got := strings.Join(keys, ","); got != "a,b,d" {
		t.Fatalf("culled to %s", got)
	}
	if _, err := g.Cull([]Key{"zzz"}); err == nil || !strings.Contains(err.Error(), "zzz") {
		t.Fatalf("unknown output: %v", err)
	}
}

// TestOrderDepthFirst checks that a tree reduction is ordered branch by branch: every
// leaf group is followed by its sum before the next group's leaves start.
func TestOrderDepthFirst(t *testing.T) {
	g := New(0)
	var sums []Key
	for b := range 3 {
		var leaves []Key
		for i := range 3 {
			k := K("leaf", b*3+i)
			leaves = append(leaves, k)
			_ = g.Add(constTask(k, 1))
		}
		s := K("sum", b)
		sums = append(sums, s)
		_ = g.Add(constTask(s, 1, leaves...))
	}
	_ = g.Add(constTask("total", 1, sums...))
	prio := g.Order([]Key{"total"})
	seq := make([]string, g.Len())
	for i, p := range prio {
		seq[p] = string(g.Tasks()[i].Key)
	}
	want := "('leaf', 0) ('leaf', 1) ('leaf', 2) ('sum', 0) ('leaf', 3) ('leaf', 4) ('leaf', 5) ('sum', 1) ('leaf', 6) ('leaf', 7) ('leaf', 8) ('sum', 2) total"
	if got := strings.Join(seq, " "); got != want {
		t.Fatalf("order\n got %s\nwant %s", got, want)
	}
}

func TestOrderTallerBranchFirst(t *testing.T) {
	g := build(t,
		constTask("short", 1),
		constTask("deep0", 1), constTask("deep1", 1, "deep0"), constTask("deep2", 1, "deep1"),
		constTask("out", 1, "short", "deep2"),
	)
	prio := g.Order(nil)
	at := func(k Key) int { i, _ := g.IndexOf(k); return prio[i] }
	if !(at("deep2") < at("short")) {
		t.Fatalf("taller branch not first: %v", prio)
	}
	if at("out") != g.Len()-1 {
		t.Fatalf("output not last: %v", prio)
	}
}

func TestFuseChain(t *testing.T) {
	inc := Closure("inc", func(_ context.Context, a []any) (any, error) { return a[0].(int) + 1, nil })
	g := build(t,
		constTask("x", 1),
		Task{Key: "a", Func: inc, Deps: []Key{"x"}},
		Task{Key: "b", Func: inc, Deps: []Key{"a"}},
		Task{Key: "c", Func: inc, Deps: []Key{"b"}},
	)
	f := g.Fuse([]Key{"c"})
	if f.Len() != 1 {
		t.Fatalf("fused to %d tasks, want 1", f.Len())
	}
	task := f.Tasks()[0]
	if task.Key != "c" || len(task.Deps) != 0 {
		t.Fatalf("fused task %+v", task)
	}
	if !strings.Contains(task.Func.String(), "fused(const, inc, inc, inc)") {
		t.Fatalf("label %q", task.Func)
	}
	v, err := task.Func.Call(context.Background(), task.Args)
	if err != nil || v != 4 {
		t.Fatalf("fused chain gave %v, %v", v, err)
	}
	// A kept intermediate is not folded.
	f2 := g.Fuse([]Key{"a", "c"})
	if _, ok := f2.Task("a"); !ok || f2.Len() != 2 {
		t.Fatalf("kept key folded: %d tasks", f2.Len())
	}
}

func TestFuseNoChainsIsIdentity(t *testing.T) {
	g := build(t, constTask("a", 1), constTask("b", 1), constTask("c", 1, "a", "b"))
	if g.Fuse([]Key{"c"}) != g {
		t.Fatal("graph without chains was copied")
	}
}

func TestFuseStepErrorNamesStep(t *testing.T) {
	boom := errors.New("boom")
	g := build(t,
		Task{Key: "a", Func: Closure("bad", func(context.Context, []any) (any, error) { return nil, boom })},
		Task{Key: "b", Func: Closure("id", func(_ context.Context, a []any) (any, error) { return a[0], nil }), Deps: []Key{"a"}},
	)
	task := g.Fuse([]Key{"b"}).Tasks()[0]
	_, err := task.Func.Call(context.Background(), task.Args)
	var se *StepError
	if !errors.As(err, &se) || se.Key != "a" || !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

func init() {
	Register("graph_test.double", func(_ context.Context, a []any) (any, error) { return a[0].(int) * 2, nil })
	Register("graph_test.once", func(context.Context, []any) (any, error) { return nil, nil })
	Register("graph_test.fail", func(context.Context, []any) (any, error) { return nil, errors.New("boom") })
}

func TestFuseShippable(t *testing.T) {
	g := build(t,
		Literal("x", 5),
		Task{Key: "y", Func: Registered("graph_test.double"), Deps: []Key{"x"}},
		Task{Key: "z", Func: Registered("graph_test.double"), Deps: []Key{"y"}},
	)
	f := g.Fuse([]Key{"z"})
	if err := f.CheckShippable(); err != nil {
		t.Fatal(err)
	}
	task := f.Tasks()[0]
	if task.Func.Name() != fusedName {
		t.Fatalf("fused name %q", task.Func.Name())
	}
	// Run it the way a worker would: by name, with the shipped arguments.
	fn, ok := Lookup(task.Func.Name())
	if !ok {
		t.Fatal("fused kernel not registered")
	}
	v, err := fn(context.Background(), task.Args)
	if err != nil || v != 20 {
		t.Fatalf("shipped fused chain gave %v, %v", v, err)
	}
}

// TestFuseShippedStepErrorNamesStep runs a fused chain the way a worker process
// does — its arguments through gob in an interface slot, its kernel by name — and
// checks that a failing step is named by its key and its label, as in process.
func TestFuseShippedStepErrorNamesStep(t *testing.T) {
	g := build(t,
		Literal("x", 5),
		Task{Key: "y", Func: Registered("graph_test.fail").WithLabel("fail(bad input)"), Deps: []Key{"x"}},
		Task{Key: "z", Func: Registered("graph_test.double"), Deps: []Key{"y"}},
	)
	task := g.Fuse([]Key{"z"}).Tasks()[0]
	var buf bytes.Buffer
	type box struct{ V any }
	if err := gob.NewEncoder(&buf).Encode(&box{task.Args[0]}); err != nil {
		t.Fatal(err)
	}
	var b box
	if err := gob.NewDecoder(&buf).Decode(&b); err != nil {
		t.Fatal(err)
	}
	fn, _ := Lookup(task.Func.Name())
	_, err := fn(context.Background(), append([]any{b.V}, task.Args[1:]...))
	var se *StepError
	if !errors.As(err, &se) || se.Key != "y" || se.Func != "fail(bad input)" {
		t.Fatalf("got %v", err)
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), `"graph_test.once" registered twice`) {
			t.Fatalf("recovered %v", r)
		}
	}()
	Register("graph_test.once", func(context.Context, []any) (any, error) { return nil, nil })
}

func TestUnregisteredNameErrors(t *testing.T) {
	_, err := Registered("nobody.home").Call(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), `"nobody.home" is not registered`) {
		t.Fatalf("got %v", err)
	}
}

func TestCheckShippable(t *testing.T) {
	g := build(t, Literal("a", 1), constTask("b", 2, "a"), constTask("c", 3))
	err := g.CheckShippable()
	var ue *UnshippableError
	if !errors.As(err, &ue) || len(ue.Tasks) != 2 || ue.Tasks[0] != "b" {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"task b runs const", "and 1 more", `gask.Register("pkg.name", fn)`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestArgumentsSubstitution(t *testing.T) {
	task := Task{Key: "t", Args: []any{"lit", Input(1), Input(0)}, Deps: []Key{"a", "b"}}
	args, err := task.Arguments([]any{10, 20})
	if err != nil || fmt.Sprint(args) != "[lit 20 10]" {
		t.Fatalf("got %v, %v", args, err)
	}
	bad := Task{Key: "t", Args: []any{Input(3)}, Deps: []Key{"a"}}
	if _, err := bad.Arguments([]any{1}); err == nil || !strings.Contains(err.Error(), "dependency 3 of 1") {
		t.Fatalf("out of range input: %v", err)
	}
}

func TestWriteDOT(t *testing.T) {
	g := build(t, Literal(K("x", 0), 1), constTask("y", 2, K("x", 0)))
	var buf bytes.Buffer
	if err := g.WriteDOT(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"digraph gask {", `n0 [label="('x', 0)\ngraph.literal"]`, `n1 [label="y\nconst", style="rounded,dashed"]`, "n0 -> n1;"} {
		if !strings.Contains(out, want) {
			t.Errorf("DOT lacks %q:\n%s", want, out)
		}
	}
}

type refcounted struct{ live *int }

func (r refcounted) Release() { *r.live-- }

// TestFusedChainReleasesIntermediates checks that a fused chain releases each step's
// result once the next step has used it, on success and on failure.
func TestFusedChainReleasesIntermediates(t *testing.T) {
	for _, failAt := range []string{"", "b", "c"} {
		live := 0
		step := func(name string) Func {
			return Closure(name, func(_ context.Context, a []any) (any, error) {
				if name == failAt {
					return nil, errors.New("fail")
				}
				live++
				return refcounted{&live}, nil
			})
		}
		g := build(t,
			Task{Key: "a", Func: step("a")},
			Task{Key: "b", Func: step("b"), Deps: []Key{"a"}},
			Task{Key: "c", Func: step("c"), Deps: []Key{"b"}},
		)
		task := g.Fuse([]Key{"c"}).Tasks()[0]
		v, err := task.Func.Call(context.Background(), task.Args)
		if failAt == "" {
			v.(refcounted).Release() // the chain's own result, which the scheduler owns
		} else if err == nil {
			t.Fatalf("failAt %s: no error", failAt)
		}
		if live != 0 {
			t.Fatalf("failAt %q: %d intermediates not released", failAt, live)
		}
	}
}
