package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	schedsync "github.com/gask-dev/gask/sched/sync"
	"github.com/gask-dev/gask/sched/threads"
)

func init() {
	graph.Register("bench.inc", func(_ context.Context, a []any) (any, error) { return a[0].(int) + 1, nil })
	graph.Register("bench.sum", func(_ context.Context, a []any) (any, error) {
		s := 0
		for _, v := range a {
			s += v.(int)
		}
		return s, nil
	})
}

// incTreeSum is the scheduler-overhead graph of the foundation issue and of
// bench/dask_overhead.py: n trivial inc tasks, then a tree sum with fan-in 100.
func incTreeSum(n int) (*graph.Graph, graph.Key) {
	inc, sum := graph.Registered("bench.inc"), graph.Registered("bench.sum")
	g := graph.New(n + n/99 + 4)
	level := make([]graph.Key, n)
	for i := range n {
		level[i] = graph.K("inc", i)
		_ = g.Add(graph.Task{Key: level[i], Func: inc, Args: []any{i}})
	}
	for d := 0; len(level) > 1; d++ {
		next := make([]graph.Key, 0, len(level)/100+1)
		for i := 0; i < len(level); i += 100 {
			k := graph.K(fmt.Sprintf("sum-%d", d), i/100)
			_ = g.Add(graph.Task{Key: k, Func: sum, Deps: level[i:min(i+100, len(level))]})
			next = append(next, k)
		}
		level = next
	}
	return g, level[0]
}

// overheadSizes are the task counts of the overhead benchmarks: 1e4 by default, and
// 1e4, 1e5 and 1e6 with GASK_BENCH_FULL.
func overheadSizes() []int {
	if full() {
		return []int{10_000, 100_000, 1_000_000}
	}
	return []int{10_000}
}

// BenchmarkSchedulerOverhead measures the engine itself: a session gets the graph
// directly. ns/task is the run alone; build-ns/task is making the graph.
func BenchmarkSchedulerOverhead(b *testing.B) {
	for _, s := range []sched.Scheduler{schedsync.New(), threads.New()} {
		for _, n := range overheadSizes() {
			b.Run(fmt.Sprintf("%s/N=%d", s, n), func(b *testing.B) {
				var build, run time.Duration
				var tasks int
				peak := startPeak()
				for b.Loop() {
					t0 := time.Now()
					g, out := incTreeSum(n)
					t1 := time.Now()
					sess, err := s.Open(context.Background(), sched.Config{FailFast: true})
					if err != nil {
						b.Fatal(err)
					}
					if err := sess.Submit(g, []graph.Key{out}); err != nil {
						b.Fatal(err)
					}
					if _, err := sess.Wait(context.Background(), []graph.Key{out}, 1); err != nil {
						b.Fatal(err)
					}
					v, err := sess.Result(out)
					sess.Close()
					if err != nil || v != n*(n+1)/2 {
						b.Fatalf("sum %v, %v", v, err)
					}
					build += t1.Sub(t0)
					run += time.Since(t1)
					tasks += g.Len()
				}
				b.ReportMetric(float64(run.Nanoseconds())/float64(tasks), "ns/task")
				b.ReportMetric(float64(tasks)/run.Seconds(), "tasks/s")
				b.ReportMetric(float64(build.Nanoseconds())/float64(tasks), "build-ns/task")
				b.ReportMetric(peak.Stop(), "peak-heap-MiB")
			})
		}
	}
}

// treeCollection exposes the hand-built graph to gask.Compute.
type treeCollection struct {
	g   *graph.Graph
	out graph.Key
}

func (c treeCollection) Graph() (*graph.Graph, error)    { return c.g, nil }
func (c treeCollection) Keys() []graph.Key               { return []graph.Key{c.out} }
func (c treeCollection) Finalize(res []any) (int, error) { return res[0].(int), nil }

// BenchmarkComputeOverhead is the same graph through the user's path, gask.Compute,
// which also validates, culls and fuses it: ns/task here is build + optimize + run.
func BenchmarkComputeOverhead(b *testing.B) {
	for _, s := range []sched.Scheduler{schedsync.New(), threads.New()} {
		for _, n := range overheadSizes() {
			b.Run(fmt.Sprintf("%s/N=%d", s, n), func(b *testing.B) {
				var tasks int
				peak := startPeak()
				for b.Loop() {
					g, out := incTreeSum(n)
					v, err := gask.Compute[int](context.Background(), treeCollection{g, out}, gask.WithScheduler(s))
					if err != nil || v != n*(n+1)/2 {
						b.Fatalf("sum %v, %v", v, err)
					}
					tasks += g.Len()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(tasks), "ns/task")
				b.ReportMetric(float64(tasks)/b.Elapsed().Seconds(), "tasks/s")
				b.ReportMetric(peak.Stop(), "peak-heap-MiB")
			})
		}
	}
}
