package graph

import (
	"context"
	"encoding/gob"
	"fmt"
	"strings"
)

// FusedStep is one task folded into a fused task.
type FusedStep struct {
	Key   Key
	Func  string // registered name
	Label string // the function's label, for errors
	Args  []any
}

const fusedName = "graph.fused"

func init() {
	// A fused task's steps travel to worker processes inside its []any arguments.
	gob.Register([]FusedStep(nil))
	gob.Register(Input(0))
	gob.Register(Key(""))
	Register(fusedName, func(ctx context.Context, args []any) (any, error) {
		if len(args) < 1 {
			return nil, fmt.Errorf("graph: fused task without steps")
		}
		steps, ok := args[0].([]FusedStep)
		if !ok {
			return nil, fmt.Errorf("graph: fused task's first argument is %T, want []graph.FusedStep", args[0])
		}
		chain := make([]Task, len(steps))
		for i, s := range steps {
			chain[i] = Task{Key: s.Key, Func: Registered(s.Func), Args: s.Args}
			if s.Label != "" {
				chain[i].Func = chain[i].Func.WithLabel(s.Label)
			}
			if i > 0 {
				chain[i].Deps = []Key{steps[i-1].Key}
			}
		}
		return runChain(ctx, chain, args[1:])
	})
}

// runChain runs a linear chain: the first task gets inputs, each later task gets the
// previous result as its only dependency. A failure names the step's own key; so does
// a panic, which goes on up as a *StepPanic for the scheduler to recover.
func runChain(ctx context.Context, chain []Task, inputs []any) (any, error) {
	var v any
	step := 0
	var pending []any // the intermediate the current step borrows, until released
	defer func() {
		if r := recover(); r != nil {
			release(pending, step)
			if sp, ok := r.(*StepPanic); ok {
				panic(sp)
			}
			panic(&StepPanic{Key: chain[step].Key, Func: chain[step].Func.String(), Value: r})
		}
	}()
	for i := range chain {
		step = i
		in := inputs
		if i > 0 {
			in = []any{v}
		}
		pending = in
		args, err := chain[i].Arguments(in)
		if err != nil {
			release(in, i)
			return nil, err
		}
		v, err = chain[i].Func.Call(ctx, args)
		// The previous step's result was this step's input: as between tasks, the
		// step borrowed it, so it is released here (Arrow records and other
		// reference-counted values).
		release(in, i)
		pending = nil
		if err != nil {
			if i == len(chain)-1 {
				return nil, err
			}
			return nil, &StepError{Key: chain[i].Key, Func: chain[i].Func.String(), Err: err}
		}
		if err := ctx.Err(); err != nil && i < len(chain)-1 {
			release([]any{v}, 1)
			return nil, err
		}
	}
	return v, nil
}

// release drops the intermediate result of a fused chain (i > 0: the inputs of the
// first step belong to the scheduler).
func release(in []any, i int) {
	if i == 0 || len(in) == 0 {
		return
	}
	if r, ok := in[0].(interface{ Release() }); ok {
		r.Release()
	}
}

// StepError is the error of a task that was fused into another: it names the original
// key, so a failure deep in a fused chain still points at the step that failed.
type StepError struct {
	Key  Key
	Func string
	Err  error
}

// StepPanic is the panic value of a fused task whose step panicked: it names the step
// and carries the original value.
type StepPanic struct {
	Key   Key
	Func  string
	Value any
}

func (p *StepPanic) Error() string { return fmt.Sprintf("in fused step %s: panic: %v", p.Key, p.Value) }

func (e *StepError) Error() string { return fmt.Sprintf("in fused step %s: %v", e.Key, e.Err) }
func (e *StepError) Unwrap() error { return e.Err }

// Fuse expects a valid (acyclic) graph: run Validate first.
//
// Fuse merges linear chains — a task whose only dependent has it as its only
// dependency — into one task per chain, named after the chain's last key, so a
// sequence of cheap steps costs one scheduling round instead of many. Keys in keep
// (the outputs) are never folded into a later task. The fused task is shippable when
// every step is.
func (g *Graph) Fuse(keep []Key) *Graph {
	n := len(g.tasks)
	deps := g.deps()
	// For each task, how many tasks depend on it and, when one does, which.
	ndependents := make([]int32, n)
	dependent := make([]int32, n)
	for i, d := range deps {
		for _, j := range d {
			if j >= 0 {
				ndependents[j]++
				dependent[j] = int32(i)
			}
		}
	}
	kept := make(map[int]bool, len(keep))
	for _, k := range keep {
		if i, ok := g.index[k]; ok {
			kept[i] = true
		}
	}
	// next[i] is the task i folds into, or -1.
	next := make([]int, n)
	hasPrev := make([]bool, n)
	fusable := false
	for i := range g.tasks {
		next[i] = -1
		if kept[i] || ndependents[i] != 1 {
			continue
		}
		d := int(dependent[i])
		if len(g.tasks[d].Deps) == 1 {
			next[i] = d
			hasPrev[d] = true
			fusable = true
		}
	}
	if !fusable {
		return g
	}
	out := New(n)
	for i := range g.tasks {
		if next[i] >= 0 {
			continue // folded into a later task
		}
		if !hasPrev[i] {
			out.index[g.tasks[i].Key] = len(out.tasks)
			out.tasks = append(out.tasks, g.tasks[i])
			continue
		}
		// i ends a chain: walk back to its head.
		var chain []Task
		for j := i; ; {
			chain = append(chain, g.tasks[j])
			if !hasPrev[j] {
				break
			}
			j = deps[j][0]
		}
		for a, b := 0, len(chain)-1; a < b; a, b = a+1, b-1 {
			chain[a], chain[b] = chain[b], chain[a]
		}
		out.index[g.tasks[i].Key] = len(out.tasks)
		out.tasks = append(out.tasks, fusedTask(chain))
	}
	return out
}

func fusedTask(chain []Task) Task {
	head, last := chain[0], chain[len(chain)-1]
	labels := make([]string, len(chain))
	shippable := true
	for i := range chain {
		labels[i] = chain[i].Func.String()
		shippable = shippable && chain[i].Func.Shippable()
	}
	run := func(ctx context.Context, args []any) (any, error) {
		return runChain(ctx, chain, args)
	}
	f := Closure("fused("+strings.Join(labels, ", ")+")", run)
	var args []any
	if shippable {
		steps := make([]FusedStep, len(chain))
		for i := range chain {
			steps[i] = FusedStep{Key: chain[i].Key, Func: chain[i].Func.Name(), Label: chain[i].Func.String(), Args: chain[i].Args}
		}
		// The head's inputs follow the steps; locally the closure gets them directly.
		f = RegisteredAs(fusedName, func(ctx context.Context, a []any) (any, error) { return run(ctx, a[1:]) }).
			WithLabel("fused(" + strings.Join(labels, ", ") + ")")
		args = make([]any, 1+len(head.Deps))
		args[0] = steps
		for i := range head.Deps {
			args[1+i] = Input(i)
		}
	} else {
		args = make([]any, len(head.Deps))
		for i := range head.Deps {
			args[i] = Input(i)
		}
	}
	return Task{Key: last.Key, Func: f, Args: args, Deps: head.Deps}
}
