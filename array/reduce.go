package array

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gask-dev/gask/graph"
)

// ReduceOption configures a reduction.
type ReduceOption func(*reduceOpts)

type reduceOpts struct {
	axes       []int
	axisSet    bool
	keepDims   bool
	splitEvery int
	ddof       int
}

// Axis reduces along the given axes (negative counts from the end) instead of all.
func Axis(axes ...int) ReduceOption {
	return func(o *reduceOpts) { o.axes, o.axisSet = append(o.axes, axes...), true }
}

// KeepDims keeps reduced axes with length 1, as NumPy's keepdims=True.
func KeepDims() ReduceOption { return func(o *reduceOpts) { o.keepDims = true } }

// SplitEvery combines at most n partial results per task of the reduction tree
// (Dask's split_every; default 8).
func SplitEvery(n int) ReduceOption { return func(o *reduceOpts) { o.splitEvery = n } }

// DDOF sets the delta degrees of freedom of Var and Std (default 0, as NumPy).
func DDOF(n int) ReduceOption { return func(o *reduceOpts) { o.ddof = n } }

// redSpec is the plain-data description of a reduction, shared by its kernels.
type redSpec struct {
	Op     string // sum prod min max mean var std any all argmin argmax
	Nan    bool   // skip NaN
	Reduce []bool // per input axis
	DDOF   int
	Flat   bool  // arg reduction over all axes: flat index into the whole array
	Global []int // the whole input's shape (arg reductions)
	Arg    int   // the axis of a one-axis arg reduction
	Out    DType // the result's dtype (see reduceDType)
}

// reduceDType is NumPy's result dtype of reduction op over an array of dtype in: Any
// and All give Bool, Argmin and Argmax Int64; Sum and Prod of Int64 and Bool give
// Int64, of Float32 Float32; Min and Max keep the input's dtype; Mean, Var and Std of
// Float32 give Float32 and of the others Float64.
func reduceDType(op string, in DType) DType {
	switch op {
	case "any", "all":
		return Bool
	case "argmin", "argmax":
		return Int64
	case "sum", "prod":
		switch in {
		case Int64, Bool:
			return Int64
		case Float32:
			return Float32
		}
	case "min", "max":
		return in
	case "mean", "var", "std":
		if in == Float32 {
			return Float32
		}
	}
	return Float64
}

// exact reports whether the reduction is an integer Sum or Prod: every running value
// is checked to stay within ±2^53, where float64 storage of integers is exact.
func (s *redSpec) exact() bool { return s.Out == Int64 && (s.Op == "sum" || s.Op == "prod") }

// errInexact is the error of an integer Sum or Prod whose running value leaves ±2^53.
func (s *redSpec) errInexact() error {
	return fmt.Errorf("array: %s of int64: a running %s leaves ±2^53, beyond which gask's float64 storage of int64 is not exact (NumPy would wrap around at 2^63)", s.Op, s.Op)
}

// exactStep is a+v (sum) or a*v (prod) of two integers within ±2^53, and whether the
// result is exact and within ±2^53: a result that rounds to ±2^53 is checked for the
// rounding (TwoSum's error term, or an FMA for products).
func exactStep(sum bool, a, v float64) (float64, bool) {
	if sum {
		r := a + v
		switch {
		case r > maxExactInt || r < -maxExactInt:
			return r, false
		case r == maxExactInt || r == -maxExactInt:
			bv := r - a
			return r, (a-(r-bv))+(v-bv) == 0
		}
		return r, true
	}
	r := a * v
	switch {
	case r > maxExactInt || r < -maxExactInt:
		return r, false
	case r == maxExactInt || r == -maxExactInt:
		return r, math.FMA(a, v, -r) == 0
	}
	return r, true
}

// accumulateExact is accumulate for exact reductions: it reports false as soon as a
// running value leaves ±2^53 (integer inputs hold no NaN).
func (s *redSpec) accumulateExact(p *partial, pos0, step int, vals []float64) bool {
	A, pos, sum := p.A, pos0, s.Op == "sum"
	for _, v := range vals {
		a, ok := exactStep(sum, A[pos], v)
		if !ok {
			return false
		}
		A[pos] = a
		pos += step
	}
	return true
}

// partial is a reduction's state for one region of the output (Shape, with reduced
// axes of length 1): sums, counts, extremes, second moments or arg indices.
type partial struct {
	Shape []int
	N     []float64
	A     []float64
	B     []float64
	I     []int64
}

// SizeBytes implements sched.Sizer.
func (p *partial) SizeBytes() int64 {
	return 8 * int64(len(p.N)+len(p.A)+len(p.B)+len(p.I))
}

func (s *redSpec) isArg() bool { return s.Op == "argmin" || s.Op == "argmax" }

// sumLike reports whether the reduction's first pass is a plain sum.
func (s *redSpec) sumLike() bool {
	switch s.Op {
	case "sum", "mean", "var", "std":
		return true
	}
	return false
}

func (s *redSpec) newPartial(shape []int) *partial {
	n := 1
	for _, x := range shape {
		n *= x
	}
	p := &partial{Shape: shape, N: make([]float64, n), A: make([]float64, n)}
	init := 0.0
	switch s.Op {
	case "prod", "all":
		init = 1
	case "min", "argmin":
		init = math.Inf(1)
	case "max", "argmax":
		init = math.Inf(-1)
	case "var", "std":
		p.B = make([]float64, n)
	}
	if init != 0 {
		for i := range p.A {
			p.A[i] = init
		}
	}
	if s.isArg() {
		p.I = make([]int64, n)
		for i := range p.I {
			p.I[i] = -1
		}
	}
	return p
}

// accumulate folds vals into p at positions pos0, pos0+step, ...; gi0 and gstep give
// each value's arg index.
func (s *redSpec) accumulate(p *partial, pos0, step int, vals []float64, gi0, gstep int64) {
	A, N := p.A, p.N
	if step == 0 {
		switch s.Op {
		case "sum", "mean", "var", "std":
			if !s.Nan {
				A[pos0] += sumTile(vals, 0, 0)
				return // counts: chunk sets N
			}
		}
	}
	if step == 1 && !s.Nan {
		a := A[pos0 : pos0+len(vals)]
		switch s.Op {
		case "sum", "mean", "var", "std":
			// counts: chunk sets N
			a = a[:len(vals)]
			for i, v := range vals {
				a[i] += v
			}
			return
		case "prod":
			for i, v := range vals {
				a[i] *= v
			}
			return
		}
	}
	pos, gi := pos0, gi0
	for _, v := range vals {
		nan := v != v
		switch s.Op {
		case "sum", "mean", "var", "std":
			if !(nan && s.Nan) {
				A[pos] += v
				N[pos]++
			}
		case "prod":
			if !(nan && s.Nan) {
				A[pos] *= v
			}
		case "min":
			if nan {
				if !s.Nan {
					A[pos] = v
				}
			} else {
				N[pos]++
				if v < A[pos] {
					A[pos] = v
				}
			}
		case "max":
			if nan {
				if !s.Nan {
					A[pos] = v
				}
			} else {
				N[pos]++
				if v > A[pos] {
					A[pos] = v
				}
			}
		case "any":
			if v != 0 {
				A[pos] = 1
			}
		case "all":
			if v == 0 {
				A[pos] = 0
			}
		case "argmin", "argmax":
			if !(nan && s.Nan) && s.better(v, gi, A[pos], p.I[pos]) {
				A[pos], p.I[pos] = v, gi
			}
		}
		pos += step
		gi += gstep
	}
}

// better reports whether (v, i) beats the current best (a, j) of an arg reduction:
// NaN wins (NumPy returns the first NaN), ties go to the smaller index.
func (s *redSpec) better(v float64, i int64, a float64, j int64) bool {
	if j < 0 {
		return true
	}
	switch {
	case a != a:
		return v != v && i < j
	case v != v:
		return true
	case v == a:
		return i < j
	case s.Op == "argmin":
		return v < a
	}
	return v > a
}

// m2 adds each position's sum of squared deviations from its own mean to p.B.
func (s *redSpec) m2(p *partial, pos0, step int, vals []float64) {
	pos := pos0
	for _, v := range vals {
		if !(v != v && s.Nan) && p.N[pos] > 0 {
			d := v - p.A[pos]/p.N[pos]
			p.B[pos] += d * d
		}
		pos += step
	}
}

// merge folds q into p (same shape).
func (s *redSpec) merge(p, q *partial) {
	for i := range p.A {
		switch s.Op {
		case "sum", "mean":
			p.A[i] += q.A[i]
			p.N[i] += q.N[i]
		case "var", "std":
			na, nb := p.N[i], q.N[i]
			if nb == 0 {
				continue
			}
			if na == 0 {
				p.A[i], p.N[i], p.B[i] = q.A[i], q.N[i], q.B[i]
				continue
			}
			d := q.A[i]/nb - p.A[i]/na
			p.B[i] += q.B[i] + d*d*na*nb/(na+nb)
			p.A[i] += q.A[i]
			p.N[i] += nb
		case "prod":
			p.A[i] *= q.A[i]
		case "min":
			if q.A[i] != q.A[i] || q.A[i] < p.A[i] {
				if !(p.A[i] != p.A[i]) {
					p.A[i] = q.A[i]
				}
			}
			p.N[i] += q.N[i]
		case "max":
			if q.A[i] != q.A[i] || q.A[i] > p.A[i] {
				if !(p.A[i] != p.A[i]) {
					p.A[i] = q.A[i]
				}
			}
			p.N[i] += q.N[i]
		case "any":
			if q.A[i] != 0 {
				p.A[i] = 1
			}
		case "all":
			if q.A[i] == 0 {
				p.A[i] = 0
			}
		case "argmin", "argmax":
			if q.I[i] >= 0 && s.better(q.A[i], q.I[i], p.A[i], p.I[i]) {
				p.A[i], p.I[i] = q.A[i], q.I[i]
			}
		}
	}
}

// finish turns a combined partial into the output block.
func (s *redSpec) finish(p *partial, shape []int) (*Dense, error) {
	out := newDense(s.Out, shape)
	if len(out.Data) != len(p.A) {
		return nil, fmt.Errorf("array: %s: partial of %d values for an output block of shape %v", s.Op, len(p.A), shape)
	}
	for i := range out.Data {
		a, n := p.A[i], p.N[i]
		switch s.Op {
		case "mean":
			out.Data[i] = a / n
		case "var", "std":
			v := p.B[i] / math.Max(n-float64(s.DDOF), 0)
			if s.Op == "std" {
				v = math.Sqrt(v)
			}
			out.Data[i] = v
		case "min", "max":
			if s.Nan && n == 0 {
				a = math.NaN() // all-NaN slice
			}
			out.Data[i] = a
		case "argmin", "argmax":
			if p.I[i] < 0 {
				return nil, fmt.Errorf("array: nan%s: all-NaN slice", s.Op)
			}
			out.Data[i] = float64(p.I[i])
		default:
			out.Data[i] = a
		}
		switch s.Out {
		case Float32:
			out.Data[i] = float64(float32(out.Data[i]))
		case Int64:
			out.Data[i] += 0 // an integer product's -0 is 0
		}
	}
	return out, nil
}

// chunk reduces one input block (spec's fused expression over ins) to a partial.
func (s *redSpec) chunk(ew *ewSpec, start []int, ins []*Dense) (*partial, error) {
	shape := ew.Shape
	nd := len(shape)
	pshape := make([]int, nd)
	pstr := make([]int, nd)
	stride := 1
	for ax := nd - 1; ax >= 0; ax-- {
		pshape[ax] = shape[ax]
		if s.Reduce[ax] {
			pshape[ax] = 1
		} else {
			pstr[ax] = stride
		}
		stride *= pshape[ax]
	}
	p := s.newPartial(pshape)
	allReduced := !slices.Contains(s.Reduce, false)
	// arg indices: a global flat index, or the position along the arg axis
	gstr := make([]int64, nd)
	var g0 int64
	if s.isArg() {
		if s.Flat {
			st := int64(1)
			for ax := nd - 1; ax >= 0; ax-- {
				gstr[ax] = st
				st *= int64(s.Global[ax])
			}
		} else {
			gstr[s.Arg] = 1
		}
		for ax := range nd {
			g0 += int64(start[ax]) * gstr[ax]
		}
	}
	bstr := cStrides(shape)
	idx := make([]int, nd)
	locate := func(off int) (pos, step int, gi, gstep int64) {
		rem := off
		for ax := range nd {
			idx[ax] = rem / max(bstr[ax], 1)
			rem -= idx[ax] * bstr[ax]
			pos += idx[ax] * pstr[ax]
			gi += int64(idx[ax]) * gstr[ax]
		}
		if nd > 0 {
			step, gstep = pstr[nd-1], gstr[nd-1]
		}
		return pos, step, g0 + gi, gstep
	}
	rows := !(allReduced && !s.isArg())
	done := false
	if !rows && !s.Nan && s.sumLike() && !s.exact() {
		if steps, x, gen, ok := wholeChain(ew, ins); ok && gen == nil {
			p.A[0], done = chainSum(steps, x)
		} else if ok {
			n := 1
			for _, s := range shape {
				n *= s
			}
			p.A[0], done = genChainSum(steps, gen, n)
		}
	}
	var err error
	if !done && s.exact() {
		ok := true
		err = evalBlock(ew, ins, rows, func(off int, vals []float64) {
			if !ok {
				return
			}
			pos, step := 0, 0
			if rows {
				pos, step, _, _ = locate(off)
			}
			ok = s.accumulateExact(p, pos, step, vals)
		})
		if err == nil && !ok {
			err = s.errInexact()
		}
		if err != nil {
			return nil, err
		}
		done = true
	}
	if !done {
		err = evalBlock(ew, ins, rows, func(off int, vals []float64) {
			if !rows {
				s.accumulate(p, 0, 0, vals, 0, 0)
				return
			}
			pos, step, gi, gstep := locate(off)
			s.accumulate(p, pos, step, vals, gi, gstep)
		})
		if err != nil {
			return nil, err
		}
	}
	if !s.Nan && s.sumLike() {
		// every position of the partial counts the same values: the block's extent
		// along the reduced axes (the accumulating loops leave N alone)
		count := 1
		for ax, r := range s.Reduce {
			if r {
				count *= shape[ax]
			}
		}
		for i := range p.N {
			p.N[i] = float64(count)
		}
	}
	if s.Op == "var" || s.Op == "std" {
		err = evalBlock(ew, ins, rows, func(off int, vals []float64) {
			if !rows {
				s.m2(p, 0, 0, vals)
				return
			}
			pos, step, _, _ := locate(off)
			s.m2(p, pos, step, vals)
		})
	}
	return p, err
}

const (
	redChunkName   = "array.reduce-chunk"
	redCombineName = "array.reduce-combine"
	redFinalName   = "array.reduce-final"
)

func partialArgs(args []any) ([]*partial, error) {
	ps := make([]*partial, len(args))
	for i, a := range args {
		p, ok := a.(*partial)
		if !ok {
			return nil, fmt.Errorf("array: reduction input %d is %T, not a partial", i, a)
		}
		ps[i] = p
	}
	return ps, nil
}

func (s *redSpec) combine(ps []*partial) (*partial, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("array: %s: nothing to combine", s.Op)
	}
	out := &partial{Shape: ps[0].Shape, N: slices.Clone(ps[0].N), A: slices.Clone(ps[0].A),
		B: slices.Clone(ps[0].B), I: slices.Clone(ps[0].I)}
	for _, q := range ps[1:] {
		if !slices.Equal(q.Shape, out.Shape) {
			return nil, fmt.Errorf("array: %s: partials of shapes %v and %v", s.Op, out.Shape, q.Shape)
		}
		if s.exact() {
			for i, a := range q.A {
				r, ok := exactStep(s.Op == "sum", out.A[i], a)
				if !ok {
					return nil, s.errInexact()
				}
				out.A[i] = r
				out.N[i] += q.N[i]
			}
			continue
		}
		s.merge(out, q)
	}
	return out, nil
}

func init() {
	register(redChunkName, func(_ context.Context, args []any) (any, error) {
		spec, ew, start := args[0].(redSpec), args[1].(ewSpec), args[2].([]int)
		ins, err := leafInputs(ew.Views, args[3:])
		if err != nil {
			return nil, err
		}
		if err := ew.knownShape(ins); err != nil {
			return nil, err
		}
		return spec.chunk(&ew, start, ins)
	})
	register(redCombineName, func(_ context.Context, args []any) (any, error) {
		spec := args[0].(redSpec)
		ps, err := partialArgs(args[1:])
		if err != nil {
			return nil, err
		}
		return spec.combine(ps)
	})
	register(redFinalName, func(_ context.Context, args []any) (any, error) {
		spec, shape := args[0].(redSpec), args[1].([]int)
		ps, err := partialArgs(args[2:])
		if err != nil {
			return nil, err
		}
		p, err := spec.combine(ps)
		if err != nil {
			return nil, err
		}
		return spec.finish(p, shape)
	})
}

// reduceNode is a tree reduction of in.
type reduceNode struct {
	in         *Array
	spec       redSpec
	keepDims   bool
	splitEvery int
}

func (n *reduceNode) describe() string {
	op := n.spec.Op
	if n.spec.Nan {
		op = "nan" + op
	}
	var axes []string
	for ax, r := range n.spec.Reduce {
		if r {
			axes = append(axes, fmt.Sprint(ax))
		}
	}
	return fmt.Sprintf("Reduce %s axes=[%s] split_every=%d", op, strings.Join(axes, ","), n.splitEvery)
}
func (n *reduceNode) inputs() []*Array { return []*Array{n.in} }

func (n *reduceNode) lower(g *graph.Graph, a *Array) error {
	in := n.in
	specOf, err := blockSpecs(g, in, in.dtype)
	if err != nil {
		return err
	}
	// chunk partials, grouped by output block
	groups := map[string][]graph.Key{}
	var order []string
	outIdxOf := map[string][]int{}
	chunkName := a.name + "-chunk"
	eachBlock(in.NumBlocks(), func(idx []int) {
		if err != nil {
			return
		}
		spec, deps := specOf(idx)
		k := blockKey(chunkName, idx)
		args := append([]any{n.spec, spec, blockStart(in.chunks, idx)}, inputs(len(deps))...)
		if err = g.Add(graph.Task{Key: k, Func: graph.Registered(redChunkName), Args: args, Deps: deps}); err != nil {
			return
		}
		var out []int
		for ax, r := range n.spec.Reduce {
			switch {
			case !r:
				out = append(out, idx[ax])
			case n.keepDims:
				out = append(out, 0)
			}
		}
		gk := fmt.Sprint(out)
		if _, ok := groups[gk]; !ok {
			order = append(order, gk)
			outIdxOf[gk] = out
		}
		groups[gk] = append(groups[gk], k)
	})
	if err != nil {
		return err
	}
	for _, gk := range order {
		out := outIdxOf[gk]
		level := groups[gk]
		name := a.name + "-combine-" + strings.Trim(strings.ReplaceAll(gk, " ", "."), "[]")
		for depth := 0; len(level) > n.splitEvery; depth++ {
			var next []graph.Key
			for i := 0; i < len(level); i += n.splitEvery {
				deps := level[i:min(i+n.splitEvery, len(level))]
				k := graph.K(fmt.Sprintf("%s-%d", name, depth), i/n.splitEvery)
				args := append([]any{n.spec}, inputs(len(deps))...)
				if err := g.Add(graph.Task{Key: k, Func: graph.Registered(redCombineName), Args: args, Deps: deps}); err != nil {
					return err
				}
				next = append(next, k)
			}
			level = next
		}
		args := append([]any{n.spec, blockShape(a.chunks, out)}, inputs(len(level))...)
		if err := g.Add(graph.Task{Key: blockKey(a.name, out), Func: graph.Registered(redFinalName), Args: args, Deps: level}); err != nil {
			return err
		}
	}
	return nil
}

// normAxes turns axis options into a per-axis reduce mask.
func normAxes(op string, shape []int, o reduceOpts) ([]bool, error) {
	red := make([]bool, len(shape))
	if !o.axisSet {
		for i := range red {
			red[i] = true
		}
		return red, nil
	}
	for _, ax := range o.axes {
		a := ax
		if a < 0 {
			a += len(shape)
		}
		if a < 0 || a >= len(shape) {
			return nil, fmt.Errorf("array: %s: axis %d is out of bounds for an array of shape %v", op, ax, shape)
		}
		if red[a] {
			return nil, fmt.Errorf("array: %s: axis %d repeated", op, ax)
		}
		red[a] = true
	}
	return red, nil
}

func (a *Array) reduce(op string, nan bool, opts []ReduceOption) *Array {
	if a.err != nil {
		return a
	}
	o := reduceOpts{splitEvery: 8}
	for _, f := range opts {
		f(&o)
	}
	label := op
	if nan {
		label = "nan" + op
	}
	if a.unknownAxis() >= 0 {
		// unknown block sizes along reduced axes are fine (Dask's too): the partials
		// count what the blocks hold; arg reductions need the blocks' offsets
		red, err := normAxes(label, a.shape, o)
		if err != nil {
			return failed(err)
		}
		for ax, cs := range a.chunks {
			if slices.Contains(cs, Unknown) && (!red[ax] || op == "argmin" || op == "argmax") {
				return failed(fmt.Errorf("array: %s: axis %d of %s has unknown chunk sizes %v (after Compress or Mask) and is not reduced (or the reduction needs block offsets); call ComputeChunkSizes first", label, ax, a.name, cs))
			}
		}
	}
	if o.splitEvery < 2 {
		return failed(fmt.Errorf("array: %s: split_every must be at least 2, not %d", label, o.splitEvery))
	}
	red, err := normAxes(label, a.shape, o)
	if err != nil {
		return failed(err)
	}
	spec := redSpec{Op: op, Nan: nan, Reduce: red, DDOF: o.ddof, Out: reduceDType(op, a.dtype)}
	if spec.isArg() {
		spec.Global = slices.Clone(a.shape)
		switch {
		case !o.axisSet:
			spec.Flat = true
		case len(o.axes) == 1:
			spec.Arg = slices.Index(red, true)
		default:
			return failed(fmt.Errorf("array: %s takes one axis or none, not %v", label, o.axes))
		}
	}
	if o.ddof < 0 {
		return failed(fmt.Errorf("array: %s: negative ddof %d", label, o.ddof))
	}
	var shape []int
	var chunks [][]int
	redSize, outSize := 1, 1
	for ax, r := range red {
		switch {
		case !r:
			shape = append(shape, a.shape[ax])
			chunks = append(chunks, slices.Clone(a.chunks[ax]))
			outSize *= a.shape[ax]
		case o.keepDims:
			shape = append(shape, 1)
			chunks = append(chunks, []int{1})
		}
		if r {
			redSize *= a.shape[ax]
		}
	}
	switch op {
	case "min", "max", "argmin", "argmax":
		if redSize == 0 && outSize > 0 {
			return failed(fmt.Errorf("array: %s: zero-size reduction over axes %v of shape %v has no identity", label, o.axes, a.shape))
		}
	}
	out := &Array{shape: shape, chunks: chunks, dtype: spec.Out, node: &reduceNode{in: a, spec: spec, keepDims: o.keepDims, splitEvery: o.splitEvery}}
	out.name = hashName(label, a.name, spec, o.keepDims, o.splitEvery)
	return out
}

// Sum adds the elements, over all axes or those given with Axis.
func (a *Array) Sum(opts ...ReduceOption) *Array { return a.reduce("sum", false, opts) }

// Prod multiplies the elements.
func (a *Array) Prod(opts ...ReduceOption) *Array { return a.reduce("prod", false, opts) }

// Mean is the arithmetic mean (NaN over no elements).
func (a *Array) Mean(opts ...ReduceOption) *Array { return a.reduce("mean", false, opts) }

// Var is the variance, sum((x-mean)^2)/(n-ddof), with ddof from DDOF (default 0).
func (a *Array) Var(opts ...ReduceOption) *Array { return a.reduce("var", false, opts) }

// Std is the standard deviation, the square root of Var.
func (a *Array) Std(opts ...ReduceOption) *Array { return a.reduce("std", false, opts) }

// Min is the smallest element (NaN if any is NaN); an error over no elements.
func (a *Array) Min(opts ...ReduceOption) *Array { return a.reduce("min", false, opts) }

// Max is the largest element (NaN if any is NaN); an error over no elements.
func (a *Array) Max(opts ...ReduceOption) *Array { return a.reduce("max", false, opts) }

// Argmin is the index of the smallest element — along one Axis, or into the
// flattened array without one; the first of ties, or the first NaN. Int64.
func (a *Array) Argmin(opts ...ReduceOption) *Array { return a.reduce("argmin", false, opts) }

// Argmax is the index of the largest element, as Argmin.
func (a *Array) Argmax(opts ...ReduceOption) *Array { return a.reduce("argmax", false, opts) }

// Any is 1 where some element is non-zero (NaN counts as non-zero). Bool.
func (a *Array) Any(opts ...ReduceOption) *Array { return a.reduce("any", false, opts) }

// All is 1 where every element is non-zero. Bool.
func (a *Array) All(opts ...ReduceOption) *Array { return a.reduce("all", false, opts) }

// NanSum is Sum treating NaN as zero.
func (a *Array) NanSum(opts ...ReduceOption) *Array { return a.reduce("sum", true, opts) }

// NanProd is Prod treating NaN as one.
func (a *Array) NanProd(opts ...ReduceOption) *Array { return a.reduce("prod", true, opts) }

// NanMean is Mean skipping NaN (NaN where every element is NaN).
func (a *Array) NanMean(opts ...ReduceOption) *Array { return a.reduce("mean", true, opts) }

// NanVar is Var skipping NaN.
func (a *Array) NanVar(opts ...ReduceOption) *Array { return a.reduce("var", true, opts) }

// NanStd is Std skipping NaN.
func (a *Array) NanStd(opts ...ReduceOption) *Array { return a.reduce("std", true, opts) }

// NanMin is Min skipping NaN (NaN where every element is NaN).
func (a *Array) NanMin(opts ...ReduceOption) *Array { return a.reduce("min", true, opts) }

// NanMax is Max skipping NaN.
func (a *Array) NanMax(opts ...ReduceOption) *Array { return a.reduce("max", true, opts) }

// NanArgmin is Argmin skipping NaN; an all-NaN slice is an error when computed.
func (a *Array) NanArgmin(opts ...ReduceOption) *Array { return a.reduce("argmin", true, opts) }

// NanArgmax is Argmax skipping NaN.
func (a *Array) NanArgmax(opts ...ReduceOption) *Array { return a.reduce("argmax", true, opts) }
