package graph

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// KernelFunc is the signature every task function has. It receives the task's
// arguments (see Task.Args) and returns the task's result.
type KernelFunc func(ctx context.Context, args []any) (any, error)

// Func is what a task runs: a registered function, which any scheduler can run (it is
// found by name in a worker process), or a closure, which only in-process schedulers
// can run. A Func is a small handle: the many tasks that run one function share its
// definition.
type Func struct {
	def *funcDef
}

type funcDef struct {
	name  string // registered name; empty for a closure
	label string // what errors and graphs print
	fn    KernelFunc
}

// Registered returns the Func registered under name. A name that is not registered
// gives a Func whose call fails with an error naming it.
func Registered(name string) Func {
	fn, _ := Lookup(name)
	return Func{&funcDef{name: name, label: name, fn: fn}}
}

// RegisteredAs returns a Func that ships as the registered name but runs fn in process.
// It lets a typed wrapper avoid reflection locally while staying shippable.
func RegisteredAs(name string, fn KernelFunc) Func {
	return Func{&funcDef{name: name, label: name, fn: fn}}
}

// Closure returns a Func that runs fn in process only; label names it in errors
// (typically the Go function name, such as "main.main.func1").
func Closure(label string, fn KernelFunc) Func {
	if label == "" {
		label = "closure"
	}
	return Func{&funcDef{label: label, fn: fn}}
}

// WithLabel returns f printed as label in errors and graphs.
func (f Func) WithLabel(label string) Func {
	d := funcDef{}
	if f.def != nil {
		d = *f.def
	}
	d.label = label
	return Func{&d}
}

// Name is the registered name, or "" for a closure.
func (f Func) Name() string {
	if f.def == nil {
		return ""
	}
	return f.def.name
}

// String is the label printed in errors and graphs.
func (f Func) String() string {
	if f.def == nil {
		return "<no function>"
	}
	return f.def.label
}

// Shippable reports whether the function can run in another process: it has a
// registered name.
func (f Func) Shippable() bool { return f.Name() != "" }

// Call runs the function.
func (f Func) Call(ctx context.Context, args []any) (any, error) {
	switch {
	case f.def == nil:
		return nil, fmt.Errorf("graph: task has no function")
	case f.def.fn != nil:
		return f.def.fn(ctx, args)
	case f.def.name != "":
		if fn, ok := Lookup(f.def.name); ok {
			return fn(ctx, args)
		}
		return nil, fmt.Errorf("graph: function %q is not registered in this process", f.def.name)
	}
	return nil, fmt.Errorf("graph: task has no function")
}

var registry struct {
	sync.RWMutex
	fns map[string]KernelFunc
}

// Register makes fn callable by name from any scheduler, including subprocess and
// distributed workers (which are the same binary, so the same registrations run there).
// Call it from an init function or before the first computation. Registering a name
// twice panics, like gob.Register.
func Register(name string, fn KernelFunc) {
	if name == "" {
		panic("graph: Register with an empty name")
	}
	if fn == nil {
		panic(fmt.Sprintf("graph: Register(%q) with a nil function", name))
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.fns == nil {
		registry.fns = make(map[string]KernelFunc)
	}
	if _, dup := registry.fns[name]; dup {
		panic(fmt.Sprintf("graph: function %q registered twice", name))
	}
	registry.fns[name] = fn
}

// Lookup returns the function registered under name.
func Lookup(name string) (KernelFunc, bool) {
	registry.RLock()
	fn, ok := registry.fns[name]
	registry.RUnlock()
	return fn, ok
}

// RegisteredNames lists every registered name, sorted. Workers report it on connect so a
// driver can refuse a worker built from a different binary.
func RegisteredNames() []string {
	registry.RLock()
	names := make([]string, 0, len(registry.fns))
	for n := range registry.fns {
		names = append(names, n)
	}
	registry.RUnlock()
	sort.Strings(names)
	return names
}

// Input marks an argument slot that receives the result of the task's i-th dependency.
type Input int

const literalName = "graph.literal"

func init() {
	Register(literalName, func(_ context.Context, args []any) (any, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("graph: literal task has %d arguments, want 1", len(args))
		}
		// The scheduler owns a reference to every result it holds; the literal keeps
		// its own, so reference-counted values (Arrow records) are retained.
		if r, ok := args[0].(interface{ Retain() }); ok {
			r.Retain()
		}
		return args[0], nil
	})
}

// Literal returns a task whose result is v: how computed (persisted) data re-enters a
// graph. It is shippable when v can be encoded.
func Literal(key Key, v any) Task {
	return Task{Key: key, Func: Registered(literalName), Args: []any{v}}
}
