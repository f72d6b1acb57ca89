package codec

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/internal/arrowcheck"
)

// Names of the built-in codecs.
const (
	Nil   = ""      // the nil value: no bytes
	Gob   = "gob"   // encoding/gob of the value in an interface slot
	Arrow = "arrow" // an arrow.RecordBatch as an Arrow IPC stream
)

// Value is an encoded value: the codec's name and its bytes.
type Value struct {
	Codec string
	Data  []byte
}

// Size is the encoded size in bytes.
func (v Value) Size() int64 { return int64(len(v.Data)) }

type entry struct {
	name string
	enc  func(any) ([]byte, error)
	dec  func([]byte) (any, error)
}

var registry struct {
	sync.RWMutex
	byType map[reflect.Type]*entry // concrete types, and concrete types matched to an interface
	ifaces []ifaceEntry            // codecs registered for interface types
	byName map[string]*entry
}

type ifaceEntry struct {
	t reflect.Type
	e *entry
}

// Register adds a codec for the values of type T under name. When T is an interface
// type, the codec serves every concrete type that implements it (after the codecs of
// concrete types). enc must not keep the value; dec returns a value its caller owns (a
// reference-counted value carries one reference). Registering a name or a type twice
// panics.
func Register[T any](name string, enc func(T) ([]byte, error), dec func([]byte) (T, error)) {
	t := reflect.TypeFor[T]()
	e := &entry{
		name: name,
		enc:  func(v any) ([]byte, error) { return enc(v.(T)) },
		dec:  func(b []byte) (any, error) { return dec(b) },
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.byName == nil {
		registry.byName = map[string]*entry{}
		registry.byType = map[reflect.Type]*entry{}
	}
	if name == Nil || name == Gob || name == Basic || registry.byName[name] != nil {
		panic(fmt.Sprintf("codec: codec %q registered twice", name))
	}
	registry.byName[name] = e
	if t.Kind() == reflect.Interface {
		registry.ifaces = append(registry.ifaces, ifaceEntry{t, e})
		return
	}
	if registry.byType[t] != nil {
		panic(fmt.Sprintf("codec: a codec for %s registered twice", t))
	}
	registry.byType[t] = e
}

func lookup(t reflect.Type) *entry {
	registry.RLock()
	e, ok := registry.byType[t]
	registry.RUnlock()
	if ok {
		return e
	}
	registry.Lock()
	defer registry.Unlock()
	for _, ie := range registry.ifaces {
		if t.Implements(ie.t) {
			e = ie.e
			break
		}
	}
	if registry.byType == nil {
		registry.byType = map[reflect.Type]*entry{}
	}
	registry.byType[t] = e // nil: gob, remembered too
	return e
}

// box carries a value through gob in an interface slot, so its concrete type travels
// with it.
type box struct{ V any }

// Encode encodes v with Basic when it is of a predeclared scalar type, else with the
// codec registered for its type, or gob.
func Encode(v any) (Value, error) {
	if v == nil {
		return Value{}, nil
	}
	if b, ok := encodeBasic(v); ok {
		return Value{Codec: Basic, Data: b}, nil
	}
	if e := lookup(reflect.TypeOf(v)); e != nil {
		b, err := e.enc(v)
		if err != nil {
			return Value{}, fmt.Errorf("codec: encode %T with %s: %w", v, e.name, err)
		}
		return Value{Codec: e.name, Data: b}, nil
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&box{v}); err != nil {
		return Value{}, fmt.Errorf("codec: encode %T with gob: %w (a type carried in an interface must be registered: gask.RegisterType or gob.Register)", v, err)
	}
	return Value{Codec: Gob, Data: buf.Bytes()}, nil
}

// Decode decodes what Encode made. The value may keep v.Data (Arrow record batches
// are read in place), which must not change afterwards.
func Decode(v Value) (any, error) {
	switch v.Codec {
	case Nil:
		return nil, nil
	case Basic:
		out, err := decodeBasic(v.Data)
		if err != nil {
			return nil, fmt.Errorf("codec: decode %s (%d bytes): %w", Basic, len(v.Data), err)
		}
		return out, nil
	case Gob:
		var b box
		if err := gob.NewDecoder(bytes.NewReader(v.Data)).Decode(&b); err != nil {
			return nil, fmt.Errorf("codec: decode gob (%d bytes): %w", len(v.Data), err)
		}
		return b.V, nil
	}
	registry.RLock()
	e := registry.byName[v.Codec]
	registry.RUnlock()
	if e == nil {
		return nil, fmt.Errorf("codec: unknown codec %q (is the package that registers it linked into this binary?)", v.Codec)
	}
	out, err := e.dec(v.Data)
	if err != nil {
		return nil, fmt.Errorf("codec: decode %s (%d bytes): %w", v.Codec, len(v.Data), err)
	}
	return out, nil
}

func init() {
	Register[arrow.RecordBatch](Arrow, EncodeRecords1, DecodeRecord)
	// The shapes of semi-structured data (decoded JSON) and other common values in
	// interface slots.
	gob.Register(map[string]any(nil))
	gob.Register([]any(nil))
	gob.Register([]map[string]any(nil))
	gob.Register(time.Time{})
	gob.Register(time.Duration(0))
}

// EncodeRecords1 writes one record batch as an Arrow IPC stream.
func EncodeRecords1(r arrow.RecordBatch) ([]byte, error) {
	return EncodeRecords(r.Schema(), []arrow.RecordBatch{r})
}

// EncodeRecords writes record batches of one schema as an Arrow IPC stream.
func EncodeRecords(schema *arrow.Schema, recs []arrow.RecordBatch) ([]byte, error) {
	// Sized up front: growing by doubling copied a large batch about twice over and
	// allocated twice its size.
	size := 4096 + 512*len(schema.Fields())
	for _, r := range recs {
		size += 1024
		for _, c := range r.Columns() {
			size += ipcBytes(c.Data())
		}
	}
	var buf bytes.Buffer
	buf.Grow(size)
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ipcBytes bounds what an array's buffers take in an IPC stream (each padded to 8
// bytes, with a margin for its metadata).
func ipcBytes(d arrow.ArrayData) int {
	if d == nil {
		return 0
	}
	n := 128
	for _, b := range d.Buffers() {
		if b != nil {
			n += b.Len() + 64
		}
	}
	for _, c := range d.Children() {
		n += ipcBytes(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY {
		n += ipcBytes(d.Dictionary())
	}
	return n
}

// DecodeRecords reads every record batch of an Arrow IPC stream; the caller owns them.
// Their buffers are b's bytes, not copies (a 64 MiB batch would be copied, and its
// pages first touched, for nothing): b must not change while they live.
func DecodeRecords(b []byte) (*arrow.Schema, []arrow.RecordBatch, error) {
	// Arrow Go trusts IPC metadata: a corrupt length would become an allocation that
	// ends the process. Verify it first.
	if err := arrowcheck.Stream(b); err != nil {
		return nil, nil, err
	}
	mr := &memMessages{b: b}
	mr.refs.Store(1)
	r, err := ipc.NewReaderFromMessageReader(mr, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		mr.Release()
		return nil, nil, err
	}
	defer r.Release()
	var out []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		out = append(out, rec)
	}
	if err := r.Err(); err != nil {
		for _, rec := range out {
			rec.Release()
		}
		return nil, nil, err
	}
	return r.Schema(), out, nil
}

// memMessages reads the messages of an Arrow IPC stream held in memory, their
// metadata and bodies slices of it.
type memMessages struct {
	b    []byte
	refs atomic.Int64
	msg  *ipc.Message
}

func (r *memMessages) Retain() { r.refs.Add(1) }

func (r *memMessages) Release() {
	if r.refs.Add(-1) == 0 && r.msg != nil {
		r.msg.Release()
		r.msg = nil
	}
}

func (r *memMessages) Message() (msg *ipc.Message, err error) {
	defer func() {
		if p := recover(); p != nil { // malformed metadata
			msg, err = nil, fmt.Errorf("arrow/ipc: invalid message metadata: %v", p)
		}
	}()
	if r.msg != nil {
		r.msg.Release()
		r.msg = nil
	}
	b := r.b
	if len(b) < 4 {
		return nil, io.EOF // the end, without an end-of-stream marker
	}
	n, off := binary.LittleEndian.Uint32(b), 4
	switch n {
	case 0:
		return nil, io.EOF
	case 0xFFFFFFFF: // continuation marker, then the length
		if len(b) < 8 {
			return nil, io.ErrUnexpectedEOF
		}
		n, off = binary.LittleEndian.Uint32(b[4:]), 8
		if n == 0 {
			return nil, io.EOF
		}
	}
	if n < 4 || uint64(off)+uint64(n) > uint64(len(b)) {
		return nil, fmt.Errorf("arrow/ipc: message metadata of %d bytes in %d", n, len(b)-off)
	}
	meta := memory.NewBufferBytes(b[off : off+int(n)])
	off += int(n)
	head := ipc.NewMessage(meta, memory.NewBufferBytes(nil))
	size := head.BodyLen()
	head.Release()
	if size < 0 || uint64(size) > uint64(len(b)-off) {
		return nil, fmt.Errorf("arrow/ipc: message body of %d bytes in %d", size, len(b)-off)
	}
	r.msg = ipc.NewMessage(meta, memory.NewBufferBytes(b[off:off+int(size)]))
	r.b = b[off+int(size):]
	return r.msg, nil
}

// DecodeRecord reads a stream of exactly one record batch.
func DecodeRecord(b []byte) (arrow.RecordBatch, error) {
	_, recs, err := DecodeRecords(b)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		for _, r := range recs {
			r.Release()
		}
		return nil, fmt.Errorf("stream holds %d record batches, want 1", len(recs))
	}
	return recs[0], nil
}
