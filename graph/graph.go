package graph

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Task is one unit of work: a function, its arguments and the keys of the tasks whose
// results it needs. Dependencies are always listed explicitly in Deps; they are never
// discovered by scanning Args.
type Task struct {
	Key  Key
	Func Func
	// Args are the function's arguments. A nil Args passes the dependencies' results in
	// Deps order. Otherwise each top-level Input(i) in Args is replaced by the result of
	// Deps[i] and every other value is passed as is (for a shippable task it must be
	// plain, encodable data).
	Args []any
	Deps []Key
}

// Arguments returns the values the task's function is called with, given its
// dependencies' results in Deps order.
func (t *Task) Arguments(inputs []any) ([]any, error) {
	if t.Args == nil {
		return inputs, nil
	}
	if len(inputs) == 0 {
		for i, a := range t.Args {
			if in, ok := a.(Input); ok {
				return nil, fmt.Errorf("graph: task %s argument %d refers to dependency %d of 0", t.Key, i, in)
			}
		}
		return t.Args, nil
	}
	out := make([]any, len(t.Args))
	for i, a := range t.Args {
		if in, ok := a.(Input); ok {
			if int(in) < 0 || int(in) >= len(inputs) {
				return nil, fmt.Errorf("graph: task %s argument %d refers to dependency %d of %d", t.Key, i, in, len(inputs))
			}
			out[i] = inputs[in]
			continue
		}
		out[i] = a
	}
	return out, nil
}

// Graph is a set of tasks indexed by key. Build it with Add or Merge; it does not
// change once handed to a scheduler.
type Graph struct {
	tasks []Task
	index map[Key]int

	mu       sync.Mutex
	resolved [][]int // dependency positions, -1 outside the graph; nil until needed
	acyclic  bool    // checkAcyclic has passed since the last change
}

// New returns an empty graph with room for n tasks.
func New(n int) *Graph {
	return &Graph{tasks: make([]Task, 0, n), index: make(map[Key]int, n)}
}

// ErrDuplicateKey is returned by Add for a key that is already in the graph.
var ErrDuplicateKey = errors.New("graph: duplicate key")

// Add inserts a task. A key already present is an error.
func (g *Graph) Add(t Task) error {
	if t.Key == "" {
		return fmt.Errorf("graph: task with an empty key (function %s)", t.Func)
	}
	if _, dup := g.index[t.Key]; dup {
		return fmt.Errorf("%w %s", ErrDuplicateKey, t.Key)
	}
	g.index[t.Key] = len(g.tasks)
	g.tasks = append(g.tasks, t)
	g.invalidate()
	return nil
}

func (g *Graph) invalidate() {
	g.mu.Lock()
	g.resolved, g.acyclic = nil, false
	g.mu.Unlock()
}

// deps returns every task's dependency positions (-1 for a key outside the graph),
// resolving the keys once per graph: validation, culling, fusion and ordering share it.
// The result must not be modified.
func (g *Graph) deps() [][]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.resolved != nil || len(g.tasks) == 0 {
		return g.resolved
	}
	total := 0
	for i := range g.tasks {
		total += len(g.tasks[i].Deps)
	}
	flat := make([]int, total)
	deps := make([][]int, len(g.tasks))
	off := 0
	for i := range g.tasks {
		t := &g.tasks[i]
		d := flat[off : off+len(t.Deps) : off+len(t.Deps)]
		off += len(t.Deps)
		for j, k := range t.Deps {
			idx, ok := g.index[k]
			if !ok {
				idx = -1
			}
			d[j] = idx
		}
		deps[i] = d
	}
	g.resolved = deps
	return deps
}

// Merge adds every task of other whose key is not already present. Collections built on
// shared inputs carry the same keys for the same work, so merging their graphs shares
// that work: it runs once.
func (g *Graph) Merge(other *Graph) {
	for i := range other.tasks {
		if _, ok := g.index[other.tasks[i].Key]; !ok {
			g.index[other.tasks[i].Key] = len(g.tasks)
			g.tasks = append(g.tasks, other.tasks[i])
		}
	}
	g.invalidate()
}

// Len is the number of tasks.
func (g *Graph) Len() int { return len(g.tasks) }

// Tasks returns the tasks in insertion order. The slice must not be modified.
func (g *Graph) Tasks() []Task { return g.tasks }

// Task returns the task with key k.
func (g *Graph) Task(k Key) (*Task, bool) {
	i, ok := g.index[k]
	if !ok {
		return nil, false
	}
	return &g.tasks[i], true
}

// IndexOf returns the position of k in Tasks().
func (g *Graph) IndexOf(k Key) (int, bool) {
	i, ok := g.index[k]
	return i, ok
}

// MissingDependencyError reports a task that depends on a key the graph lacks.
type MissingDependencyError struct {
	Task Key // the task that has the dependency
	Dep  Key // the key that is not in the graph
}

func (e *MissingDependencyError) Error() string {
	return fmt.Sprintf("graph: task %s depends on %s, which is not in the graph", e.Task, e.Dep)
}

// CycleError reports a dependency cycle; Keys lists it in order, first key repeated last.
type CycleError struct {
	Keys []Key
}

func (e *CycleError) Error() string {
	parts := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		parts[i] = string(k)
	}
	return "graph: dependency cycle: " + strings.Join(parts, " -> ")
}

// Validate checks that every dependency exists and that there is no cycle. The error is
// a *MissingDependencyError or a *CycleError naming the keys involved.
func (g *Graph) Validate() error {
	return g.ValidateWith(nil)
}

// ValidateWith is Validate where dependencies for which known returns true may be
// absent from the graph (results a scheduler session already holds).
func (g *Graph) ValidateWith(known func(Key) bool) error {
	_, err := g.Analyze(nil, known)
	return err
}

// Analysis is what a scheduler needs to know about a valid graph, computed in one pass.
type Analysis struct {
	// Deps holds, for each task (indexed like Tasks()), the positions of its
	// dependencies; -1 marks a dependency outside the graph that known accepted.
	Deps [][]int
	// Priority is the static order (see Order).
	Priority []int
}

// Analyze validates the graph (as ValidateWith) and orders it for the given outputs
// (as Order), resolving every dependency key once.
func (g *Graph) Analyze(outputs []Key, known func(Key) bool) (*Analysis, error) {
	deps, err := g.depIndices(known)
	if err != nil {
		return nil, err
	}
	if err := g.checkAcyclic(deps); err != nil {
		return nil, err
	}
	return &Analysis{Deps: deps, Priority: g.order(deps, outputs)}, nil
}

func (g *Graph) checkAcyclic(deps [][]int) error {
	g.mu.Lock()
	done := g.acyclic
	g.mu.Unlock()
	if done {
		return nil
	}
	if err := g.findCycle(deps); err != nil {
		return err
	}
	g.mu.Lock()
	g.acyclic = true
	g.mu.Unlock()
	return nil
}

func (g *Graph) findCycle(deps [][]int) error {
	// Iterative three-colour DFS; the gray path is the cycle when a back edge appears.
	const (
		white = iota
		gray
		black
	)
	color := make([]uint8, len(g.tasks))
	type frame struct{ node, next int }
	var stack []frame
	for root := range g.tasks {
		if color[root] != white {
			continue
		}
		stack = append(stack[:0], frame{root, 0})
		color[root] = gray
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			d := deps[top.node]
			if top.next == len(d) {
				color[top.node] = black
				stack = stack[:len(stack)-1]
				continue
			}
			child := d[top.next]
			top.next++
			if child < 0 {
				continue
			}
			switch color[child] {
			case white:
				color[child] = gray
				stack = append(stack, frame{child, 0})
			case gray:
				// The cycle runs from child along the stack back to child; report it in
				// dependency direction (a task before the task it needs).
				var cyc []Key
				start := 0
				for i := range stack {
					if stack[i].node == child {
						start = i
						break
					}
				}
				for i := start; i < len(stack); i++ {
					cyc = append(cyc, g.tasks[stack[i].node].Key)
				}
				cyc = append(cyc, g.tasks[child].Key)
				return &CycleError{Keys: cyc}
			}
		}
	}
	return nil
}

// depIndices checks that every dependency outside the graph is one known accepts.
func (g *Graph) depIndices(known func(Key) bool) ([][]int, error) {
	deps := g.deps()
	for i, d := range deps {
		for j, p := range d {
			if p < 0 && (known == nil || !known(g.tasks[i].Deps[j])) {
				return nil, &MissingDependencyError{Task: g.tasks[i].Key, Dep: g.tasks[i].Deps[j]}
			}
		}
	}
	return deps, nil
}

// Cull returns the subgraph of tasks that the outputs need. A missing output or
// dependency is an error.
func (g *Graph) Cull(outputs []Key) (*Graph, error) {
	keep := make([]bool, len(g.tasks))
	var stack []int
	for _, k := range outputs {
		i, ok := g.index[k]
		if !ok {
			return nil, fmt.Errorf("graph: cull: output %s is not in the graph", k)
		}
		if !keep[i] {
			keep[i] = true
			stack = append(stack, i)
		}
	}
	n := len(stack)
	deps := g.deps()
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for k, j := range deps[i] {
			if j < 0 {
				return nil, &MissingDependencyError{Task: g.tasks[i].Key, Dep: g.tasks[i].Deps[k]}
			}
			if !keep[j] {
				keep[j] = true
				n++
				stack = append(stack, j)
			}
		}
	}
	if n == len(g.tasks) {
		return g, nil
	}
	out := New(n)
	for i := range g.tasks {
		if keep[i] {
			out.index[g.tasks[i].Key] = len(out.tasks)
			out.tasks = append(out.tasks, g.tasks[i])
		}
	}
	return out, nil
}

// Dependents returns, for every task index, the indices of the tasks that depend on it.
// Dependencies outside the graph are ignored.
func (g *Graph) Dependents() [][]int {
	deps := g.deps()
	counts := make([]int, len(g.tasks))
	total := 0
	for _, d := range deps {
		for _, j := range d {
			if j >= 0 {
				counts[j]++
				total++
			}
		}
	}
	flat := make([]int, total)
	out := make([][]int, len(g.tasks))
	off := 0
	for i, c := range counts {
		out[i] = flat[off : off : off+c]
		off += c
	}
	for i, d := range deps {
		for _, j := range d {
			if j >= 0 {
				out[j] = append(out[j], i)
			}
		}
	}
	return out
}

// UnshippableError lists tasks whose functions are closures, which cannot run in
// another process.
type UnshippableError struct {
	Tasks []Key
	Funcs []string // the closure's label for each task
}

func (e *UnshippableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph: %d task(s) run closures, which cannot leave this process: task %s runs %s",
		len(e.Tasks), e.Tasks[0], e.Funcs[0])
	if len(e.Tasks) > 1 {
		fmt.Fprintf(&b, " (and %d more)", len(e.Tasks)-1)
	}
	b.WriteString(`; register the function at init with gask.Register("pkg.name", fn) (or graph.Register for kernels) so workers can find it by name`)
	return b.String()
}

// CheckShippable returns an *UnshippableError naming the tasks that run closures, or nil
// when every task can run in a subprocess or on a remote worker.
func (g *Graph) CheckShippable() error {
	var e UnshippableError
	for i := range g.tasks {
		if !g.tasks[i].Func.Shippable() {
			e.Tasks = append(e.Tasks, g.tasks[i].Key)
			e.Funcs = append(e.Funcs, g.tasks[i].Func.String())
		}
	}
	if len(e.Tasks) == 0 {
		return nil
	}
	return &e
}
