package gask

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/gask-dev/gask/graph"
)

var (
	ctxType = reflect.TypeFor[context.Context]()
	errType = reflect.TypeFor[error]()
)

var funcNames struct {
	sync.RWMutex
	byPtr  map[uintptr]string       // code pointer -> registered name; "" when ambiguous
	byName map[string]reflect.Value // registered name -> function
}

const sliceCallName = "gask.slice"

func init() {
	// sliceCall runs a registered func([]A) R on the results of a DelaySlice call:
	// args[0] is the function's name, the rest are the elements.
	graph.Register(sliceCallName, func(ctx context.Context, args []any) (any, error) {
		name, _ := args[0].(string)
		funcNames.RLock()
		fn, ok := funcNames.byName[name]
		funcNames.RUnlock()
		if !ok {
			return nil, fmt.Errorf("gask: function %q is not registered in this process", name)
		}
		t := fn.Type()
		pt := t.In(t.NumIn() - 1)
		xs := reflect.MakeSlice(pt, len(args)-1, len(args)-1)
		for i, a := range args[1:] {
			if a == nil {
				continue
			}
			av := reflect.ValueOf(a)
			if !av.Type().AssignableTo(pt.Elem()) {
				return nil, fmt.Errorf("%s element %d is %s, want %s", name, i, av.Type(), pt.Elem())
			}
			xs.Index(i).Set(av)
		}
		return reflectKernelMust(name, fn)(ctx, []any{xs.Interface()})
	})
}

func reflectKernelMust(name string, fn reflect.Value) graph.KernelFunc {
	k, err := reflectKernel(name, fn)
	if err != nil {
		return func(context.Context, []any) (any, error) { return nil, err }
	}
	return k
}

// Register makes an ordinary Go function callable by name on every scheduler,
// including subprocess and distributed workers, which run the same binary and so the
// same registrations. Call it from an init function (or first thing in main, before
// gask.Main). The function may take a context.Context first and may return an error
// last: func(A, B) R, func(ctx, A) (R, error), and so on.
//
// Delayed calls, Submit and Map of a registered function are shippable; of any other
// function they run in process only, and the subprocess and distributed schedulers
// refuse them with an error naming the task. Registering a name twice panics, like
// gob.Register. Register top-level functions (or function literals without captured
// variables): functions are recognised by their code, and closures made by one function
// literal share it.
func Register(name string, fn any) {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		panic(fmt.Sprintf("gask: Register(%q): %T is not a function", name, fn))
	}
	k, err := reflectKernel(name, v)
	if err != nil {
		panic(err.Error())
	}
	graph.Register(name, k)
	funcNames.Lock()
	defer funcNames.Unlock()
	if funcNames.byPtr == nil {
		funcNames.byPtr = map[uintptr]string{}
		funcNames.byName = map[string]reflect.Value{}
	}
	funcNames.byName[name] = v
	ptr := v.Pointer()
	if _, dup := funcNames.byPtr[ptr]; dup {
		funcNames.byPtr[ptr] = "" // one code, two names: refuse to guess
	} else {
		funcNames.byPtr[ptr] = name
	}
}

// registeredName returns the name fn was registered under, or "".
func registeredName(fn any) string {
	ptr := reflect.ValueOf(fn).Pointer()
	funcNames.RLock()
	defer funcNames.RUnlock()
	return funcNames.byPtr[ptr]
}

// funcLabel is a Go function's printable name ("main.inc", "main.main.func1").
func funcLabel(fn any) string {
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return "func"
	}
	name := f.Name()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// keyPrefix is the name part of keys made for calls of fn: the function's own name,
// like Dask's "inc-8f3a...".
func keyPrefix(label string) string {
	parts := strings.Split(label, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		p := parts[i]
		if p != "" && !strings.HasPrefix(p, "func") && !strings.HasPrefix(p, "gowrap") {
			if p == "0" || (p[0] >= '0' && p[0] <= '9') {
				continue
			}
			return p
		}
	}
	return "call"
}

// reflectKernel adapts a Go function to graph.KernelFunc. Argument types are checked
// at run time and a mismatch is an error naming the argument.
func reflectKernel(name string, v reflect.Value) (graph.KernelFunc, error) {
	t := v.Type()
	withCtx := t.NumIn() > 0 && t.In(0) == ctxType
	switch {
	case t.NumOut() > 2:
		return nil, fmt.Errorf("gask: Register(%q): %s returns more than a value and an error", name, t)
	case t.NumOut() == 2 && t.Out(1) != errType:
		return nil, fmt.Errorf("gask: Register(%q): %s: the second result must be error", name, t)
	}
	first := 0
	if withCtx {
		first = 1
	}
	nparams := t.NumIn() - first
	return func(ctx context.Context, args []any) (any, error) {
		if !t.IsVariadic() && len(args) != nparams || t.IsVariadic() && len(args) < nparams-1 {
			return nil, fmt.Errorf("%s takes %d arguments, got %d", name, nparams, len(args))
		}
		in := make([]reflect.Value, 0, len(args)+first)
		if withCtx {
			in = append(in, reflect.ValueOf(ctx))
		}
		for i, a := range args {
			var pt reflect.Type
			if t.IsVariadic() && first+i >= t.NumIn()-1 {
				pt = t.In(t.NumIn() - 1).Elem()
			} else {
				pt = t.In(first + i)
			}
			if a == nil {
				in = append(in, reflect.Zero(pt))
				continue
			}
			av := reflect.ValueOf(a)
			if !av.Type().AssignableTo(pt) {
				return nil, fmt.Errorf("%s argument %d is %s, want %s", name, i, av.Type(), pt)
			}
			in = append(in, av)
		}
		out := v.Call(in)
		switch len(out) {
		case 0:
			return nil, nil
		case 1:
			if t.Out(0) == errType {
				err, _ := out[0].Interface().(error)
				return nil, err
			}
			return out[0].Interface(), nil
		default:
			err, _ := out[1].Interface().(error)
			return out[0].Interface(), err
		}
	}, nil
}

// RegisteredName returns the name fn was registered under with Register, or "" when
// it was not (it can then run in process only). Collections use it to make their tasks
// of user functions shippable.
func RegisteredName(fn any) string { return registeredName(fn) }

// RegisteredFunc returns the function registered under name with Register. A
// collection's kernel calls it by reflection in a worker process, shaping its
// arguments to the function's parameters.
func RegisteredFunc(name string) (fn any, ok bool) {
	funcNames.RLock()
	defer funcNames.RUnlock()
	v, ok := funcNames.byName[name]
	if !ok {
		return nil, false
	}
	return v.Interface(), true
}

// FuncLabel is a Go function's printable name, as errors and graphs show it
// ("main.inc", "main.main.func1").
func FuncLabel(fn any) string { return funcLabel(fn) }
