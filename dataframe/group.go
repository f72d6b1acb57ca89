package dataframe

import (
	"math"
	"math/bits"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// grouper assigns a dense group id to every distinct key tuple, in order of first
// appearance, and keeps each group's key values. One int64 or string key uses a Go
// map of the value; several keys use a hash table of 64-bit row hashes computed
// column by column, with the candidates' keys compared in typed storage.
type grouper struct {
	types   []arrow.DataType
	dropna  bool
	ngroups int
	i64     *intTable        // one int64 key
	str     map[string]int32 // one string key
	nullID  int32            // the null key's group (single-key paths), -1 if none
	multi   *multiKeys       // several keys, or a float or bool key
	keys    []array.Builder  // single-key paths: the groups' keys
	// probe makes ids look keys up without adding groups: a key not met before gets
	// -1 (a join's probe side).
	probe bool
}

func newGrouper(mem memory.Allocator, types []arrow.DataType, dropna bool) *grouper {
	g := &grouper{types: types, dropna: dropna, nullID: -1}
	switch {
	case len(types) == 1 && types[0].ID() == arrow.INT64:
		g.i64 = newIntTable(0)
	case len(types) == 1 && types[0].ID() == arrow.STRING:
		g.str = map[string]int32{}
	case len(types) > 0:
		g.multi = newMultiKeys(types)
	}
	if g.multi == nil {
		for _, t := range types {
			g.keys = append(g.keys, array.NewBuilder(mem, t))
		}
	}
	return g
}

// reserve makes room for about n more groups, so the tables do not grow step by step.
func (g *grouper) reserve(n int) {
	if n < 1024 || g.ngroups > 0 {
		return
	}
	switch {
	case g.i64 != nil:
		g.i64 = newIntTable(n)
	case g.str != nil:
		g.str = make(map[string]int32, n)
	case g.multi != nil:
		g.multi.reserve(n)
	}
}

func (g *grouper) release() {
	for _, b := range g.keys {
		b.Release()
	}
}

// keyArrays returns the groups' key columns, which the caller releases.
func (g *grouper) keyArrays(mem memory.Allocator) []arrow.Array {
	if g.multi != nil {
		return g.multi.arrays(mem)
	}
	out := make([]arrow.Array, len(g.keys))
	for i, b := range g.keys {
		out[i] = b.NewArray()
	}
	return out
}

// ids returns the group id of every row of the key columns; -1 marks a row dropped for
// a null key.
func (g *grouper) ids(cols []arrow.Array, n int) []int32 {
	out := make([]int32, n)
	if len(cols) == 0 {
		if g.ngroups == 0 {
			g.ngroups = 1
		}
		return out // one group: everything
	}
	switch {
	case g.i64 != nil:
		a := cols[0].(*array.Int64)
		if a.NullN() == 0 && g.denseInts(a, n, out) {
			break
		}
		kb := g.keys[0].(*array.Int64Builder)
		for i := range n {
			if a.IsNull(i) {
				out[i] = g.null()
				continue
			}
			v := a.Value(i)
			id, ok := g.i64.get(v)
			if !ok && g.probe {
				id = -1
			} else if !ok {
				id = int32(g.ngroups)
				g.ngroups++
				g.i64.put(v, id)
				kb.Append(v)
			}
			out[i] = id
		}
	case g.str != nil:
		if d, ok := cols[0].(*array.Dictionary); ok {
			g.dictIDs(d, n, out)
			break
		}
		a := cols[0].(*array.String)
		for i := range n {
			if a.IsNull(i) {
				out[i] = g.null()
				continue
			}
			out[i] = g.strID(a.Value(i))
		}
	default:
		g.multi.probe = g.probe
		g.multi.ids(cols, n, g.dropna, out)
		g.ngroups = g.multi.n
	}
	return out
}

// denseInts groups one integer key whose values span a small range through a table
// indexed by value: each distinct value goes through the map once.
func (g *grouper) denseInts(a *array.Int64, n int, out []int32) bool {
	vs := a.Int64Values()[:n]
	if n == 0 {
		return true
	}
	lo, hi := vs[0], vs[0]
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < 0 || hi-lo >= 1<<22 || hi-lo > int64(4*n) {
		return false
	}
	table := make([]int32, hi-lo+1)
	for i := range table {
		table[i] = -1
	}
	kb := g.keys[0].(*array.Int64Builder)
	for i, v := range vs {
		id := table[v-lo]
		if id == -1 {
			var ok bool
			if id, ok = g.i64.get(v); !ok && g.probe {
				id = -2 // looked up, absent
			} else if !ok {
				id = int32(g.ngroups)
				g.ngroups++
				g.i64.put(v, id)
				kb.Append(v)
			}
			table[v-lo] = id
		}
		out[i] = max(id, -1)
	}
	return true
}

// dictIDs groups a category column by its codes: each dictionary entry is looked up
// once, when a row first uses it (entries no row uses make no group).
func (g *grouper) dictIDs(d *array.Dictionary, n int, out []int32) {
	dict := d.Dictionary().(*array.String)
	entry := make([]int32, dict.Len())
	for i := range entry {
		entry[i] = -2 // not looked up yet (a probe's absent entry is -1)
	}
	codes := codes(d)
	for i := range n {
		if d.IsNull(i) {
			out[i] = g.null()
			continue
		}
		e := codes[i]
		if entry[e] == -2 {
			entry[e] = g.strID(dict.Value(int(e)))
		}
		out[i] = entry[e]
	}
}

// strID is the group of one string key, added when new. v may point into an Arrow
// array: it is copied only for a new group.
func (g *grouper) strID(v string) int32 {
	id, ok := g.str[v]
	if !ok && g.probe {
		return -1
	}
	if !ok {
		id = int32(g.ngroups)
		g.ngroups++
		s := string([]byte(v))
		g.str[s] = id
		g.keys[0].(*array.StringBuilder).Append(s)
	}
	return id
}

// null is the group of a null key in the single-key paths.
func (g *grouper) null() int32 {
	if g.dropna || g.probe && g.nullID < 0 {
		return -1
	}
	if g.nullID < 0 {
		g.nullID = int32(g.ngroups)
		g.ngroups++
		g.keys[0].AppendNull()
	}
	return g.nullID
}

// multiKeys is an open-addressing hash table of key tuples.
type multiKeys struct {
	types []arrow.DataType
	n     int      // groups
	slots []uint64 // the top 32 bits of the group's hash, then group id + 1; 0 empty; len is a power of two
	hash  []uint64 // each group's hash
	cols  []keyCol // each key column's values, by group
	rowH  []uint64 // scratch: row hashes
	want  int      // groups reserved for: string keys' storage is sized from the first rows
	probe bool     // find returns -1 for a new tuple instead of adding it
}

// keyCol stores one key column's values by group.
type keyCol struct {
	valid []bool
	i64   []int64
	f64   []float64
	arena []byte  // string keys, back to back (one allocation, not one per group)
	offs  []int32 // string key g is arena[offs[g]:offs[g+1]]
	b     []bool
}

func (k *keyCol) str(g int32) string {
	b := k.arena[k.offs[g]:k.offs[g+1]]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func newMultiKeys(types []arrow.DataType) *multiKeys {
	return &multiKeys{types: types, cols: make([]keyCol, len(types)), slots: make([]uint64, 1024)}
}

// reserve sizes the table and the key storage for n groups, so that neither grows
// step by step (copying) while they are added.
func (m *multiKeys) reserve(n int) {
	size := 1024
	for size < 2*n {
		size <<= 1
	}
	if size <= len(m.slots) || m.n > 0 {
		return
	}
	m.slots = make([]uint64, size)
	m.hash = make([]uint64, 0, n)
	m.want = n
	for c, t := range m.types {
		k := &m.cols[c]
		k.valid = make([]bool, 0, n)
		switch t.ID() {
		case arrow.INT64:
			k.i64 = make([]int64, 0, n)
		case arrow.FLOAT64:
			k.f64 = make([]float64, 0, n)
		case arrow.BOOL:
			k.b = make([]bool, 0, n)
		default:
			k.offs = make([]int32, 0, n+1)
		}
	}
}

const (
	hashMul  = 0x9e3779b97f4a7c15
	nullHash = 0x5bd1e9955bd1e995
)

func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// ids fills out with the group of every row.
func (m *multiKeys) ids(cols []arrow.Array, n int, dropna bool, out []int32) {
	if m.dictIDs(cols, n, dropna, out) {
		return
	}
	if m.want > 0 && n > 0 {
		m.sizeArenas(cols, n)
	}
	m.rowH = growTo(m.rowH[:0], n)[:n]
	h := m.rowH
	dropped := rowHashes(cols, n, dropna, h)
	for i := range n {
		if len(dropped) > 0 && dropped[i] {
			out[i] = -1
			continue
		}
		out[i] = m.find(cols, i, h[i])
	}
}

// sizeArenas gives each string key column room for the reserved groups' bytes, at the
// average length of the column's values in these rows.
func (m *multiKeys) sizeArenas(cols []arrow.Array, n int) {
	for c, col := range cols {
		var bytes int
		switch a := col.(type) {
		case *array.String:
			bytes = len(a.ValueBytes())
		case *array.Dictionary:
			d := a.Dictionary().(*array.String)
			if d.Len() > 0 {
				bytes = len(d.ValueBytes()) * n / d.Len()
			}
		default:
			continue
		}
		if k := &m.cols[c]; k.arena == nil {
			k.arena = make([]byte, 0, int(float64(bytes)/float64(n)*float64(m.want)*1.1))
		}
	}
	m.want = 0
}

// find returns the group of row i, whose key tuple hashes to rh (rowHashes' value),
// adding a group when the tuple is new.
func (m *multiKeys) find(cols []arrow.Array, i int, rh uint64) int32 {
	if 2*(m.n+1) > len(m.slots) {
		m.grow()
	}
	hv := mix64(rh)
	tag := hv &^ 0xffffffff // the slot keeps the hash's top half: most mismatches cost no other load
	mask := uint64(len(m.slots) - 1)
	for s := hv & mask; ; s = (s + 1) & mask {
		slot := m.slots[s]
		if slot == 0 && m.probe {
			return -1
		}
		if slot == 0 {
			id := int32(m.n)
			m.slots[s] = tag | uint64(id+1)
			m.hash = append(m.hash, hv)
			m.add(cols, i)
			return id
		}
		if slot&^0xffffffff == tag {
			if id := int32(slot&0xffffffff) - 1; m.hash[id] == hv && m.equal(cols, i, id) {
				return id
			}
		}
	}
}

// dictIDs groups rows whose key columns all reduce to small codes — categories (their
// dictionary index), integers (their offset from the batch's smallest), booleans —
// without nulls. When their combinations are few (at most 4M), the codes combine into
// a dense index into a table of groups: a row costs a few loads, and only the first
// row of a combination goes through the hash table of key tuples. It reports false
// when the keys do not qualify.
func (m *multiKeys) dictIDs(cols []arrow.Array, n int, dropna bool, out []int32) bool {
	k := len(cols)
	codesOf := make([][]int32, k)    // category codes
	ints := make([][]int64, k)       // integer values
	mins := make([]int64, k)         // integer offsets
	entryHash := make([][]uint64, k) // categories: each entry's hash
	card := make([]uint64, k)
	for c, col := range cols {
		if col.NullN() > 0 {
			return false
		}
		switch a := col.(type) {
		case *array.Dictionary:
			if !isCategory(a.DataType()) {
				return false
			}
			dict := a.Dictionary().(*array.String)
			codesOf[c] = codes(a)
			card[c] = uint64(max(dict.Len(), 1))
			entryHash[c] = make([]uint64, dict.Len())
			for e := range entryHash[c] {
				entryHash[c][e] = strHash(dict.Value(e))
			}
		case *array.Int64:
			vs := a.Int64Values()[:n]
			if n == 0 {
				return false
			}
			lo, hi := vs[0], vs[0]
			for _, v := range vs {
				lo, hi = min(lo, v), max(hi, v)
			}
			if hi-lo < 0 || hi-lo >= 1<<40 {
				return false
			}
			ints[c], mins[c], card[c] = vs, lo, uint64(hi-lo)+1
		default:
			return false
		}
	}
	// The combinations must fit in 64 bits.
	total := uint64(1)
	for _, cd := range card {
		if total > math.MaxUint64/cd {
			return false
		}
		total *= cd
	}
	strides := make([]uint64, k)
	stride := uint64(1)
	for c := k - 1; c >= 0; c-- {
		strides[c] = stride
		stride *= card[c]
	}
	code := func(i int) uint64 {
		var x uint64
		for c := range k {
			if codesOf[c] != nil {
				x += uint64(codesOf[c][i]) * strides[c]
			} else {
				x += uint64(ints[c][i]-mins[c]) * strides[c]
			}
		}
		return x
	}
	hashRow := func(i int) uint64 { // as rowHashes
		var h uint64
		for c := range k {
			if codesOf[c] != nil {
				h = (h+entryHash[c][codesOf[c][i]])*hashMul + 1
			} else {
				h = (h+mix64(uint64(ints[c][i])))*hashMul + 1
			}
		}
		return h
	}
	if total > 1<<22 {
		// Too many combinations for a table; a map of them would only add work when,
		// as with near-unique keys, most rows are new.
		return false
	}
	table := make([]int32, total)
	for i := range table {
		table[i] = -1
	}
	for i := range n {
		x := code(i)
		id := table[x]
		if id < 0 {
			id = m.find(cols, i, hashRow(i))
			table[x] = id
		}
		out[i] = id
	}
	return true
}

// rowHashes fills h with a hash of every row's key tuple, column by column (one type
// switch per column, not per row); with dropna it also marks rows with a null key.
func rowHashes(cols []arrow.Array, n int, dropna bool, h []uint64) (dropped []bool) {
	clear(h)
	var before []uint64
	for _, c := range cols {
		nulls := c.NullN() > 0
		if nulls {
			// A null's slot holds any value: its hash is the tuple's so far and the
			// null marker, whatever the slot.
			before = append(before[:0], h[:n]...)
		}
		switch a := c.(type) {
		case *array.Int64:
			for i, v := range a.Int64Values()[:n] {
				h[i] = (h[i]+mix64(uint64(v)))*hashMul + 1
			}
		case *array.Float64:
			for i, v := range a.Float64Values()[:n] {
				if v == 0 {
					v = 0 // -0 and 0 are one key
				}
				h[i] = (h[i]+mix64(math.Float64bits(v)))*hashMul + 1
			}
		case *array.String:
			for i := range n {
				h[i] = (h[i]+strHash(a.Value(i)))*hashMul + 1
			}
		case *array.Boolean:
			for i := range n {
				h[i] = (h[i]+uint64(b2i(a.Value(i)))+7)*hashMul + 1
			}
		case *array.Dictionary:
			// Hash each entry once; equal strings hash alike in either encoding.
			dict := a.Dictionary().(*array.String)
			eh := make([]uint64, dict.Len())
			for e := range eh {
				eh[e] = strHash(dict.Value(e))
			}
			cs := codes(a)
			for i := range n {
				if e := int(cs[i]); e >= 0 && e < len(eh) { // a null's code may be anything
					h[i] = (h[i]+eh[e])*hashMul + 1
				}
			}
		}
		if nulls {
			if dropna && dropped == nil {
				dropped = make([]bool, n)
			}
			for i := range n {
				if c.IsNull(i) {
					h[i] = (before[i]+nullHash)*hashMul + 1
					if dropna {
						dropped[i] = true
					}
				}
			}
		}
	}
	return dropped
}

// strHash is FNV-1a over the bytes, finished by mix64.
func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h)
}

func (m *multiKeys) grow() {
	slots := make([]uint64, 2*len(m.slots))
	mask := uint64(len(slots) - 1)
	for id, hv := range m.hash {
		s := hv & mask
		for slots[s] != 0 {
			s = (s + 1) & mask
		}
		slots[s] = hv&^0xffffffff | uint64(id+1)
	}
	m.slots = slots
}

// add stores row i's keys as a new group.
func (m *multiKeys) add(cols []arrow.Array, i int) {
	m.n++
	for c, col := range cols {
		k := &m.cols[c]
		ok := col.IsValid(i)
		k.valid = append(k.valid, ok)
		switch a := col.(type) {
		case *array.Int64:
			k.i64 = append(k.i64, a.Value(i))
		case *array.Float64:
			k.f64 = append(k.f64, a.Value(i))
		case *array.String:
			if len(k.offs) == 0 {
				k.offs = append(k.offs, 0)
			}
			if ok {
				k.arena = append(k.arena, a.Value(i)...)
			}
			k.offs = append(k.offs, int32(len(k.arena)))
		case *array.Dictionary:
			if len(k.offs) == 0 {
				k.offs = append(k.offs, 0)
			}
			if ok {
				k.arena = append(k.arena, dictValue(a, i)...)
			}
			k.offs = append(k.offs, int32(len(k.arena)))
		case *array.Boolean:
			k.b = append(k.b, ok && a.Value(i))
		}
	}
}

// equal reports whether row i has group id's keys.
func (m *multiKeys) equal(cols []arrow.Array, i int, id int32) bool {
	for c, col := range cols {
		k := &m.cols[c]
		ok := col.IsValid(i)
		if ok != k.valid[id] {
			return false
		}
		if !ok {
			continue
		}
		switch a := col.(type) {
		case *array.Int64:
			if a.Value(i) != k.i64[id] {
				return false
			}
		case *array.Float64:
			x, y := a.Value(i), k.f64[id]
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				return false
			}
		case *array.String:
			if a.Value(i) != k.str(id) {
				return false
			}
		case *array.Dictionary:
			if dictValue(a, i) != k.str(id) {
				return false
			}
		case *array.Boolean:
			if a.Value(i) != k.b[id] {
				return false
			}
		}
	}
	return true
}

// arrays returns the groups' key columns, which the caller releases. They share the
// grouper's storage, without a copy: the slices are clipped first, so that groups
// added later go to new storage and leave the arrays as they are.
func (m *multiKeys) arrays(mem memory.Allocator) []arrow.Array {
	out := make([]arrow.Array, len(m.types))
	for c, t := range m.types {
		k := &m.cols[c]
		var validity *memory.Buffer
		nulls := 0
		for _, ok := range k.valid[:m.n] {
			if !ok {
				nulls++
			}
		}
		if nulls > 0 {
			bm := make([]byte, bitutil.BytesForBits(int64(m.n)))
			for id, ok := range k.valid[:m.n] {
				if ok {
					bitutil.SetBit(bm, id)
				}
			}
			validity = memory.NewBufferBytes(bm)
		}
		var buffers []*memory.Buffer
		switch t.ID() {
		case arrow.INT64:
			k.i64 = slices.Clip(k.i64[:m.n])
			buffers = []*memory.Buffer{validity, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(k.i64))}
		case arrow.FLOAT64:
			k.f64 = slices.Clip(k.f64[:m.n])
			buffers = []*memory.Buffer{validity, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(k.f64))}
		case arrow.STRING:
			if len(k.offs) == 0 {
				k.offs = append(k.offs, 0)
			}
			k.offs, k.arena = slices.Clip(k.offs[:m.n+1]), slices.Clip(k.arena)
			buffers = []*memory.Buffer{validity, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(k.offs)), memory.NewBufferBytes(k.arena)}
		case arrow.BOOL:
			bm := make([]byte, bitutil.BytesForBits(int64(m.n)))
			for id, v := range k.b[:m.n] {
				if v {
					bitutil.SetBit(bm, id)
				}
			}
			buffers = []*memory.Buffer{validity, memory.NewBufferBytes(bm)}
		default:
			// Not a grouped type; newGrouper admits none other.
			b := array.NewBuilder(mem, t)
			b.AppendNulls(m.n)
			out[c] = b.NewArray()
			b.Release()
			continue
		}
		data := array.NewData(t, m.n, buffers, nil, nulls, 0)
		out[c] = array.MakeFromData(data)
		data.Release()
	}
	return out
}

// dictValue is row i's string in a category column.
func dictValue(d *array.Dictionary, i int) string {
	return d.Dictionary().(*array.String).Value(d.GetValueIndex(i))
}

// mostlyDistinct reports whether the key tuples of n rows are estimated to be at least
// half distinct, with no row dropped for a null key. The estimate is a HyperLogLog
// sketch (2048 registers, about 2% error) over the row hashes.
func mostlyDistinct(cols []arrow.Array, n int, dropna bool) bool {
	h := make([]uint64, n)
	if dropped := rowHashes(cols, n, dropna, h); dropped != nil {
		return false
	}
	const p = 11
	const m = 1 << p
	var reg [m]uint8
	for _, rh := range h {
		hv := mix64(rh)
		j := hv >> (64 - p)
		rho := uint8(bits.LeadingZeros64(hv<<p|1<<(p-1))) + 1
		reg[j] = max(reg[j], rho)
	}
	sum, zeros := 0.0, 0
	for _, r := range reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	est := 0.7213 / (1 + 1.079/m) * m * m / sum
	if est <= 2.5*m && zeros > 0 {
		est = m * math.Log(m/float64(zeros))
	}
	return est >= 0.5*float64(n)
}

// intTable maps int64 keys to group ids: open addressing with linear probing over
// parallel arrays, which costs about one cache miss per lookup (a Go map costs more).
type intTable struct {
	keys []int64
	ids  []int32 // id + 1; 0: empty slot
	n    int
}

func newIntTable(n int) *intTable {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	return &intTable{keys: make([]int64, size), ids: make([]int32, size)}
}

func (t *intTable) get(k int64) (int32, bool) {
	mask := uint64(len(t.keys) - 1)
	for s := mix64(uint64(k)*hashMul) & mask; ; s = (s + 1) & mask {
		id := t.ids[s]
		if id == 0 {
			return 0, false
		}
		if t.keys[s] == k {
			return id - 1, true
		}
	}
}

// put adds k, which is not in the table.
func (t *intTable) put(k int64, id int32) {
	if 2*(t.n+1) > len(t.keys) {
		old := *t
		*t = *newIntTable(len(old.keys))
		for s, oid := range old.ids {
			if oid != 0 {
				t.put(old.keys[s], oid-1)
			}
		}
	}
	mask := uint64(len(t.keys) - 1)
	s := mix64(uint64(k)*hashMul) & mask
	for t.ids[s] != 0 {
		s = (s + 1) & mask
	}
	t.keys[s], t.ids[s] = k, id+1
	t.n++
}
