package sched_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	schedsync "github.com/gask-dev/gask/sched/sync"
	"github.com/gask-dev/gask/sched/threads"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var schedulers = []sched.Scheduler{schedsync.New(), threads.New(), threads.New(threads.Workers(4))}

func eachScheduler(t *testing.T, f func(t *testing.T, s sched.Scheduler)) {
	for _, s := range schedulers {
		name := s.String()
		if ts, ok := s.(*threads.Scheduler); ok {
			name = fmt.Sprintf("threads-%d", ts.Size())
		}
		t.Run(name, func(t *testing.T) { f(t, s) })
	}
}

func fn(label string, f func(args []any) (any, error)) graph.Func {
	return graph.Closure(label, func(_ context.Context, a []any) (any, error) { return f(a) })
}

var (
	incFn = fn("inc", func(a []any) (any, error) { return a[0].(int) + 1, nil })
	sumFn = fn("sum", func(a []any) (any, error) {
		s := 0
		for _, v := range a {
			s += v.(int)
		}
		return s, nil
	})
)

// treeSum builds n inc tasks summed by a tree with the given fan-in; the result is
// sum(1..n).
func treeSum(n, fanIn int) (*graph.Graph, graph.Key) {
	g := graph.New(n + n/fanIn + 8)
	level := make([]graph.Key, n)
	for i := range n {
		level[i] = graph.K("inc", i)
		_ = g.Add(graph.Task{Key: level[i], Func: incFn, Args: []any{i}})
	}
	for depth := 0; len(level) > 1; depth++ {
		var next []graph.Key
		for i := 0; i < len(level); i += fanIn {
			k := graph.K(fmt.Sprintf("sum-%d", depth), i/fanIn)
			_ = g.Add(graph.Task{Key: k, Func: sumFn, Deps: level[i:min(i+fanIn, len(level))]})
			next = append(next, k)
		}
		level = next
	}
	return g, level[0]
}

func compute(ctx context.Context, s sched.Scheduler, cfg sched.Config, g *graph.Graph, out ...graph.Key) ([]any, sched.Stats, error) {
	sess, err := s.Open(ctx, cfg)
	if err != nil {
		return nil, sched.Stats{}, err
	}
	defer sess.Close()
	if err := sess.Submit(g, out); err != nil {
		return nil, sched.Stats{}, err
	}
	if _, err := sess.Wait(ctx, out, len(out)); err != nil {
		return nil, sess.Stats(), err
	}
	res := make([]any, len(out))
	for i, k := range out {
		if res[i], err = sess.Result(k); err != nil {
			return nil, sess.Stats(), err
		}
	}
	return res, sess.Stats(), nil
}

func TestTreeSum(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		for _, n := range []int{1, 7, 100, 1000, 10001} {
			g, out := treeSum(n, 10)
			res, st, err := compute(context.Background(), s, sched.Config{FailFast: true}, g, out)
			if err != nil {
				t.Fatal(err)
			}
			if want := n * (n + 1) / 2; res[0] != want {
				t.Fatalf("n=%d: sum %v, want %d", n, res[0], want)
			}
			if st.Run != g.Len() || st.Held != 1 {
				t.Fatalf("n=%d: stats %+v for %d tasks", n, st, g.Len())
			}
		}
	})
}

// blob is a result with a declared size, to watch the memory accounting.
type blob struct{ n int64 }

func (b blob) SizeBytes() int64 { return b.n }

// TestReleaseEarly checks that results are released as soon as their last dependent
// has run: on sync, a tree reduction of 1000 leaves of 1 MB with fan-in 10 never holds
// more than one group of leaves plus the partial sums along the current path.
func TestReleaseEarly(t *testing.T) {
	const mb = 1 << 20
	leaf := fn("leaf", func([]any) (any, error) { return blob{mb}, nil })
	merge := fn("merge", func(a []any) (any, error) { return blob{mb}, nil })
	g := graph.New(0)
	level := make([]graph.Key, 1000)
	for i := range level {
		level[i] = graph.K("leaf", i)
		_ = g.Add(graph.Task{Key: level[i], Func: leaf})
	}
	for d := 0; len(level) > 1; d++ {
		var next []graph.Key
		for i := 0; i < len(level); i += 10 {
			k := graph.K(fmt.Sprint("merge-", d), i/10)
			_ = g.Add(graph.Task{Key: k, Func: merge, Deps: level[i:min(i+10, len(level))]})
			next = append(next, k)
		}
		level = next
	}
	_, st, err := compute(context.Background(), schedsync.New(), sched.Config{FailFast: true}, g, level[0])
	if err != nil {
		t.Fatal(err)
	}
	// At worst 10 leaves + 9 + 9 partial merges at the two upper levels + 1.
	if st.PeakBytes > 30*mb {
		t.Fatalf("peak %d MB: intermediates were not released early", st.PeakBytes/mb)
	}
	if st.Bytes != mb {
		t.Fatalf("holding %d bytes after the run, want only the output", st.Bytes)
	}
}

func TestSyncDeterministicOrder(t *testing.T) {
	run := func() string {
		var order []string
		cb := sched.Callbacks{Start: func(i sched.TaskInfo) { order = append(order, string(i.Key)) }}
		g, out := treeSum(30, 3)
		if _, _, err := compute(context.Background(), schedsync.New(), sched.Config{Callbacks: cb}, g, out); err != nil {
			t.Fatal(err)
		}
		return strings.Join(order, " ")
	}
	first := run()
	for range 5 {
		if again := run(); again != first {
			t.Fatalf("sync order changed:\n%s\n%s", first, again)
		}
	}
	if !strings.HasPrefix(first, "('inc', 0) ('inc', 1) ('inc', 2) ('sum-0', 0) ('inc', 3)") {
		t.Fatalf("not depth first: %s", first)
	}
}

func TestTaskErrorFailsFast(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		defer goleak.VerifyNone(t)
		boom := errors.New("boom")
		var started atomic.Int64
		// The bad leaf is first in the static order; every other leaf blocks until the
		// session is cancelled, so only leaves already taken by other workers can start.
		block := graph.Closure("leaf", func(ctx context.Context, _ []any) (any, error) {
			started.Add(1)
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(10 * time.Second):
				return 1, nil
			}
		})
		g := graph.New(0)
		var leaves []graph.Key
		for i := range 200 {
			k := graph.K("leaf", i)
			leaves = append(leaves, k)
			f := block
			if i == 0 {
				f = fn("bad", func([]any) (any, error) { return nil, boom })
			}
			_ = g.Add(graph.Task{Key: k, Func: f})
		}
		_ = g.Add(graph.Task{Key: "total", Func: sumFn, Deps: leaves})
		t0 := time.Now()
		_, _, err := compute(context.Background(), s, sched.Config{FailFast: true}, g, "total")
		var te *sched.TaskError
		if !errors.As(err, &te) || te.Key != graph.K("leaf", 0) || !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		if want := "task ('leaf', 0) (bad): boom"; err.Error() != want {
			t.Fatalf("error %q, want %q", err, want)
		}
		workers := 1
		if ts, ok := s.(*threads.Scheduler); ok {
			workers = ts.Size()
		}
		if n := started.Load(); n > int64(workers-1) {
			t.Fatalf("%d other leaves started on %d workers: the error did not cancel the rest", n, workers)
		}
		if d := time.Since(t0); d > 5*time.Second {
			t.Fatalf("took %v: blocked leaves were not cancelled", d)
		}
	})
}

func TestPanicBecomesError(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		defer goleak.VerifyNone(t)
		g := graph.New(0)
		_ = g.Add(graph.Task{Key: graph.K("idx", 7), Func: fn("index", func([]any) (any, error) {
			var xs []int
			return xs[5], nil
		})})
		_, _, err := compute(context.Background(), s, sched.Config{FailFast: true}, g, graph.K("idx", 7))
		var te *sched.TaskError
		var pe *sched.PanicError
		if !errors.As(err, &te) || te.Key != graph.K("idx", 7) || !errors.As(err, &pe) {
			t.Fatalf("got %v", err)
		}
		var re runtime.Error
		if !errors.As(err, &re) {
			t.Fatalf("runtime error not unwrapped from %v", err)
		}
		if !strings.Contains(err.Error(), "task ('idx', 7) (index): panic: runtime error: index out of range") ||
			!strings.Contains(err.Error(), "engine_test.go:") {
			t.Fatalf("error text %q lacks the key or the panic site", err)
		}
		if !strings.Contains(string(pe.Stack), "engine_test.go") {
			t.Fatalf("stack lacks the faulting file:\n%s", pe.Stack)
		}
	})
}

func TestSyncRepanic(t *testing.T) {
	g := graph.New(0)
	_ = g.Add(graph.Task{Key: "p", Func: fn("p", func([]any) (any, error) { panic("at the line") })})
	defer func() {
		if r := recover(); r != "at the line" {
			t.Fatalf("recovered %v", r)
		}
	}()
	_, _, _ = compute(context.Background(), schedsync.New(schedsync.Repanic()), sched.Config{}, g, "p")
	t.Fatal("no panic")
}

func TestCancelStopsPromptly(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		defer goleak.VerifyNone(t)
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{}, 100)
		block := graph.Closure("block", func(ctx context.Context, _ []any) (any, error) {
			started <- struct{}{}
			<-ctx.Done()
			return nil, ctx.Err()
		})
		g := graph.New(0)
		var ks []graph.Key
		for i := range 50 {
			k := graph.K("block", i)
			ks = append(ks, k)
			_ = g.Add(graph.Task{Key: k, Func: block})
		}
		_ = g.Add(graph.Task{Key: "total", Func: sumFn, Deps: ks})
		go func() { <-started; cancel() }()
		t0 := time.Now()
		_, st, err := compute(ctx, s, sched.Config{FailFast: true}, g, "total")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if d := time.Since(t0); d > 2*time.Second {
			t.Fatalf("took %v to stop", d)
		}
		if st.Run > 4 {
			t.Fatalf("%d tasks ran after cancellation", st.Run)
		}
	})
}

func TestFailureWithoutFailFastIsLocal(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		ctx := context.Background()
		sess, err := s.Open(ctx, sched.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		boom := errors.New("boom")
		g := graph.New(0)
		_ = g.Add(graph.Task{Key: "bad", Func: fn("bad", func([]any) (any, error) { return nil, boom })})
		_ = g.Add(graph.Task{Key: "after", Func: incFn, Deps: []graph.Key{"bad"}})
		_ = g.Add(graph.Task{Key: "good", Func: incFn, Args: []any{1}})
		if err := sess.Submit(g, []graph.Key{"after", "good"}); err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Wait(ctx, []graph.Key{"after", "good"}, 2); err != nil {
			t.Fatal(err)
		}
		if v, err := sess.Result("good"); err != nil || v != 2 {
			t.Fatalf("good: %v, %v", v, err)
		}
		_, err = sess.Result("after")
		var te *sched.TaskError
		if !errors.As(err, &te) || te.Key != "bad" {
			t.Fatalf("dependent of a failed task: %v", err)
		}
		// A later submission that depends on the failed key fails at once too.
		g2 := graph.New(0)
		_ = g2.Add(graph.Task{Key: "later", Func: incFn, Deps: []graph.Key{"after"}})
		if err := sess.Submit(g2, []graph.Key{"later"}); err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Wait(ctx, []graph.Key{"later"}, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Result("later"); !errors.Is(err, boom) {
			t.Fatalf("later: %v", err)
		}
	})
}

func TestSharedKeysRunOnce(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		ctx := context.Background()
		var runs atomic.Int64
		count := fn("count", func([]any) (any, error) { runs.Add(1); return 10, nil })
		sess, _ := s.Open(ctx, sched.Config{})
		defer sess.Close()
		g1 := graph.New(0)
		_ = g1.Add(graph.Task{Key: "base", Func: count})
		_ = g1.Add(graph.Task{Key: "a", Func: incFn, Deps: []graph.Key{"base"}})
		if err := sess.Submit(g1, []graph.Key{"a", "base"}); err != nil {
			t.Fatal(err)
		}
		g2 := graph.New(0)
		_ = g2.Add(graph.Task{Key: "base", Func: count}) // same key: shared
		_ = g2.Add(graph.Task{Key: "b", Func: incFn, Deps: []graph.Key{"base"}})
		if err := sess.Submit(g2, []graph.Key{"b"}); err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Wait(ctx, []graph.Key{"a", "b"}, 2); err != nil {
			t.Fatal(err)
		}
		a, _ := sess.Result("a")
		b, _ := sess.Result("b")
		if a != 11 || b != 11 || runs.Load() != 1 {
			t.Fatalf("a=%v b=%v runs=%d", a, b, runs.Load())
		}
		sess.Release("a", "b", "base")
		if st := sess.Stats(); st.Held != 0 || st.Bytes != 0 {
			t.Fatalf("results held after release: %+v", st)
		}
		if _, err := sess.Result("a"); err == nil {
			t.Fatal("released key still readable")
		}
	})
}

func TestReleaseCancelsPending(t *testing.T) {
	ctx := context.Background()
	sess, _ := threads.New(threads.Workers(1)).Open(ctx, sched.Config{})
	defer sess.Close()
	gate := make(chan struct{})
	var ran atomic.Int64
	g := graph.New(0)
	_ = g.Add(graph.Task{Key: "gate", Func: graph.Closure("gate", func(context.Context, []any) (any, error) { <-gate; return 1, nil })})
	_ = g.Add(graph.Task{Key: "mid", Func: fn("mid", func(a []any) (any, error) { ran.Add(1); return a[0], nil }), Deps: []graph.Key{"gate"}})
	_ = g.Add(graph.Task{Key: "top", Func: fn("top", func(a []any) (any, error) { ran.Add(1); return a[0], nil }), Deps: []graph.Key{"mid"}})
	if err := sess.Submit(g, []graph.Key{"top", "gate"}); err != nil {
		t.Fatal(err)
	}
	sess.Release("top") // mid and top are no longer needed
	close(gate)
	if _, err := sess.Wait(ctx, []graph.Key{"gate"}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Result("top"); err == nil {
		t.Fatal("released key still in the session")
	}
	sess.Close()
	if ran.Load() != 0 {
		t.Fatalf("%d released tasks ran", ran.Load())
	}
}

func TestThreadsConcurrencyBound(t *testing.T) {
	for _, n := range []int{1, 3} {
		var cur, peak atomic.Int64
		work := fn("work", func([]any) (any, error) {
			c := cur.Add(1)
			for {
				p := peak.Load()
				if c <= p || peak.CompareAndSwap(p, c) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			cur.Add(-1)
			return 1, nil
		})
		g := graph.New(0)
		var ks []graph.Key
		for i := range 40 {
			k := graph.K("w", i)
			ks = append(ks, k)
			_ = g.Add(graph.Task{Key: k, Func: work})
		}
		_ = g.Add(graph.Task{Key: "total", Func: sumFn, Deps: ks})
		res, _, err := compute(context.Background(), threads.New(threads.Workers(n)), sched.Config{FailFast: true}, g, "total")
		if err != nil || res[0] != 40 {
			t.Fatal(res, err)
		}
		if peak.Load() > int64(n) {
			t.Fatalf("%d workers ran %d tasks at once", n, peak.Load())
		}
	}
}

func TestSubmitErrors(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		defer goleak.VerifyNone(t)
		sess, _ := s.Open(context.Background(), sched.Config{})
		defer sess.Close()
		g := graph.New(0)
		_ = g.Add(graph.Task{Key: "a", Func: incFn, Deps: []graph.Key{"b"}})
		_ = g.Add(graph.Task{Key: "b", Func: incFn, Deps: []graph.Key{"a"}})
		var ce *graph.CycleError
		if err := sess.Submit(g, []graph.Key{"a"}); !errors.As(err, &ce) {
			t.Fatalf("cycle: %v", err)
		}
		g2 := graph.New(0)
		_ = g2.Add(graph.Task{Key: "a", Func: incFn, Deps: []graph.Key{"nowhere"}})
		var me *graph.MissingDependencyError
		if err := sess.Submit(g2, []graph.Key{"a"}); !errors.As(err, &me) || me.Dep != "nowhere" {
			t.Fatalf("missing: %v", err)
		}
		if err := sess.Submit(graph.New(0), []graph.Key{"zz"}); err == nil || !strings.Contains(err.Error(), "zz") {
			t.Fatalf("unknown pin: %v", err)
		}
		sess.Close()
		if err := sess.Submit(graph.New(0), nil); !errors.Is(err, sched.ErrClosed) {
			t.Fatalf("after close: %v", err)
		}
	})
}

func TestCallbacks(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		var submitted, started, finished atomic.Int64
		var bytes atomic.Int64
		cb := sched.Callbacks{
			Submit: func(n int) { submitted.Add(int64(n)) },
			Start:  func(sched.TaskInfo) { started.Add(1) },
			Finish: func(i sched.TaskInfo) {
				finished.Add(1)
				bytes.Add(i.Size)
				if i.End.Before(i.Start) || i.Key == "" || i.Func == "" {
					t.Errorf("bad info %+v", i)
				}
			},
		}
		g, out := treeSum(100, 10)
		if _, _, err := compute(context.Background(), s, sched.Config{Callbacks: cb}, g, out); err != nil {
			t.Fatal(err)
		}
		n := int64(g.Len())
		if submitted.Load() != n || started.Load() != n || finished.Load() != n || bytes.Load() != 8*n {
			t.Fatalf("submitted %d started %d finished %d bytes %d for %d tasks", submitted.Load(), started.Load(), finished.Load(), bytes.Load(), n)
		}
	})
}

// TestLargeSubmissionShared covers sessions whose tasks are indexed through their
// submission's graph: a later submission depends on an inner key of a large one.
func TestLargeSubmissionShared(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		ctx := context.Background()
		sess, _ := s.Open(ctx, sched.Config{})
		defer sess.Close()
		g, out := treeSum(5000, 10)
		inner := graph.K("sum-1", 3) // the sum of inc 300..399
		if err := sess.Submit(g, []graph.Key{out, inner}); err != nil {
			t.Fatal(err)
		}
		g2 := graph.New(1)
		_ = g2.Add(graph.Task{Key: "twice", Func: fn("twice", func(a []any) (any, error) { return 2 * a[0].(int), nil }), Deps: []graph.Key{inner}})
		if err := sess.Submit(g2, []graph.Key{"twice"}); err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Wait(ctx, []graph.Key{out, "twice"}, 2); err != nil {
			t.Fatal(err)
		}
		want := 0
		for i := 300; i < 400; i++ {
			want += i + 1
		}
		if v, err := sess.Result("twice"); err != nil || v != 2*want {
			t.Fatalf("twice: %v, %v (want %d)", v, err, 2*want)
		}
		if v, _ := sess.Result(out); v != 5000*5001/2 {
			t.Fatalf("total %v", v)
		}
		sess.Release(out, inner, "twice")
		if st := sess.Stats(); st.Held != 0 || st.Bytes != 0 {
			t.Fatalf("held after release: %+v", st)
		}
		for _, k := range []graph.Key{out, inner, graph.K("inc", 7)} {
			if _, err := sess.Result(k); err == nil {
				t.Fatalf("%s still in the session", k)
			}
		}
	})
}

// counted is a reference-counted result, like an Arrow record.
type counted struct{ refs *atomic.Int64 }

func (c counted) Retain()  { c.refs.Add(1) }
func (c counted) Release() { c.refs.Add(-1) }

// TestReleasesReferenceCountedResults checks that the engine releases every result it
// owns — intermediates as their dependents finish, outputs when the session closes,
// and everything after a failure.
func TestReleasesReferenceCountedResults(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		for _, failing := range []bool{false, true} {
			var live atomic.Int64
			mk := fn("mk", func([]any) (any, error) { live.Add(1); return counted{&live}, nil })
			merge := fn("merge", func(a []any) (any, error) {
				if failing && len(a) == 3 {
					return nil, errors.New("merge failed")
				}
				live.Add(1)
				return counted{&live}, nil
			})
			g := graph.New(0)
			var leaves []graph.Key
			for i := range 30 {
				k := graph.K("leaf", i)
				leaves = append(leaves, k)
				_ = g.Add(graph.Task{Key: k, Func: mk})
			}
			var mids []graph.Key
			for i := 0; i < 30; i += 3 {
				k := graph.K("mid", i)
				mids = append(mids, k)
				_ = g.Add(graph.Task{Key: k, Func: merge, Deps: leaves[i : i+3]})
			}
			_ = g.Add(graph.Task{Key: "top", Func: merge, Deps: mids})
			_, _, err := compute(context.Background(), s, sched.Config{FailFast: true}, g, "top")
			if (err != nil) != failing {
				t.Fatalf("failing=%v: %v", failing, err)
			}
			if n := live.Load(); n != 0 {
				t.Fatalf("failing=%v: %d results never released", failing, n)
			}
		}
	})
}

type badSizer struct{}

func (badSizer) SizeBytes() int64 { panic("cannot size") }

func TestPanickingSizerFailsTheTask(t *testing.T) {
	eachScheduler(t, func(t *testing.T, s sched.Scheduler) {
		g := graph.New(1)
		_ = g.Add(graph.Task{Key: "odd", Func: fn("odd", func([]any) (any, error) { return badSizer{}, nil })})
		_, _, err := compute(context.Background(), s, sched.Config{FailFast: true}, g, "odd")
		var te *sched.TaskError
		if !errors.As(err, &te) || te.Key != "odd" || !strings.Contains(err.Error(), "measuring the result's size: cannot size") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestCancelledSiblingsReportTheFailure: when one task fails, tasks cancelled because
// of it report that failure, not "context canceled", whichever key is asked first.
func TestCancelledSiblingsReportTheFailure(t *testing.T) {
	s := threads.New(threads.Workers(2))
	started := make(chan struct{})
	wait := graph.Closure("wait", func(ctx context.Context, _ []any) (any, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	boom := graph.Closure("boom", func(context.Context, []any) (any, error) {
		<-started
		return nil, errors.New("boom")
	})
	g := graph.New(0)
	_ = g.Add(graph.Task{Key: "a-wait", Func: wait})
	_ = g.Add(graph.Task{Key: "b-boom", Func: boom})
	ctx := context.Background()
	sess, err := s.Open(ctx, sched.Config{FailFast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Submit(g, []graph.Key{"a-wait", "b-boom"}); err != nil {
		t.Fatal(err)
	}
	for sess.Stats().Failed < 2 { // both have ended: boom, then wait, cancelled
		time.Sleep(time.Millisecond)
	}
	_, err = sess.Result("a-wait")
	if err == nil || !strings.Contains(err.Error(), "boom") || errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the boom failure", err)
	}
}
