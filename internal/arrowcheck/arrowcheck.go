// Package arrowcheck verifies Arrow IPC metadata before Arrow Go reads it.
//
// Arrow IPC metadata is FlatBuffers, and Arrow Go's IPC reader trusts it: a corrupt
// vector length becomes the size of a slice it allocates, so a few flipped bytes can
// make it ask for hundreds of gigabytes and end the process with a fatal out-of-memory
// error that no recover catches. (Arrow's C++ reader runs a FlatBuffers verifier
// first; Arrow Go has none.) This package is that verifier for the parts Arrow Go
// reads: every table, vector and string of a schema, of an IPC file's footer and of
// its record batch messages must lie inside the buffer, and bodies inside the file.
package arrowcheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is wrapped by every error of this package.
var ErrCorrupt = errors.New("corrupt Arrow IPC metadata")

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// verifier walks one FlatBuffers buffer with bounds checks.
type verifier struct {
	buf     []byte
	visited int // tables visited: a budget against cyclic or exponential structures
}

const (
	maxDepth  = 64
	maxTables = 1 << 20
)

// table is a verified table: its position and its vtable's field offsets.
type table struct {
	pos    int
	fields []uint16
}

func (v *verifier) u32(pos int) (uint32, error) {
	if pos < 0 || pos+4 > len(v.buf) {
		return 0, corrupt("offset %d outside %d bytes", pos, len(v.buf))
	}
	return binary.LittleEndian.Uint32(v.buf[pos:]), nil
}

// tableAt verifies the table at pos.
func (v *verifier) tableAt(pos int) (table, error) {
	if v.visited++; v.visited > maxTables {
		return table{}, corrupt("more than %d tables", maxTables)
	}
	so, err := v.u32(pos)
	if err != nil {
		return table{}, err
	}
	vt := pos - int(int32(so))
	if vt < 0 || vt+4 > len(v.buf) || vt%2 != 0 {
		return table{}, corrupt("vtable at %d outside %d bytes", vt, len(v.buf))
	}
	vsize := int(binary.LittleEndian.Uint16(v.buf[vt:]))
	osize := int(binary.LittleEndian.Uint16(v.buf[vt+2:]))
	if vsize < 4 || vsize%2 != 0 || vt+vsize > len(v.buf) || pos+osize > len(v.buf) {
		return table{}, corrupt("table at %d does not fit", pos)
	}
	t := table{pos: pos}
	for i := 4; i < vsize; i += 2 {
		off := binary.LittleEndian.Uint16(v.buf[vt+i:])
		if off != 0 && int(off)+1 > osize {
			return table{}, corrupt("table at %d: field %d outside the table", pos, (i-4)/2)
		}
		t.fields = append(t.fields, off)
	}
	return t, nil
}

// field is the position of field slot, or -1 when absent.
func (t table) field(slot int) int {
	if slot >= len(t.fields) || t.fields[slot] == 0 {
		return -1
	}
	return t.pos + int(t.fields[slot])
}

// ref follows the offset stored in field slot (a table, vector or string); -1 when the
// field is absent.
func (v *verifier) ref(t table, slot int) (int, error) {
	p := t.field(slot)
	if p < 0 {
		return -1, nil
	}
	off, err := v.u32(p)
	if err != nil {
		return 0, err
	}
	target := p + int(off)
	if target >= len(v.buf) || target < 0 {
		return 0, corrupt("reference at %d points outside the buffer", p)
	}
	return target, nil
}

// vector verifies the vector of field slot with elements of size bytes; it returns its
// first element's position and its length (0 and -1 when absent).
func (v *verifier) vector(t table, slot, size int) (int, int, error) {
	p, err := v.ref(t, slot)
	if err != nil || p < 0 {
		return 0, -1, err
	}
	n, err := v.u32(p)
	if err != nil {
		return 0, 0, err
	}
	if uint64(n)*uint64(size) > uint64(len(v.buf)-p-4) {
		return 0, 0, corrupt("vector at %d: %d elements of %d bytes do not fit", p, n, size)
	}
	return p + 4, int(n), nil
}

// tables verifies a vector of tables with check.
func (v *verifier) tableVector(t table, slot, depth int, check func(table, int) error) error {
	start, n, err := v.vector(t, slot, 4)
	if err != nil {
		return err
	}
	for i := range n {
		p := start + 4*i
		off, _ := v.u32(p)
		sub, err := v.tableAt(p + int(off))
		if err != nil {
			return err
		}
		if err := check(sub, depth); err != nil {
			return err
		}
	}
	return nil
}

// sub verifies the table of field slot with check, if present.
func (v *verifier) sub(t table, slot, depth int, check func(table, int) error) error {
	p, err := v.ref(t, slot)
	if err != nil || p < 0 {
		return err
	}
	s, err := v.tableAt(p)
	if err != nil {
		return err
	}
	return check(s, depth)
}

func (v *verifier) keyValues(t table, slot int) error {
	return v.tableVector(t, slot, 0, func(kv table, _ int) error {
		if _, _, err := v.vector(kv, 0, 1); err != nil {
			return err
		}
		_, _, err := v.vector(kv, 1, 1)
		return err
	})
}

func (v *verifier) schema(s table, _ int) error {
	if err := v.tableVector(s, 1, 0, v.field); err != nil {
		return err
	}
	if err := v.keyValues(s, 2); err != nil {
		return err
	}
	_, _, err := v.vector(s, 3, 8)
	return err
}

// Type union members with vectors or strings: Union (typeIds) and Timestamp
// (timezone).
const (
	typeTimestamp = 10
	typeUnion     = 14
)

func (v *verifier) field(f table, depth int) error {
	if depth > maxDepth {
		return corrupt("fields nested deeper than %d", maxDepth)
	}
	if _, _, err := v.vector(f, 0, 1); err != nil { // name
		return err
	}
	typeType := 0
	if p := f.field(2); p >= 0 {
		typeType = int(v.buf[p])
	}
	if err := v.sub(f, 3, depth, func(t table, _ int) error {
		switch typeType {
		case typeUnion:
			_, _, err := v.vector(t, 1, 4)
			return err
		case typeTimestamp:
			_, _, err := v.vector(t, 1, 1)
			return err
		}
		return nil
	}); err != nil {
		return err
	}
	if err := v.sub(f, 4, depth, func(d table, _ int) error { // dictionary encoding
		return v.sub(d, 1, depth, func(table, int) error { return nil })
	}); err != nil {
		return err
	}
	if err := v.tableVector(f, 5, depth+1, v.field); err != nil { // children
		return err
	}
	return v.keyValues(f, 6)
}

func (v *verifier) root() (table, error) {
	off, err := v.u32(0)
	if err != nil {
		return table{}, err
	}
	return v.tableAt(int(off))
}

// Message header types.
const (
	headerSchema          = 1
	headerDictionaryBatch = 2
	headerRecordBatch     = 3
)

// message verifies an IPC Message flatbuffer and returns its body length; body is the size
// available for its body (-1: unknown).
func (v *verifier) message(body int64) (int64, error) {
	m, err := v.root()
	if err != nil {
		return 0, err
	}
	header := 0
	if p := m.field(1); p >= 0 {
		header = int(v.buf[p])
	}
	var bodyLen int64
	if p := m.field(3); p >= 0 {
		if p+8 > len(v.buf) {
			return 0, corrupt("message body length outside the buffer")
		}
		bodyLen = int64(binary.LittleEndian.Uint64(v.buf[p:]))
	}
	if bodyLen < 0 || body >= 0 && bodyLen > body {
		return 0, corrupt("message body of %d bytes, %d available", bodyLen, body)
	}
	if err := v.keyValues(m, 4); err != nil {
		return 0, err
	}
	batch := func(rb table, _ int) error {
		if _, _, err := v.vector(rb, 1, 16); err != nil { // nodes
			return err
		}
		start, n, err := v.vector(rb, 2, 16) // buffers
		if err != nil {
			return err
		}
		for i := range n {
			p := start + 16*i
			off := int64(binary.LittleEndian.Uint64(v.buf[p:]))
			size := int64(binary.LittleEndian.Uint64(v.buf[p+8:]))
			if off < 0 || size < 0 || off > bodyLen || size > bodyLen-off {
				return corrupt("buffer %d at %d of %d bytes outside a body of %d", i, off, size, bodyLen)
			}
		}
		if err := v.sub(rb, 3, 0, func(table, int) error { return nil }); err != nil {
			return err
		}
		_, _, err = v.vector(rb, 4, 8)
		return err
	}
	switch header {
	case headerSchema:
		err = v.sub(m, 2, 0, v.schema)
	case headerRecordBatch:
		err = v.sub(m, 2, 0, batch)
	case headerDictionaryBatch:
		err = v.sub(m, 2, 0, func(d table, _ int) error { return v.sub(d, 1, 0, batch) })
	}
	return bodyLen, err
}

// SchemaMessage verifies an encapsulated IPC message holding a schema, as Parquet
// files store their Arrow schema (ARROW:schema, after base64): an optional
// continuation marker, the metadata length, then the Message flatbuffer.
func SchemaMessage(b []byte) error { return verifyBlockMessage(b, -1) }

var magic = []byte("ARROW1")

// File verifies an Arrow IPC file's footer (schema and block list) and the metadata
// of every record batch and dictionary message it lists.
func File(r io.ReaderAt, size int64) error {
	if size < int64(2*len(magic)+4+2) {
		return corrupt("%d bytes is too short for an Arrow IPC file", size)
	}
	tail := make([]byte, 4+len(magic))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if string(tail[4:]) != string(magic) {
		return corrupt("no ARROW1 magic at the end")
	}
	flen := int64(int32(binary.LittleEndian.Uint32(tail)))
	if flen <= 0 || flen > size-int64(len(tail))-8 {
		return corrupt("footer of %d bytes in a file of %d", flen, size)
	}
	footer := make([]byte, flen)
	if _, err := r.ReadAt(footer, size-int64(len(tail))-flen); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	v := &verifier{buf: footer}
	f, err := v.root()
	if err != nil {
		return err
	}
	if err := v.sub(f, 1, 0, v.schema); err != nil {
		return err
	}
	if err := v.keyValues(f, 4); err != nil {
		return err
	}
	for _, slot := range []int{2, 3} { // dictionaries, record batches
		start, n, err := v.vector(f, slot, 24)
		if err != nil {
			return err
		}
		for i := range n {
			p := start + 24*i
			off := int64(binary.LittleEndian.Uint64(footer[p:]))
			meta := int64(int32(binary.LittleEndian.Uint32(footer[p+8:])))
			body := int64(binary.LittleEndian.Uint64(footer[p+16:]))
			if off < 0 || meta <= 0 || body < 0 || off > size || meta > size-off || body > size-off-meta {
				return corrupt("block %d (offset %d, metadata %d, body %d bytes) outside a file of %d", i, off, meta, body, size)
			}
			buf := make([]byte, meta)
			if _, err := r.ReadAt(buf, off); err != nil {
				return fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			if err := verifyBlockMessage(buf, body); err != nil {
				return fmt.Errorf("block %d: %w", i, err)
			}
		}
	}
	return nil
}

// verifyBlockMessage verifies an encapsulated message's metadata: continuation marker,
// length, Message; body is the size available for its body (-1: unknown).
func verifyBlockMessage(b []byte, body int64) error {
	if len(b) >= 4 && binary.LittleEndian.Uint32(b) == 0xFFFFFFFF {
		b = b[4:]
	}
	if len(b) < 4 {
		return corrupt("message of %d bytes", len(b))
	}
	n := int64(int32(binary.LittleEndian.Uint32(b)))
	if n <= 0 || n > int64(len(b)-4) {
		return corrupt("message claims %d bytes of metadata, has %d", n, len(b)-4)
	}
	v := &verifier{buf: b[4 : 4+n]}
	_, err := v.message(body)
	return err
}

// Stream verifies the metadata of every message of an Arrow IPC stream held in b
// (schema, dictionary and record batch messages) and that every body lies inside b.
func Stream(b []byte) error {
	off := 0
	for i := 0; off < len(b); i++ {
		rest := b[off:]
		prefix := 4
		if len(rest) >= 4 && binary.LittleEndian.Uint32(rest) == 0xFFFFFFFF {
			prefix = 8
		}
		if len(rest) < prefix {
			return corrupt("message %d: %d bytes left for its %d-byte prefix", i, len(rest), prefix)
		}
		n := int64(int32(binary.LittleEndian.Uint32(rest[prefix-4:])))
		if n == 0 {
			return nil // end of stream
		}
		if n < 0 || n > int64(len(rest)-prefix) {
			return corrupt("message %d claims %d bytes of metadata, has %d", i, n, len(rest)-prefix)
		}
		v := &verifier{buf: rest[prefix : int64(prefix)+n]}
		bodyLen, err := v.message(int64(len(rest)) - int64(prefix) - n)
		if err != nil {
			return fmt.Errorf("message %d: %w", i, err)
		}
		off += prefix + int(n) + int(bodyLen)
	}
	return nil
}
