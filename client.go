package gask

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
)

// ErrCancelled is returned by the Result of a cancelled future.
var ErrCancelled = errors.New("gask: future cancelled")

// ErrClientClosed is returned by a Client used after Close.
var ErrClientClosed = errors.New("gask: client closed")

// Client runs work submitted over time — futures, like Dask's distributed Client —
// on one scheduler session. Submitting returns at once; results stay in the session
// while a future holds them, and are released when every future holding them is
// cancelled or garbage collected. A failed task fails only the futures that depend on
// it. A Client is safe for concurrent use.
type Client struct {
	sess   sched.Session
	name   string
	end    func(error)
	closed atomic.Bool
}

// NewClient opens a client on the scheduler the options choose (the default
// scheduler otherwise). ctx bounds the client's life: cancelling it stops every task.
func NewClient(ctx context.Context, opts ...Option) (*Client, error) {
	o := collect(opts)
	s, err := o.pick()
	if err != nil {
		return nil, err
	}
	cb, end := o.session()
	sess, err := s.Open(ctx, sched.Config{Callbacks: cb})
	if err != nil {
		end(err)
		return nil, fmt.Errorf("gask: open %s scheduler: %w", s, err)
	}
	return &Client{sess: sess, name: s.String(), end: end}, nil
}

// Close cancels what is still running, waits for it to stop and frees every result.
// Futures of a closed client return ErrClientClosed.
func (c *Client) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	err := c.sess.Close()
	c.end(nil)
	return err
}

// String names the client's scheduler.
func (c *Client) String() string { return "Client(" + c.name + ")" }

// Stats reports the client session's counters: tasks run, results and bytes held.
func (c *Client) Stats() sched.Stats { return c.sess.Stats() }

func (c *Client) submit(g *graph.Graph, pin []graph.Key) error {
	if c.closed.Load() {
		return ErrClientClosed
	}
	if err := c.sess.Submit(g, pin); err != nil {
		if errors.Is(err, sched.ErrClosed) {
			return ErrClientClosed
		}
		return fmt.Errorf("gask: submit: %w", err)
	}
	return nil
}

// hold is a client's pin on some keys. It is released by Cancel or, when nothing
// refers to it any more, by the garbage collector (runtime.AddCleanup).
type hold struct {
	c         *Client
	keys      []graph.Key
	once      sync.Once
	cancelled atomic.Bool
}

func (h *hold) release() {
	h.once.Do(func() {
		if !h.c.closed.Load() {
			h.c.sess.Release(h.keys...)
		}
	})
}

// wait blocks until every key is finished and returns their results.
func (h *hold) results(ctx context.Context) ([]any, error) {
	if h.cancelled.Load() {
		return nil, ErrCancelled
	}
	if h.c.closed.Load() {
		return nil, ErrClientClosed
	}
	if _, err := h.c.sess.Wait(ctx, h.keys, len(h.keys)); err != nil {
		switch {
		case h.cancelled.Load():
			return nil, ErrCancelled
		case h.c.closed.Load() || errors.Is(err, sched.ErrClosed):
			return nil, ErrClientClosed
		}
		return nil, fmt.Errorf("gask: %w", err)
	}
	out := make([]any, len(h.keys))
	for i, k := range h.keys {
		v, err := h.c.sess.Result(k)
		if err != nil {
			if h.cancelled.Load() {
				return nil, ErrCancelled
			}
			return nil, fmt.Errorf("gask: %w", err)
		}
		out[i] = v
	}
	return out, nil
}

// Future is a value of type T being computed by a Client. It is also an Arg, so
// delayed calls and further submissions can use it without waiting for it.
type Future[T any] struct {
	h        *hold
	finalize func([]any) (T, error)
	key      graph.Key // for single-key futures; a fresh key for multi-key ones
	n        *node
}

func newFuture[T any](c *Client, keys []graph.Key, finalize func([]any) (T, error)) *Future[T] {
	h := &hold{c: c, keys: keys}
	f := &Future[T]{h: h, finalize: finalize}
	// Used as an argument elsewhere, the future is a task that waits for its key; on
	// its own client the key is already in the session, so that task is shared, not
	// run. A multi-key future is a finalize task over one such task per key.
	waitFor := func(k graph.Key) *node {
		wait := func(ctx context.Context, _ []any) (any, error) {
			if _, err := f.h.results(ctx); err != nil {
				return nil, err
			}
			return h.c.sess.Result(k)
		}
		return &node{task: graph.Task{Key: k, Func: graph.Closure("future", wait)}}
	}
	if len(keys) == 1 && finalize == nil {
		f.key = keys[0]
		f.n = waitFor(keys[0])
	} else {
		f.key = graph.Key(graph.Token("finalize"))
		fin := func(_ context.Context, a []any) (any, error) { return finalize(a) }
		f.n = &node{task: graph.Task{Key: f.key, Func: graph.Closure("finalize", fin), Deps: keys}}
		for _, k := range keys {
			f.n.deps = append(f.n.deps, waitFor(k))
		}
	}
	runtime.AddCleanup(f, func(h *hold) { h.release() }, h)
	return f
}

func (f *Future[T]) node() *node { return f.n }
func (*Future[T]) argOf(T)       {}

// Key is the key of the future's task.
func (f *Future[T]) Key() graph.Key { return f.key }

// Result waits for the value. A failed task's error is returned (a *sched.TaskError
// naming the key that failed); a cancelled future returns ErrCancelled.
func (f *Future[T]) Result(ctx context.Context) (T, error) {
	var zero T
	res, err := f.h.results(ctx)
	if err != nil {
		return zero, err
	}
	if f.finalize != nil {
		v, err := f.finalize(res)
		if err != nil {
			return zero, fmt.Errorf("gask: %w", err)
		}
		return v, nil
	}
	v, err := resultAs[T](f.key, res[0])
	if err != nil {
		return zero, fmt.Errorf("gask: %w", err)
	}
	return v, nil
}

// Done reports, without blocking, whether the future has finished (succeeded,
// failed or been cancelled).
func (f *Future[T]) Done() bool {
	if f.h.cancelled.Load() || f.h.c.closed.Load() {
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.h.c.sess.Wait(ctx, f.h.keys, len(f.h.keys))
	return err == nil || !errors.Is(err, context.Canceled)
}

// Status is "pending", "finished", "error" or "cancelled", as in Dask.
func (f *Future[T]) Status() string {
	switch {
	case f.h.cancelled.Load():
		return "cancelled"
	case !f.Done():
		return "pending"
	}
	for _, k := range f.h.keys {
		if _, err := f.h.c.sess.Result(k); err != nil {
			return "error"
		}
	}
	return "finished"
}

// Cancel gives the future up: its result is released, and tasks that nothing else
// needs are not run (or their results dropped). Result then returns ErrCancelled.
func (f *Future[T]) Cancel() {
	f.h.cancelled.Store(true)
	f.h.release()
}

// String shows the future's key and status.
func (f *Future[T]) String() string { return fmt.Sprintf("Future(%s, %s)", f.key, f.Status()) }

// Submit starts computing a delayed value on the client and returns its future at
// once (Dask's client.submit / client.compute). d may be built on other futures.
func Submit[T any](c *Client, d Arg[T]) (*Future[T], error) {
	n := d.node()
	if n.err != nil {
		return nil, n.err
	}
	dl := Delayed[T]{n}
	g, err := dl.Graph()
	if err != nil {
		return nil, err
	}
	if err := c.submit(g, dl.Keys()); err != nil {
		return nil, err
	}
	return newFuture[T](c, dl.Keys(), nil), nil
}

// ComputeOn starts computing any collection on the client and returns a future of its
// value at once (Dask's client.compute(x) without sync=True).
func ComputeOn[T any](c *Client, coll Computable[T]) (*Future[T], error) {
	g, err := coll.Graph()
	if err != nil {
		return nil, fmt.Errorf("gask: %w", err)
	}
	keys := coll.Keys()
	if err := c.submit(g, keys); err != nil {
		return nil, err
	}
	return newFuture(c, keys, coll.Finalize), nil
}

// PersistOn starts computing a collection on the client and returns at once the
// collection rebuilt on the client's results (Dask's client.persist): computing it on
// this client reuses them; elsewhere its tasks wait for them. The results are held
// while the returned collection is reachable.
func PersistOn[C Persistable[C]](c *Client, coll C) (C, error) {
	var zero C
	g, err := coll.Graph()
	if err != nil {
		return zero, fmt.Errorf("gask: %w", err)
	}
	keys := coll.Keys()
	if err := c.submit(g, keys); err != nil {
		return zero, err
	}
	tasks := make([]graph.Task, len(keys))
	for i, k := range keys {
		f := newFuture[any](c, []graph.Key{k}, nil)
		wait := func(ctx context.Context, _ []any) (any, error) { return f.Result(ctx) }
		tasks[i] = graph.Task{Key: k, Func: graph.Closure("persisted", wait)}
	}
	return coll.Persisted(tasks), nil
}

// Scatter puts a value into the client's session and returns its future, so tasks can
// use it without it being copied into each graph.
func Scatter[T any](c *Client, v T) (*Future[T], error) {
	k := graph.Key(graph.Token("scatter"))
	g := graph.New(1)
	_ = g.Add(graph.Literal(k, v))
	if err := c.submit(g, []graph.Key{k}); err != nil {
		return nil, err
	}
	return newFuture[T](c, []graph.Key{k}, nil), nil
}

// Map submits fn over every element of xs in one graph and returns a future per
// element (Dask's client.map).
func Map[A, R any](c *Client, fn func(A) R, xs []A) ([]*Future[R], error) {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) { return fn(as[A](a[0])), nil }
	return mapCalls[R](c, fi, k, len(xs), func(i int) []any { return []any{xs[i]} })
}

// Map2 submits fn over pairs of elements of xs and ys, which must be equally long.
func Map2[A, B, R any](c *Client, fn func(A, B) R, xs []A, ys []B) ([]*Future[R], error) {
	if len(xs) != len(ys) {
		return nil, fmt.Errorf("gask: Map2 over %d and %d elements", len(xs), len(ys))
	}
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) { return fn(as[A](a[0]), as[B](a[1])), nil }
	return mapCalls[R](c, fi, k, len(xs), func(i int) []any { return []any{xs[i], ys[i]} })
}

func mapCalls[R any](c *Client, fi fnInfo, k graph.KernelFunc, n int, args func(int) []any) ([]*Future[R], error) {
	g := graph.New(n)
	keys := make([]graph.Key, n)
	f := fi.fn(k)
	for i := range n {
		keys[i] = graph.Key(graph.Token(fi.prefix))
		if err := g.Add(graph.Task{Key: keys[i], Func: f, Args: args(i)}); err != nil {
			return nil, err
		}
	}
	if err := c.submit(g, keys); err != nil {
		return nil, err
	}
	fs := make([]*Future[R], n)
	for i, k := range keys {
		fs[i] = newFuture[R](c, []graph.Key{k}, nil)
	}
	return fs, nil
}

// Gather waits for every future and returns their values in order, or the first
// error met.
func Gather[T any](ctx context.Context, fs []*Future[T]) ([]T, error) {
	out := make([]T, len(fs))
	for i, f := range fs {
		v, err := f.Result(ctx)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Wait blocks until every future has finished (succeeded, failed or been cancelled).
// It returns only ctx's error: look at each future for its outcome.
func Wait[T any](ctx context.Context, fs ...*Future[T]) error {
	for _, f := range fs {
		if _, err := f.Result(ctx); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// AsCompleted yields the futures in the order they finish (successful or not). It
// stops early when ctx is done; check ctx.Err() after the loop.
func AsCompleted[T any](ctx context.Context, fs []*Future[T]) iter.Seq[*Future[T]] {
	return func(yield func(*Future[T]) bool) {
		pending := append([]*Future[T](nil), fs...)
		for len(pending) > 0 {
			next := pending[:0]
			var finished []*Future[T]
			for _, f := range pending {
				if f.Done() {
					finished = append(finished, f)
				} else {
					next = append(next, f)
				}
			}
			pending = next
			for _, f := range finished {
				if !yield(f) {
					return
				}
			}
			if len(pending) == 0 || len(finished) > 0 {
				continue
			}
			// Block until one more of the pending futures' keys finishes; futures of
			// several clients, or a session that cannot tell, fall back to waiting for
			// the first pending future.
			c := pending[0].h.c
			var keys []graph.Key
			for _, f := range pending {
				if f.h.c != c {
					keys = nil
					break
				}
				keys = append(keys, f.h.keys...)
			}
			if keys != nil {
				if done, err := c.sess.Wait(ctx, keys, 0); err == nil {
					if _, err := c.sess.Wait(ctx, keys, len(done)+1); err == nil || ctx.Err() != nil {
						if ctx.Err() != nil {
							return
						}
						continue
					}
				}
			}
			_, _ = pending[0].Result(ctx)
			if ctx.Err() != nil {
				return
			}
		}
	}
}
