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
	// Drop dependencies outside the graph and sort each list by descending height —
	// on a copy, made only for the lists that change (callers keep Deps order).
	height := g.heights(resolved)
	deps := resolved
	copied := false
	for i, d := range resolved {
		outside, unsorted := false, false
		for a, j := range d {
			if j < 0 {
				outside = true
			} else if a > 0 && d[a-1] >= 0 && height[j] > height[d[a-1]] {
				unsorted = true
			}
		}
		if !outside && !unsorted {
			continue
		}
		if !copied {
			deps = append([][]int(nil), resolved...)
			copied = true
		}
		c := make([]int, 0, len(d))
		for _, j := range d {
			if j >= 0 {
				c = append(c, j)
			}
		}
		// Insertion sort, stable: dependency lists are short, and long ones (fan-in
		// trees) are usually sorted already.
		for a := 1; a < len(c); a++ {
			for b := a; b > 0 && height[c[b]] > height[c[b-1]]; b-- {
				c[b], c[b-1] = c[b-1], c[b]
			}
		}
		deps[i] = c
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
					if c >= 0 && h[c]+1 > h[top.node] {
						h[top.node] = h[c] + 1
					}
				}
				state[top.node] = 2
				stack = stack[:len(stack)-1]
				continue
			}
			c := deps[top.node][top.child]
			top.child++
			if c >= 0 && state[c] == 0 {
				state[c] = 1
				stack = append(stack, frame{c, 0})
			}
		}
	}
	return h
}
