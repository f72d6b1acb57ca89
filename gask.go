package gask

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/procs"
	schedsync "github.com/gask-dev/gask/sched/sync"
	"github.com/gask-dev/gask/sched/threads"
)

// Collection is anything gask can compute: it describes itself as a task graph and
// names the keys whose results make it up. Dataframes, arrays, bags and Delayed values
// are collections.
type Collection interface {
	// Graph returns the collection's task graph, which contains Keys.
	Graph() (*graph.Graph, error)
	// Keys are the output keys, in the order Finalize and Persisted take them.
	Keys() []graph.Key
}

// Computable is a collection whose results combine into a value of type T.
type Computable[T any] interface {
	Collection
	// Finalize builds the value from the results of Keys, in order. It owns one
	// reference to each reference-counted result (Arrow records): it keeps it in the
	// value or releases it.
	Finalize(results []any) (T, error)
}

// Persistable is a collection that can be rebuilt on computed results.
type Persistable[C any] interface {
	Collection
	// Persisted returns the same collection whose outputs are the given tasks (one per
	// key of Keys, in order, with the same keys), which hold or fetch computed results.
	Persisted(outputs []graph.Task) C
}

// Option configures Compute, Persist, ComputeAll and NewClient.
type Option func(*options)

type options struct {
	scheduler sched.Scheduler
	callbacks []sched.Callbacks
	progress  *progressOpt
	noOpt     bool
}

// WithScheduler runs the computation on s instead of the default scheduler.
func WithScheduler(s sched.Scheduler) Option { return func(o *options) { o.scheduler = s } }

// WithCallbacks observes every task of the computation (profilers, custom progress).
func WithCallbacks(cb sched.Callbacks) Option {
	return func(o *options) { o.callbacks = append(o.callbacks, cb) }
}

// WithoutOptimization skips the graph-level culling and linear-chain fusion that
// Compute applies by default, so every task of the graph runs under its own key.
func WithoutOptimization() Option { return func(o *options) { o.noOpt = true } }

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

func (o *options) pick() (sched.Scheduler, error) {
	if o.scheduler != nil {
		return o.scheduler, nil
	}
	return DefaultScheduler()
}

var defaultScheduler atomic.Pointer[sched.Scheduler]

// SetDefaultScheduler makes s the scheduler used when no WithScheduler option is given,
// overriding GASK_SCHEDULER (as dask.config.set overrides Dask's environment). nil
// restores the environment's choice.
func SetDefaultScheduler(s sched.Scheduler) {
	if s == nil {
		defaultScheduler.Store(nil)
		return
	}
	defaultScheduler.Store(&s)
}

// DefaultScheduler is the scheduler Compute uses without a WithScheduler option: the
// one set by SetDefaultScheduler, else the one GASK_SCHEDULER names, else threads.
func DefaultScheduler() (sched.Scheduler, error) {
	if p := defaultScheduler.Load(); p != nil {
		return *p, nil
	}
	name := os.Getenv("GASK_SCHEDULER")
	if name == "" {
		return threads.New(), nil
	}
	s, err := SchedulerFromName(name)
	if err != nil {
		return nil, fmt.Errorf("gask: GASK_SCHEDULER: %w", err)
	}
	return s, nil
}

// SchedulerFromName returns the scheduler a name selects: "sync", "threads",
// "threads:N" (a pool of N goroutines), "procs" or "procs:N" (N worker processes; the
// program must call Main first, see Main).
func SchedulerFromName(name string) (sched.Scheduler, error) {
	base, arg, hasArg := strings.Cut(strings.TrimSpace(name), ":")
	switch base {
	case "sync", "synchronous", "single-threaded":
		if hasArg {
			return nil, fmt.Errorf("scheduler %q takes no argument", name)
		}
		return schedsync.New(), nil
	case "threads", "threading":
		if !hasArg {
			return threads.New(), nil
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("scheduler %q: want threads:N with N a positive number of goroutines", name)
		}
		return threads.New(threads.Workers(n)), nil
	case "procs", "processes", "multiprocessing":
		if !hasArg {
			return procs.New(), nil
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("scheduler %q: want procs:N with N a positive number of worker processes", name)
		}
		return procs.New(procs.Workers(n)), nil
	}
	return nil, fmt.Errorf("unknown scheduler %q: want sync, threads, threads:N, procs or procs:N", name)
}

// Compute computes a collection and returns its value.
func Compute[T any](ctx context.Context, c Computable[T], opts ...Option) (T, error) {
	var zero T
	res, err := computeKeys(ctx, []Collection{c}, opts)
	if err != nil {
		return zero, err
	}
	v, err := c.Finalize(res[0])
	if err != nil {
		return zero, fmt.Errorf("gask: %w", err)
	}
	return v, nil
}

// Target pairs a collection with where its computed value goes; make one with Into.
type Target interface {
	Collection
	// finalize builds the value and returns how to store it.
	finalize(results []any) (store func(), err error)
}

type target[T any] struct {
	Computable[T]
	dst *T
}

func (t target[T]) finalize(results []any) (func(), error) {
	v, err := t.Finalize(results)
	if err != nil {
		return nil, err
	}
	return func() { *t.dst = v }, nil
}

// Into makes a Target that stores c's computed value in *dst.
func Into[T any](dst *T, c Computable[T]) Target { return target[T]{c, dst} }

// ComputeAll computes several collections at once, like dask.compute(a, b): their
// graphs are merged, so work they share (the same keys) runs once. Each value is
// stored where its Target says; on error nothing is stored.
func ComputeAll(ctx context.Context, targets []Target, opts ...Option) error {
	res, err := computeEach(ctx, targets, opts)
	if err != nil {
		return err
	}
	stores := make([]func(), len(targets))
	for i, t := range targets {
		if stores[i], err = t.finalize(res[i]); err != nil {
			return fmt.Errorf("gask: %w", err)
		}
	}
	for _, store := range stores {
		store()
	}
	return nil
}

// Persist computes a collection and returns it rebuilt on its computed results, so
// later computations that use it start from there instead of recomputing it.
func Persist[C Persistable[C]](ctx context.Context, c C, opts ...Option) (C, error) {
	res, err := computeKeys(ctx, []Collection{c}, opts)
	if err != nil {
		var zero C
		return zero, err
	}
	persistTarget[C]{c, &c}.persisted(res[0])
	return c, nil
}

// PersistTarget pairs a collection with where its persisted version goes; make one
// with PersistInto.
type PersistTarget interface {
	Collection
	persisted(results []any)
}

type persistTarget[C Persistable[C]] struct {
	c   C
	dst *C
}

func (t persistTarget[C]) Graph() (*graph.Graph, error) { return t.c.Graph() }
func (t persistTarget[C]) Keys() []graph.Key            { return t.c.Keys() }

func (t persistTarget[C]) persisted(results []any) {
	keys := t.c.Keys()
	tasks := make([]graph.Task, len(keys))
	for i, k := range keys {
		tasks[i] = graph.Literal(k, results[i])
	}
	*t.dst = t.c.Persisted(tasks)
}

// PersistInto makes a PersistTarget that stores the persisted version of *c back in *c.
func PersistInto[C Persistable[C]](c *C) PersistTarget { return persistTarget[C]{*c, c} }

// PersistAll persists several collections at once, sharing the work they have in
// common; each is replaced by its persisted version. On error none is replaced.
func PersistAll(ctx context.Context, targets []PersistTarget, opts ...Option) error {
	res, err := computeEach(ctx, targets, opts)
	if err != nil {
		return err
	}
	for i, t := range targets {
		t.persisted(res[i])
	}
	return nil
}

// computeEach is computeKeys over a slice of any collection type.
func computeEach[C Collection](ctx context.Context, cs []C, opts []Option) ([][]any, error) {
	all := make([]Collection, len(cs))
	for i, c := range cs {
		all[i] = c
	}
	return computeKeys(ctx, all, opts)
}

// merged builds one graph for several collections and lists each one's keys.
func merged(cs []Collection) (*graph.Graph, [][]graph.Key, []graph.Key, error) {
	var g *graph.Graph
	keys := make([][]graph.Key, len(cs))
	var all []graph.Key
	seen := map[graph.Key]bool{}
	for i, c := range cs {
		cg, err := c.Graph()
		if err != nil {
			return nil, nil, nil, fmt.Errorf("gask: %w", err)
		}
		if g == nil {
			g = cg
		} else {
			if i == 1 {
				// Copy the first graph before merging into it: it is the collection's.
				first := graph.New(g.Len() + cg.Len())
				first.Merge(g)
				g = first
			}
			g.Merge(cg)
		}
		keys[i] = c.Keys()
		for _, k := range keys[i] {
			if !seen[k] {
				seen[k] = true
				all = append(all, k)
			}
		}
	}
	if g == nil {
		g = graph.New(0)
	}
	return g, keys, all, nil
}

// computeKeys runs the collections' merged graph on one fail-fast session and returns
// each collection's results in Keys order.
func computeKeys(ctx context.Context, cs []Collection, opts []Option) (_ [][]any, err error) {
	o := collect(opts)
	s, err := o.pick()
	if err != nil {
		return nil, err
	}
	g, keys, outs, err := merged(cs)
	if err != nil {
		return nil, err
	}
	if !o.noOpt {
		// Fusion needs an acyclic graph; the scheduler validates again what it gets.
		if err := g.Validate(); err != nil {
			return nil, fmt.Errorf("gask: %w", err)
		}
		if g, err = g.Cull(outs); err != nil {
			return nil, fmt.Errorf("gask: %w", err)
		}
		g = g.Fuse(outs)
	}
	cb, finish := o.session()
	defer func() { finish(err) }()
	sess, err := s.Open(ctx, sched.Config{FailFast: true, Callbacks: cb})
	if err != nil {
		return nil, fmt.Errorf("gask: open %s scheduler: %w", s, err)
	}
	defer sess.Close()
	if err := sess.Submit(g, outs); err != nil {
		return nil, fmt.Errorf("gask: %w", err)
	}
	if _, err := sess.Wait(ctx, outs, len(outs)); err != nil {
		return nil, fmt.Errorf("gask: %w", err)
	}
	values := make(map[graph.Key]any, len(outs))
	for _, k := range outs {
		v, err := sess.Result(k)
		if err != nil {
			return nil, fmt.Errorf("gask: %w", err)
		}
		values[k] = v
	}
	// The session releases what it holds when it closes. Every result handed out gets
	// its own reference when it is reference counted (Arrow records), which Finalize
	// (or the caller) consumes — one per occurrence, so a key shared by two
	// collections is not released twice.
	res := make([][]any, len(cs))
	for i := range cs {
		res[i] = make([]any, len(keys[i]))
		for j, k := range keys[i] {
			v := values[k]
			if r, ok := v.(sched.Retainer); ok {
				r.Retain()
			}
			res[i][j] = v
		}
	}
	return res, nil
}

// session returns the callbacks for one session and a function to call when it ends.
func (o *options) session() (sched.Callbacks, func(error)) {
	cbs := o.callbacks
	end := func(error) {}
	if o.progress != nil {
		if p := o.progress.start(); p != nil {
			cbs = append(append([]sched.Callbacks(nil), cbs...), p.callbacks())
			end = p.finish
		}
	}
	return sched.Join(cbs...), end
}
