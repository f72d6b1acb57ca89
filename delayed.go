package gask

import (
	"context"
	"errors"
	"fmt"

	"github.com/gask-dev/gask/graph"
)

// node is one lazy value: a task and the nodes it depends on, or a literal that is
// passed straight into the arguments of the calls that use it.
type node struct {
	task graph.Task
	deps []*node // parallel to task.Deps
	lit  bool    // a Value: inlined into callers' Args
	val  any
	err  error // a construction error, reported by Graph
}

var errZeroDelayed = errors.New("gask: use of a zero Delayed value (make one with Value or a Delay function)")

// Arg is an argument of a delayed call: a Delayed[T] (including Value(v)) or a
// *Future[T]. The type parameter keeps arguments type-checked at compile time.
type Arg[T any] interface {
	node() *node
	argOf(T)
}

// Delayed is a lazy value of type T: the result of a delayed call of an ordinary Go
// function, which runs only when the value (or something built on it) is computed.
// Build them with Value and the Delay functions; compute them with Compute, Persist,
// ComputeAll, or a Client.
type Delayed[T any] struct{ n *node }

// Value wraps a plain value as a Delayed, for use as an argument of delayed calls
// (like dask.delayed(2)).
func Value[T any](v T) Delayed[T] {
	return Delayed[T]{&node{lit: true, val: v, task: graph.Literal(graph.Key(graph.Token("literal")), v)}}
}

func (d Delayed[T]) node() *node {
	if d.n == nil {
		return &node{err: errZeroDelayed}
	}
	return d.n
}

func (Delayed[T]) argOf(T) {}

// Key is the key of the task that computes the value.
func (d Delayed[T]) Key() graph.Key { return d.node().task.Key }

// Keys implements Collection.
func (d Delayed[T]) Keys() []graph.Key { return []graph.Key{d.Key()} }

// Graph implements Collection: the tasks the value needs.
func (d Delayed[T]) Graph() (*graph.Graph, error) {
	root := d.node()
	if root.err != nil {
		return nil, root.err
	}
	g := graph.New(8)
	seen := map[*node]bool{root: true}
	stack := []*node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.err != nil {
			return nil, n.err
		}
		if _, dup := g.Task(n.task.Key); !dup {
			if err := g.Add(n.task); err != nil {
				return nil, err
			}
		}
		for _, dep := range n.deps {
			if !seen[dep] {
				seen[dep] = true
				stack = append(stack, dep)
			}
		}
	}
	return g, nil
}

// Finalize implements Computable.
func (d Delayed[T]) Finalize(results []any) (T, error) {
	return resultAs[T](d.Key(), results[0])
}

// Persisted implements Persistable.
func (d Delayed[T]) Persisted(outputs []graph.Task) Delayed[T] {
	return Delayed[T]{&node{task: outputs[0]}}
}

// Compute computes the value (gask.Compute).
func (d Delayed[T]) Compute(ctx context.Context, opts ...Option) (T, error) {
	return Compute[T](ctx, d, opts...)
}

// Persist computes the value and returns a Delayed that holds it (gask.Persist).
func (d Delayed[T]) Persist(ctx context.Context, opts ...Option) (Delayed[T], error) {
	return Persist[Delayed[T]](ctx, d, opts...)
}

// String is the value's key.
func (d Delayed[T]) String() string { return fmt.Sprintf("Delayed(%s)", d.Key()) }

func resultAs[T any](k graph.Key, v any) (T, error) {
	if v == nil {
		var zero T
		return zero, nil
	}
	t, ok := v.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("result of %s is %T, want %T", k, v, zero)
	}
	return t, nil
}

// as converts a task argument to the parameter type (nil becomes the zero value).
func as[T any](v any) T {
	if v == nil {
		var zero T
		return zero
	}
	return v.(T)
}

// fnInfo says how a Go function appears in graphs: its label, its registered name (if
// any) and the name part of its keys.
type fnInfo struct{ label, name, prefix string }

func describe(fn any) fnInfo {
	label := funcLabel(fn)
	name := registeredName(fn)
	if name != "" {
		return fnInfo{label: name, name: name, prefix: keyPrefix(name)}
	}
	return fnInfo{label: label, prefix: keyPrefix(label)}
}

func (fi fnInfo) fn(k graph.KernelFunc) graph.Func {
	if fi.name != "" {
		return graph.RegisteredAs(fi.name, k)
	}
	return graph.Closure(fi.label, k)
}

// call makes the node of one delayed call: literal arguments go into Args, delayed
// ones become dependencies.
func (fi fnInfo) call(k graph.KernelFunc, args ...*node) *node {
	n := &node{task: graph.Task{Key: graph.Key(graph.Token(fi.prefix)), Func: fi.fn(k), Args: make([]any, len(args))}}
	for i, a := range args {
		switch {
		case a.err != nil:
			return &node{err: a.err}
		case a.lit:
			n.task.Args[i] = a.val
		default:
			n.task.Args[i] = graph.Input(len(n.deps))
			n.deps = append(n.deps, a)
			n.task.Deps = append(n.task.Deps, a.task.Key)
		}
	}
	return n
}

// Delay1 turns fn into a delayed function: calling it records a task instead of
// running fn. Its arguments are Delayed values (Value(x) for plain ones) or futures.
func Delay1[A, R any](fn func(A) R) func(Arg[A]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) { return fn(as[A](a[0])), nil }
	return func(a Arg[A]) Delayed[R] { return Delayed[R]{fi.call(k, a.node())} }
}

// Delay2 is Delay1 for functions of two arguments.
func Delay2[A, B, R any](fn func(A, B) R) func(Arg[A], Arg[B]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) { return fn(as[A](a[0]), as[B](a[1])), nil }
	return func(a Arg[A], b Arg[B]) Delayed[R] { return Delayed[R]{fi.call(k, a.node(), b.node())} }
}

// Delay3 is Delay1 for functions of three arguments.
func Delay3[A, B, C, R any](fn func(A, B, C) R) func(Arg[A], Arg[B], Arg[C]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) {
		return fn(as[A](a[0]), as[B](a[1]), as[C](a[2])), nil
	}
	return func(a Arg[A], b Arg[B], c Arg[C]) Delayed[R] {
		return Delayed[R]{fi.call(k, a.node(), b.node(), c.node())}
	}
}

// Delay4 is Delay1 for functions of four arguments.
func Delay4[A, B, C, D, R any](fn func(A, B, C, D) R) func(Arg[A], Arg[B], Arg[C], Arg[D]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) {
		return fn(as[A](a[0]), as[B](a[1]), as[C](a[2]), as[D](a[3])), nil
	}
	return func(a Arg[A], b Arg[B], c Arg[C], d Arg[D]) Delayed[R] {
		return Delayed[R]{fi.call(k, a.node(), b.node(), c.node(), d.node())}
	}
}

// Delay1E is Delay1 for functions that can fail: an error they return fails the task
// and is what Compute returns, wrapped with the task's key.
func Delay1E[A, R any](fn func(A) (R, error)) func(Arg[A]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) { return fn(as[A](a[0])) }
	return func(a Arg[A]) Delayed[R] { return Delayed[R]{fi.call(k, a.node())} }
}

// Delay2E is Delay1E for functions of two arguments.
func Delay2E[A, B, R any](fn func(A, B) (R, error)) func(Arg[A], Arg[B]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) { return fn(as[A](a[0]), as[B](a[1])) }
	return func(a Arg[A], b Arg[B]) Delayed[R] { return Delayed[R]{fi.call(k, a.node(), b.node())} }
}

// Delay3E is Delay1E for functions of three arguments.
func Delay3E[A, B, C, R any](fn func(A, B, C) (R, error)) func(Arg[A], Arg[B], Arg[C]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) { return fn(as[A](a[0]), as[B](a[1]), as[C](a[2])) }
	return func(a Arg[A], b Arg[B], c Arg[C]) Delayed[R] {
		return Delayed[R]{fi.call(k, a.node(), b.node(), c.node())}
	}
}

// Delay4E is Delay1E for functions of four arguments.
func Delay4E[A, B, C, D, R any](fn func(A, B, C, D) (R, error)) func(Arg[A], Arg[B], Arg[C], Arg[D]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) {
		return fn(as[A](a[0]), as[B](a[1]), as[C](a[2]), as[D](a[3]))
	}
	return func(a Arg[A], b Arg[B], c Arg[C], d Arg[D]) Delayed[R] {
		return Delayed[R]{fi.call(k, a.node(), b.node(), c.node(), d.node())}
	}
}

// DelaySlice turns fn, which takes a slice, into a delayed function of a slice of
// delayed values — the fan-in step of a reduction (sum of many delayed results).
func DelaySlice[A, R any](fn func([]A) R) func(...Arg[A]) Delayed[R] {
	fi := describe(fn)
	k := func(_ context.Context, a []any) (any, error) {
		xs := make([]A, len(a))
		for i, v := range a {
			xs[i] = as[A](v)
		}
		return fn(xs), nil
	}
	return func(args ...Arg[A]) Delayed[R] {
		nodes := make([]*node, len(args))
		for i, a := range args {
			nodes[i] = a.node()
		}
		if fi.name == "" {
			return Delayed[R]{fi.call(k, nodes...)}
		}
		// Shippable form: the registered slice-call kernel gets the function's name
		// first and assembles the slice on the worker.
		ship := fnInfo{label: fi.label, prefix: fi.prefix}
		local := func(ctx context.Context, a []any) (any, error) { return k(ctx, a[1:]) }
		n := ship.call(local, append([]*node{{lit: true, val: fi.name}}, nodes...)...)
		if n.err == nil {
			n.task.Func = graph.RegisteredAs(sliceCallName, local).WithLabel(fi.name)
		}
		return Delayed[R]{n}
	}
}
