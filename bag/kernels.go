package bag

import (
	"context"
	"fmt"
	"reflect"

	"github.com/gask-dev/gask/graph"
)

// Registered kernels: what bag tasks run when they leave the process. They work on
// partitions of any element type, through reflection, and on the plain-data
// descriptions of the steps; in process the typed closures run instead.
const (
	concatName = "bag.concat"
	splitName  = "bag.split"
)

func init() {
	graph.Register(concatName, func(_ context.Context, args []any) (any, error) { return concatAny(args) })
	graph.Register(splitName, func(_ context.Context, args []any) (any, error) {
		k, n := args[0].(int), args[1].(int)
		v := reflect.ValueOf(args[2])
		if args[2] == nil {
			return []any{}, nil
		}
		if v.Kind() != reflect.Slice {
			return nil, fmt.Errorf("bag: split: partition is %T, not a slice", args[2])
		}
		// Dask's split: n pieces of len/n elements, the last taking the rest.
		part := float64(v.Len()) / float64(n)
		lo := int(part * float64(k))
		hi := int(part * float64(k+1))
		if k == n-1 {
			hi = v.Len()
		}
		return v.Slice3(lo, hi, hi).Interface(), nil
	})
	graph.Register(pipelineName, runPipeline)
}

// concatAny concatenates partitions: into a slice of their common type, or a []any
// when they differ.
func concatAny(parts []any) (any, error) {
	var typ reflect.Type
	n := 0
	for i, p := range parts {
		if p == nil {
			continue
		}
		v := reflect.ValueOf(p)
		if v.Kind() != reflect.Slice {
			return nil, fmt.Errorf("bag: concatenate: partition %d is %T, not a slice", i, p)
		}
		n += v.Len()
		switch {
		case typ == nil:
			typ = v.Type()
		case typ != v.Type():
			typ = reflect.TypeFor[[]any]()
		}
	}
	if typ == nil {
		return []any{}, nil
	}
	out := reflect.MakeSlice(typ, 0, n)
	for _, p := range parts {
		if p == nil {
			continue
		}
		v := reflect.ValueOf(p)
		if v.Type() == typ {
			out = reflect.AppendSlice(out, v)
			continue
		}
		for j := range v.Len() {
			out = reflect.Append(out, v.Index(j))
		}
	}
	return out.Interface(), nil
}

// shippableStep reports whether runPipeline can run s in another process: its
// operation is one it knows and its function, if any, is registered.
func shippableStep(s step) bool {
	switch s.Op {
	case "map", "map-err", "filter", "remove", "flatmap":
		return s.Func != ""
	case "flatten", "pluck-key", "pluck-index", "sample", "read-text":
		return true
	}
	return false
}

// runPipeline is the shippable form of a fused pipeline task: args are the steps, the
// partition index and the partition. Registered user functions are found by name;
// the result is a []any.
func runPipeline(ctx context.Context, args []any) (any, error) {
	steps, ok := args[0].([]step)
	if !ok {
		return nil, fmt.Errorf("bag: pipeline steps are %T", args[0])
	}
	i, _ := args[1].(int)
	fns := make([]graph.KernelFunc, len(steps))
	var emits []func(any) error
	out := []any{}
	emits = make([]func(any) error, len(steps)+1)
	emits[len(steps)] = func(x any) error { out = append(out, x); return nil }
	for j := len(steps) - 1; j >= 0; j-- {
		s := steps[j]
		if !shippableStep(s) {
			return nil, fmt.Errorf("bag: pipeline step %s cannot run here: its function is not registered with gask.Register", s)
		}
		if s.Func != "" {
			fn, ok := graph.Lookup(s.Func)
			if !ok {
				return nil, fmt.Errorf("bag: function %q is not registered in this process", s.Func)
			}
			fns[j] = fn
		}
		next, fn, count := emits[j+1], fns[j], -1
		call := func(x any) (any, error) { return fn(ctx, []any{x}) }
		switch s.Op {
		case "map", "map-err":
			emits[j] = func(x any) error {
				y, err := call(x)
				if err != nil {
					return fmt.Errorf("bag: partition %d: %s: %w", i, s.Label, err)
				}
				return next(y)
			}
		case "filter", "remove":
			keep := s.Op == "filter"
			emits[j] = func(x any) error {
				y, err := call(x)
				if err != nil {
					return err
				}
				if b, _ := y.(bool); b == keep {
					return next(x)
				}
				return nil
			}
		case "flatmap", "flatten":
			emits[j] = func(x any) error {
				y := x
				if s.Op == "flatmap" {
					var err error
					if y, err = call(x); err != nil {
						return err
					}
				}
				return eachOf(y, next)
			}
		case "read-text":
			emits[j] = func(x any) error {
				blk, ok := x.(block)
				if !ok {
					return fmt.Errorf("bag: read-text: partition %d element is %T, not a block", i, x)
				}
				return blk.readStrings(ctx, func(s string) error { return next(s) })
			}
		case "pluck-key":
			emits[j] = func(x any) error {
				count++
				m := reflect.ValueOf(x)
				if m.Kind() != reflect.Map {
					return fmt.Errorf("bag: Pluck: partition %d element %d is %T, not a map", i, count, x)
				}
				v := m.MapIndex(reflect.ValueOf(s.Param))
				if !v.IsValid() {
					return fmt.Errorf("bag: Pluck: partition %d element %d has no key %v", i, count, s.Param)
				}
				return next(v.Interface())
			}
		case "pluck-index":
			idx := s.Param.(int)
			emits[j] = func(x any) error {
				count++
				v := reflect.ValueOf(x)
				if v.Kind() != reflect.Slice || idx < 0 || idx >= v.Len() {
					return fmt.Errorf("bag: PluckIndex: partition %d element %d has no index %d", i, count, idx)
				}
				return next(v.Index(idx).Interface())
			}
		case "sample":
			p := s.Param.(sampleParam)
			r := sampler(p.Seed, i)
			emits[j] = func(x any) error {
				if r.Float64() < p.Prob {
					return next(x)
				}
				return nil
			}
		}
	}
	if err := eachOf(args[2], emits[0]); err != nil {
		return nil, err
	}
	return out, nil
}

// eachOf passes every element of a slice to f.
func eachOf(xs any, f func(any) error) error {
	if xs == nil {
		return nil
	}
	if s, ok := xs.([]any); ok {
		for _, x := range s {
			if err := f(x); err != nil {
				return err
			}
		}
		return nil
	}
	v := reflect.ValueOf(xs)
	if v.Kind() != reflect.Slice {
		return fmt.Errorf("bag: %T is not a slice", xs)
	}
	for j := range v.Len() {
		if err := f(v.Index(j).Interface()); err != nil {
			return err
		}
	}
	return nil
}
