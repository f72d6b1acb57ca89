package gask_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/schedtest"
	"github.com/gask-dev/gask/sched"
	schedsync "github.com/gask-dev/gask/sched/sync"
	"github.com/gask-dev/gask/sched/threads"
)

func TestMain(m *testing.M) { schedtest.Main(m) }

func init() {
	gask.Register("gask_test.double", double)
	gask.Register("gask_test.sum", sumInts)
	gask.Register("gask_test.divide", divide)
	// What the matrix's tests call, registered so that they run in worker processes too.
	gask.Register("gask_test.inc", inc)
	gask.Register("gask_test.add", add)
	gask.Register("gask_test.multiply", multiply)
	gask.Register("gask_test.square", square)
	gask.Register("gask_test.noGood", noGood)
	gask.Register("gask_test.nope", nope)
	gask.Register("gask_test.panicky", panicky)
	gask.Register("gask_test.indexPanic", indexPanic)
	gask.Register("gask_test.sleepy", sleepy)
	gask.Register("gask_test.slowID", slowID)
	gask.Register("gask_test.pid", pid)
	graph.Register("gask_test.id", func(_ context.Context, a []any) (any, error) { return a[0], nil })
}

func square(x int) int { return x * x }

// pid is the process a task runs in (its argument only makes it a call).
func pid(int) int { return os.Getpid() }

func noGood(a, b int) (int, error) { return 0, fmt.Errorf("no good: %d/%d", a, b) }

func nope(int) (int, error) { return 0, errors.New("nope") }

func panicky(k string) int {
	var m map[string]int
	m[k] = 1
	return 0
}

func indexPanic(x int) int {
	var xs []int
	return xs[x]
}

// sleepy takes long enough for a cancellation to land while tasks run.
func sleepy(i int) int {
	time.Sleep(time.Second)
	return i
}

func slowID(i int) int {
	time.Sleep(time.Duration(5-i) * time.Millisecond)
	return i
}

func double(x int) int { return 2 * x }

func sumInts(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func divide(ctx context.Context, a, b int) (int, error) {
	if b == 0 {
		return 0, errors.New("divide by zero")
	}
	return a / b, nil
}

// eachScheduler runs f on the test matrix (sync, threads, procs): every behaviour is
// checked on each, with registered functions so that tasks can leave the process.
func eachScheduler(t *testing.T, f func(t *testing.T, opt gask.Option)) {
	each(t, append(schedtest.All(), threads.New(threads.Workers(1))), f)
}

// eachLocal runs f on the in-process schedulers: for tests whose closures observe
// the driver's memory (run counters), which worker processes cannot.
func eachLocal(t *testing.T, f func(t *testing.T, opt gask.Option)) {
	each(t, append(schedtest.Local(), threads.New(threads.Workers(1))), f)
}

func each(t *testing.T, ss []sched.Scheduler, f func(t *testing.T, opt gask.Option)) {
	for i, s := range ss {
		t.Run(fmt.Sprintf("%s-%d", s, i), func(t *testing.T) { f(t, gask.WithScheduler(s)) })
	}
}

func TestSeedsOnEveryScheduler(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		mul := gask.Delay2(multiply)
		z := mul(mul(gask.Value(2), gask.Value(3)), mul(gask.Value(3), gask.Value(4)))
		if v, err := z.Compute(ctx, opt); err != nil || v != 72 {
			t.Fatalf("multiply: %v, %v", v, err)
		}
		c := gask.Delay2(add)(gask.Delay1(inc)(gask.Value(1)), gask.Delay1(inc)(gask.Value(2)))
		if v, err := c.Compute(ctx, opt); err != nil || v != 5 {
			t.Fatalf("inc/add: %v, %v", v, err)
		}
		client, err := gask.NewClient(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		fs, err := gask.Map(client, square, []int{1, 2, 3, 4, 5})
		if err != nil {
			t.Fatal(err)
		}
		got, err := gask.Gather(ctx, fs)
		if err != nil || fmt.Sprint(got) != "[1 4 9 16 25]" {
			t.Fatalf("map square: %v, %v", got, err)
		}
	})
}

func TestSharedWorkRunsOnce(t *testing.T) {
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		var runs atomic.Int64
		counted := gask.Delay1(func(x int) int { runs.Add(1); return x })
		base := counted(gask.Value(5))
		a := gask.Delay2(add)(base, gask.Value(1))
		b := gask.Delay2(add)(base, gask.Value(2))
		var va, vb int
		if err := gask.ComputeAll(context.Background(), []gask.Target{gask.Into(&va, a), gask.Into(&vb, b)}, opt); err != nil {
			t.Fatal(err)
		}
		if va != 6 || vb != 7 || runs.Load() != 1 {
			t.Fatalf("a=%d b=%d, shared node ran %d times", va, vb, runs.Load())
		}
	})
}

func TestPersistDoesNotRecompute(t *testing.T) {
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		var runs atomic.Int64
		x := gask.Delay1(func(x int) int { runs.Add(1); return x * 10 })(gask.Value(4))
		px, err := x.Persist(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if px.Key() != x.Key() {
			t.Fatalf("persisted key %s, want %s", px.Key(), x.Key())
		}
		for range 3 {
			if v, err := gask.Delay1(inc)(px).Compute(ctx, opt); err != nil || v != 41 {
				t.Fatalf("%v, %v", v, err)
			}
		}
		if runs.Load() != 1 {
			t.Fatalf("persisted value recomputed: %d runs", runs.Load())
		}
	})
}

func TestTaskErrorNamesKey(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		defer schedtest.VerifyNone(t)
		bad := gask.Delay2E(noGood)(gask.Value(1), gask.Value(0))
		top := gask.Delay1(inc)(bad)
		_, err := top.Compute(context.Background(), opt)
		var te *sched.TaskError
		if !errors.As(err, &te) || te.Key != bad.Key() {
			t.Fatalf("got %v", err)
		}
		want := fmt.Sprintf("gask: task %s (gask_test.noGood): no good: 1/0", bad.Key())
		if err.Error() != want {
			t.Fatalf("error\n %q\nwant %q", err, want)
		}
	})
}

func TestPanicNamesKeyAndSite(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		defer schedtest.VerifyNone(t)
		boom := gask.Delay1(panicky)(gask.Value("x"))
		_, err := boom.Compute(context.Background(), opt)
		var pe *sched.PanicError
		if !errors.As(err, &pe) {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(err.Error(), string(boom.Key())) || !strings.Contains(err.Error(), "assignment to entry in nil map") ||
			!strings.Contains(err.Error(), "gask_test.go:") {
			t.Fatalf("error %q lacks key, panic or site", err)
		}
	})
}

func TestCancelledContext(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		defer schedtest.VerifyNone(t)
		ctx, cancel := context.WithCancel(context.Background())
		slow := gask.Delay1(sleepy)
		var parts []gask.Arg[int]
		for i := range 20 {
			parts = append(parts, slow(gask.Value(i)))
		}
		total := gask.DelaySlice(sumInts)(parts...)
		stop := time.AfterFunc(300*time.Millisecond, cancel)
		defer stop.Stop()
		t0 := time.Now()
		_, err := total.Compute(ctx, opt)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if time.Since(t0) > 5*time.Second {
			t.Fatal("cancellation was not prompt")
		}
	})
}

// rawCollection exposes a hand-built graph as a collection.
type rawCollection struct {
	g    *graph.Graph
	keys []graph.Key
}

func (r rawCollection) Graph() (*graph.Graph, error)      { return r.g, nil }
func (r rawCollection) Keys() []graph.Key                 { return r.keys }
func (r rawCollection) Finalize(res []any) ([]any, error) { return res, nil }

func TestCycleAndMissingDependency(t *testing.T) {
	defer schedtest.VerifyNone(t)
	id := graph.Registered("gask_test.id")
	cyc := graph.New(0)
	_ = cyc.Add(graph.Task{Key: "a", Func: id, Deps: []graph.Key{"c"}})
	_ = cyc.Add(graph.Task{Key: "b", Func: id, Deps: []graph.Key{"a"}})
	_ = cyc.Add(graph.Task{Key: "c", Func: id, Deps: []graph.Key{"b"}})
	miss := graph.New(0)
	_ = miss.Add(graph.Task{Key: "a", Func: id, Deps: []graph.Key{"gone"}})
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		for _, noOpt := range []bool{false, true} {
			opts := []gask.Option{opt}
			if noOpt {
				opts = append(opts, gask.WithoutOptimization())
			}
			_, err := gask.Compute(context.Background(), rawCollection{cyc, []graph.Key{"a"}}, opts...)
			var ce *graph.CycleError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), "dependency cycle: a -> c -> b -> a") {
				t.Fatalf("cycle: %v", err)
			}
			_, err = gask.Compute(context.Background(), rawCollection{miss, []graph.Key{"a"}}, opts...)
			var me *graph.MissingDependencyError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), "task a depends on gone") {
				t.Fatalf("missing: %v", err)
			}
		}
	})
}

func TestZeroDelayedIsAnError(t *testing.T) {
	var d gask.Delayed[int]
	if _, err := d.Compute(context.Background()); err == nil || !strings.Contains(err.Error(), "zero Delayed") {
		t.Fatalf("got %v", err)
	}
	if _, err := gask.Delay1(inc)(d).Compute(context.Background()); err == nil {
		t.Fatal("call on a zero Delayed computed")
	}
}

func TestFusion(t *testing.T) {
	ctx := context.Background()
	x := gask.Value(1)
	var d gask.Delayed[int] = gask.Delay1(inc)(x)
	for range 9 {
		d = gask.Delay1(inc)(d)
	}
	count := func(opts ...gask.Option) (int, int64) {
		var n atomic.Int64
		cb := gask.WithCallbacks(sched.Callbacks{Finish: func(sched.TaskInfo) { n.Add(1) }})
		v, err := d.Compute(ctx, append(opts, cb)...)
		if err != nil {
			t.Fatal(err)
		}
		return v, n.Load()
	}
	if v, n := count(); v != 11 || n != 1 {
		t.Fatalf("fused chain: %d in %d tasks, want 11 in 1", v, n)
	}
	if v, n := count(gask.WithoutOptimization()); v != 11 || n != 10 {
		t.Fatalf("unfused chain: %d in %d tasks, want 11 in 10", v, n)
	}
}

func TestSchedulerChoice(t *testing.T) {
	ctx := context.Background()
	workers := func(opts ...gask.Option) map[int]bool {
		seen := map[int]bool{}
		var mu = make(chan struct{}, 1)
		cb := gask.WithCallbacks(sched.Callbacks{Start: func(i sched.TaskInfo) { mu <- struct{}{}; seen[i.Worker] = true; <-mu }})
		var parts []gask.Arg[int]
		for i := range 50 {
			parts = append(parts, gask.Delay1(inc)(gask.Value(i)))
		}
		if _, err := gask.DelaySlice(sumInts)(parts...).Compute(ctx, append(opts, cb)...); err != nil {
			t.Fatal(err)
		}
		return seen
	}
	t.Setenv("GASK_SCHEDULER", "sync")
	if w := workers(); len(w) != 1 || !w[0] {
		t.Fatalf("GASK_SCHEDULER=sync ran on workers %v", w)
	}
	if s, _ := gask.DefaultScheduler(); s.String() != "sync" {
		t.Fatalf("default %s", s)
	}
	t.Setenv("GASK_SCHEDULER", "threads:3")
	if w := workers(); w[0] {
		t.Fatalf("threads ran a task in the caller: %v", w)
	}
	// The option beats the package default, which beats the environment.
	gask.SetDefaultScheduler(schedsync.New())
	defer gask.SetDefaultScheduler(nil)
	if w := workers(); len(w) != 1 || !w[0] {
		t.Fatalf("SetDefaultScheduler(sync) ran on workers %v", w)
	}
	if w := workers(gask.WithScheduler(threads.New(threads.Workers(2)))); w[0] {
		t.Fatalf("WithScheduler(threads) ran on the caller: %v", w)
	}
	gask.SetDefaultScheduler(nil)
	t.Setenv("GASK_SCHEDULER", "gpu")
	_, err := gask.Delay1(inc)(gask.Value(1)).Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), `GASK_SCHEDULER: unknown scheduler "gpu": want sync, threads, threads:N, procs or procs:N`) {
		t.Fatalf("bad env: %v", err)
	}
	for _, bad := range []string{"threads:0", "threads:x", "sync:2"} {
		if _, err := gask.SchedulerFromName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRegisteredFunctionsShip(t *testing.T) {
	ctx := context.Background()
	d := gask.Delay1(double)(gask.Value(21))
	s := gask.DelaySlice(sumInts)(d, gask.Value(1), gask.Delay1(double)(gask.Value(5)))
	g, err := s.Graph()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.CheckShippable(); err != nil {
		t.Fatalf("registered functions not shippable: %v", err)
	}
	// Run each task the way a worker does: by registered name, with the task's args.
	results := map[graph.Key]any{}
	order := g.Order(nil)
	tasks := make([]graph.Task, g.Len())
	for i, p := range order {
		tasks[p] = g.Tasks()[i]
	}
	for _, task := range tasks {
		fn, ok := graph.Lookup(task.Func.Name())
		if !ok {
			t.Fatalf("task %s: %q not registered", task.Key, task.Func.Name())
		}
		var inputs []any
		for _, k := range task.Deps {
			inputs = append(inputs, results[k])
		}
		args, err := task.Arguments(inputs)
		if err != nil {
			t.Fatal(err)
		}
		if results[task.Key], err = fn(ctx, args); err != nil {
			t.Fatalf("task %s: %v", task.Key, err)
		}
	}
	if got := results[s.Key()]; got != 53 {
		t.Fatalf("shipped evaluation gave %v, want 53", got)
	}
	if v, err := s.Compute(ctx); err != nil || v != 53 {
		t.Fatalf("local: %v, %v", v, err)
	}
	// A registered function with a context and an error.
	if _, err := gask.Delay2E(func(a, b int) (int, error) { return divide(ctx, a, b) })(gask.Value(1), gask.Value(0)).Compute(ctx); err == nil {
		t.Fatal("divide by zero succeeded")
	}
	div, _ := graph.Lookup("gask_test.divide")
	if v, err := div(ctx, []any{7, 2}); err != nil || v != 3 {
		t.Fatalf("divide: %v, %v", v, err)
	}
	if _, err := div(ctx, []any{7, "2"}); err == nil || !strings.Contains(err.Error(), "gask_test.divide argument 1 is string, want int") {
		t.Fatalf("wrong type: %v", err)
	}
	if _, err := div(ctx, []any{7}); err == nil || !strings.Contains(err.Error(), "takes 2 arguments, got 1") {
		t.Fatalf("wrong count: %v", err)
	}
}

func TestClosuresAreNotShippable(t *testing.T) {
	offset := 3
	d := gask.Delay1(func(x int) int { return x + offset })(gask.Value(1))
	g, _ := d.Graph()
	err := g.CheckShippable()
	var ue *graph.UnshippableError
	if !errors.As(err, &ue) || ue.Tasks[0] != d.Key() {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{string(d.Key()), "gask_test.TestClosuresAreNotShippable.func1", "gask.Register"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestRegisterMisuse(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   any
		want string
	}{
		{"gask_test.notfunc", 42, "int is not a function"},
		{"gask_test.threeouts", func() (int, int, error) { return 0, 0, nil }, "returns more than a value and an error"},
		{"gask_test.badsecond", func() (int, int) { return 0, 0 }, "second result must be error"},
		{"gask_test.double", double, `"gask_test.double" registered twice`},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("%s: recovered %v, want %q", tc.name, r, tc.want)
				}
			}()
			gask.Register(tc.name, tc.fn)
		}()
	}
}

func newClient(t *testing.T, opt gask.Option) *gask.Client {
	t.Helper()
	c, err := gask.NewClient(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestFutureErrorsAreLocal(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		c := newClient(t, opt)
		bad, err := gask.Submit(c, gask.Delay1E(nope)(gask.Value(1)))
		if err != nil {
			t.Fatal(err)
		}
		after, _ := gask.Submit(c, gask.Delay1(inc)(bad))
		good, _ := gask.Submit(c, gask.Delay1(inc)(gask.Value(1)))
		var te *sched.TaskError
		if _, err := bad.Result(ctx); !errors.As(err, &te) || te.Key != bad.Key() || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("bad: %v", err)
		}
		if _, err := after.Result(ctx); !errors.As(err, &te) || te.Key != bad.Key() {
			t.Fatalf("dependent of bad: %v", err)
		}
		if v, err := good.Result(ctx); err != nil || v != 2 {
			t.Fatalf("good: %v, %v", v, err)
		}
		if bad.Status() != "error" || good.Status() != "finished" {
			t.Fatalf("status %s, %s", bad.Status(), good.Status())
		}
		if _, err := gask.Gather(ctx, []*gask.Future[int]{good, bad}); !errors.As(err, &te) {
			t.Fatalf("gather: %v", err)
		}
	})
}

func TestCancelReleasesData(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		c := newClient(t, opt)
		big, err := gask.Scatter(c, make([]float64, 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := big.Result(ctx); err != nil || len(v) != 1<<20 {
			t.Fatalf("scatter: %d, %v", len(v), err)
		}
		if st := c.Stats(); st.Bytes < 8<<20 {
			t.Fatalf("scattered data not accounted: %+v", st)
		}
		big.Cancel()
		if st := c.Stats(); st.Bytes != 0 || st.Held != 0 {
			t.Fatalf("cancel kept data: %+v", st)
		}
		if _, err := big.Result(ctx); !errors.Is(err, gask.ErrCancelled) {
			t.Fatalf("cancelled result: %v", err)
		}
		if big.Status() != "cancelled" {
			t.Fatalf("status %s", big.Status())
		}
	})
}

func TestCancelBeforeRunSkipsWork(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, gask.WithScheduler(schedsync.New())) // sync: nothing runs until waited for
	var runs atomic.Int64
	f, _ := gask.Submit(c, gask.Delay1(func(x int) int { runs.Add(1); return x })(gask.Value(1)))
	f.Cancel()
	g, _ := gask.Submit(c, gask.Delay1(inc)(gask.Value(1)))
	if v, err := g.Result(ctx); err != nil || v != 2 {
		t.Fatal(v, err)
	}
	if runs.Load() != 0 {
		t.Fatal("a cancelled future's task ran")
	}
}

func TestFutureGarbageCollected(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, gask.WithScheduler(threads.New()))
	func() {
		f, _ := gask.Scatter(c, make([]byte, 1<<20))
		if _, err := f.Result(ctx); err != nil {
			t.Fatal(err)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for c.Stats().Held != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("unreachable future still holds data: %+v", c.Stats())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

func TestClientComputeAndPersist(t *testing.T) {
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		c := newClient(t, opt)
		var runs atomic.Int64
		x := gask.Delay1(func(x int) int { runs.Add(1); return x * 3 })(gask.Value(5))
		fx, err := gask.ComputeOn[int](c, x)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := fx.Result(ctx); err != nil || v != 15 {
			t.Fatalf("ComputeOn: %v, %v", v, err)
		}
		px, err := gask.PersistOn(c, gask.Delay1(func(x int) int { runs.Add(1); return x + 100 })(gask.Value(1)))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			f, _ := gask.Submit(c, gask.Delay1(inc)(px))
			if v, err := f.Result(ctx); err != nil || v != 102 {
				t.Fatalf("on persisted: %v, %v", v, err)
			}
		}
		// The persisted value can also be computed elsewhere: its task waits on the client.
		if v, err := gask.Delay1(inc)(px).Compute(ctx, gask.WithScheduler(schedsync.New())); err != nil || v != 102 {
			t.Fatalf("persisted elsewhere: %v, %v", v, err)
		}
		if runs.Load() != 2 {
			t.Fatalf("%d runs, want 2", runs.Load())
		}
	})
}

func TestAsCompletedAndWait(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		c := newClient(t, opt)
		fs, err := gask.Map(c, slowID, []int{0, 1, 2, 3, 4})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int]bool{}
		for f := range gask.AsCompleted(ctx, fs) {
			if !f.Done() {
				t.Fatal("yielded a pending future")
			}
			v, _ := f.Result(ctx)
			seen[v] = true
		}
		if len(seen) != 5 {
			t.Fatalf("AsCompleted yielded %v", seen)
		}
		if err := gask.Wait(ctx, fs...); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClosedClient(t *testing.T) {
	c, _ := gask.NewClient(context.Background())
	f, err := gask.Submit(c, gask.Delay1(slowID)(gask.Value(1)))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := f.Result(context.Background()); !errors.Is(err, gask.ErrClientClosed) {
		t.Fatalf("result after close: %v", err)
	}
	if _, err := gask.Scatter(c, 1); !errors.Is(err, gask.ErrClientClosed) {
		t.Fatalf("scatter after close: %v", err)
	}
	if _, err := gask.Map2(c, add, []int{1}, []int{1, 2}); err == nil {
		t.Fatal("Map2 of unequal lengths accepted")
	}
}

func TestVisualize(t *testing.T) {
	ctx := context.Background()
	d := gask.Delay2(add)(gask.Delay1(double)(gask.Value(1)), gask.Value(2))
	dir := t.TempDir()
	dotFile := filepath.Join(dir, "g.dot")
	if err := gask.Visualize(ctx, dotFile, d); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(dotFile)
	if !strings.Contains(string(b), "gask_test.double") || !strings.Contains(string(b), "->") {
		t.Fatalf("DOT:\n%s", b)
	}
	if err := gask.Visualize(ctx, filepath.Join(dir, "g.bmp"), d); err == nil || !strings.Contains(err.Error(), `unknown format "bmp"`) {
		t.Fatalf("bmp: %v", err)
	}
	var buf bytes.Buffer
	if err := gask.WriteDOT(&buf, d); err != nil || !strings.HasPrefix(buf.String(), "digraph") {
		t.Fatalf("WriteDOT: %v", err)
	}
}

func TestProgressTo(t *testing.T) {
	var buf bytes.Buffer
	var parts []gask.Arg[int]
	for i := range 20 {
		parts = append(parts, gask.Delay1(inc)(gask.Value(i)))
	}
	v, err := gask.DelaySlice(sumInts)(parts...).Compute(context.Background(), gask.WithProgressTo(&buf))
	if err != nil || v != 210 {
		t.Fatal(v, err)
	}
	out := buf.String()
	if !strings.Contains(out, "100%") || !strings.Contains(out, "21/21") {
		t.Fatalf("progress output %q", out)
	}
}

func TestProgressSilentWhenNotATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stderr
	os.Stderr = f
	opt := gask.WithProgress()
	os.Stderr = saved
	if _, err := gask.Delay1(inc)(gask.Value(1)).Compute(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Fatalf("progress wrote %d bytes to a file", st.Size())
	}
}

func TestFusedStepPanicNamesStep(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		defer schedtest.VerifyNone(t)
		first := gask.Delay1(indexPanic)(gask.Value(3))
		last := gask.Delay1(inc)(gask.Delay1(inc)(first))
		_, err := last.Compute(context.Background(), opt)
		var te *sched.TaskError
		var pe *sched.PanicError
		if !errors.As(err, &te) || te.Key != first.Key() || !errors.As(err, &pe) {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(err.Error(), "index out of range [3]") || !strings.Contains(err.Error(), "gask_test.go:") {
			t.Fatalf("error %q lacks the panic or its site", err)
		}
	})
}

func TestPersistAllShares(t *testing.T) {
	ctx := context.Background()
	local := gask.WithScheduler(threads.New()) // the run counter lives in this process
	var runs atomic.Int64
	base := gask.Delay1(func(x int) int { runs.Add(1); return x })(gask.Value(2))
	a := gask.Delay2(multiply)(base, gask.Value(10))
	b := gask.Delay2(multiply)(base, gask.Value(100))
	ka, kb := a.Key(), b.Key()
	if err := gask.PersistAll(ctx, []gask.PersistTarget{gask.PersistInto(&a), gask.PersistInto(&b)}, local); err != nil {
		t.Fatal(err)
	}
	if a.Key() != ka || b.Key() != kb || runs.Load() != 1 {
		t.Fatalf("keys %s %s, %d runs", a.Key(), b.Key(), runs.Load())
	}
	g, _ := a.Graph()
	if g.Len() != 1 {
		t.Fatalf("persisted graph has %d tasks, want 1", g.Len())
	}
	var va, vb int
	if err := gask.ComputeAll(ctx, []gask.Target{gask.Into(&va, a), gask.Into(&vb, b)}, local); err != nil || va != 20 || vb != 200 || runs.Load() != 1 {
		t.Fatalf("%d %d %v, %d runs", va, vb, err, runs.Load())
	}
}

// failingFinalize computes fine but cannot build its value.
type failingFinalize struct{ gask.Delayed[int] }

func (failingFinalize) Finalize([]any) (int, error) { return 0, errors.New("cannot finalize") }

func TestComputeAllStoresNothingOnError(t *testing.T) {
	good := gask.Delay1(inc)(gask.Value(1))
	bad := failingFinalize{gask.Delay1(inc)(gask.Value(2))}
	a, b := -1, -1
	err := gask.ComputeAll(context.Background(), []gask.Target{gask.Into(&a, good), gask.Into(&b, gask.Computable[int](bad))})
	if err == nil || !strings.Contains(err.Error(), "cannot finalize") {
		t.Fatalf("got %v", err)
	}
	if a != -1 || b != -1 {
		t.Fatalf("stored %d, %d despite the error", a, b)
	}
}

func TestProcsFromTheEnvironment(t *testing.T) {
	t.Setenv("GASK_SCHEDULER", "procs:2")
	v, err := gask.Delay1(pid)(gask.Value(0)).Compute(context.Background())
	if err != nil || v == os.Getpid() || v == 0 {
		t.Fatalf("GASK_SCHEDULER=procs:2 ran the task in process %d (driver %d): %v", v, os.Getpid(), err)
	}
	for _, bad := range []string{"procs:0", "procs:x"} {
		if _, err := gask.SchedulerFromName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// A closure cannot leave the process: the error says which and how to register it.
	_, err = gask.Delay1(func(x int) int { return x })(gask.Value(1)).Compute(context.Background())
	if err == nil || !strings.Contains(err.Error(), "gask.Register") || !strings.Contains(err.Error(), "TestProcsFromTheEnvironment") {
		t.Fatalf("closure on procs: %v", err)
	}
}
