package graph

// Order returns a static priority for every task (indexed like Tasks(); lower runs
// first), in the spirit of dask.order: a depth-first walk from the outputs that finishes
// one branch — a task and everything it needs — before it starts the next, so
// intermediate results are consumed and released early and the memory footprint stays
// small. Among a task's dependencies, the one with the taller subtree goes first (the
// Sethi–Ullman rule: the branch that needs the most live results is done while the
// fewest others are held). outputs nil means every task without dependents, in graph
// order. Dependencies outside the graph are ignored.
func (g *Graph) Order(outputs []Key) []int {
	return g.order(g.deps(), outputs)
}

// order is Order on resolved dependencies (-1 entries are ignored).
func (g *Graph) order(resolved [][]int, outputs []Key) []int {
	n := len(g.tasks)
	// Work on a copy: dependencies are sorted by height below, and callers keep theirs
	// in Deps order.
	total := 0
	for _, d := range resolved {
		total += len(d)
	}
	flat := make([]int, 0, total)
	deps := make([][]int, n)
	for i, d := range resolved {
		start := len(flat)
		for _, j := range d {
			if j >= 0 {
				flat = append(flat, j)
			}
		}
		deps[i] = flat[start:len(flat):len(flat)]
	}
	height := g.heights(deps)
	for i := range deps {
		d := deps[i]
		// Insertion sort, stable, by descending height: dependency lists are short, and
		// long ones (fan-in trees) tend to be already equal in height.
		for a := 1; a < len(d); a++ {
			for b := a; b > 0 && height[d[b]] > height[d[b-1]]; b-- {
				d[b], d[b-1] = d[b-1], d[b]
			}
		}
	}

	var roots []int
	if outputs == nil {
		hasDependent := make([]bool, n)
		for i := range deps {
			for _, j := range deps[i] {
				hasDependent[j] = true
			}
		}
		for i := range n {
			if !hasDependent[i] {
				roots = append(roots, i)
			}
		}
	} else {
		for _, k := range outputs {
			if i, ok := g.index[k]; ok {
				roots = append(roots, i)
			}
		}
	}

	prio := make([]int, n)
	for i := range prio {
		prio[i] = -1
	}
	next := 0
	type frame struct{ node, child int }
	var stack []frame
	visit := func(root int) {
		if prio[root] >= 0 {
			return
		}
		prio[root] = -2 // on the stack
		stack = append(stack[:0], frame{root, 0})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.child == len(deps[top.node]) {
				prio[top.node] = next
				next++
				stack = stack[:len(stack)-1]
				continue
			}
			c := deps[top.node][top.child]
			top.child++
			if prio[c] == -1 {
				prio[c] = -2
				stack = append(stack, frame{c, 0})
			}
		}
	}
	for _, r := range roots {
		visit(r)
	}
	// Tasks no output needs (possible when outputs are given) still get a place.
	for i := range n {
		visit(i)
	}
	return prio
}

// heights computes, for an acyclic graph, the longest dependency path below each task.
func (g *Graph) heights(deps [][]int) []int {
	n := len(deps)
	h := make([]int, n)
	state := make([]uint8, n) // 0 new, 1 open, 2 done
	type frame struct{ node, child int }
	var stack []frame
	for r := range n {
		if state[r] != 0 {
			continue
		}
		state[r] = 1
		stack = append(stack[:0], frame{r, 0})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.child == len(deps[top.node]) {
				for _, c := range deps[top.node] {
					if h[c]+1 > h[top.node] {
						h[top.node] = h[c] + 1
					}
				}
				state[top.node] = 2
				stack = stack[:len(stack)-1]
				continue
			}
			c := deps[top.node][top.child]
			top.child++
			if state[c] == 0 {
				state[c] = 1
				stack = append(stack, frame{c, 0})
			}
		}
	}
	return h
}
