package arrowcheck

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ipcFile writes a small IPC file with a nested column (so a field has children).
func ipcFile(t *testing.T) []byte {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "at", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{Name: "pt", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Float64})},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1, 2}, nil)
	sb := b.Field(2).(*array.StructBuilder)
	sb.AppendValues([]bool{true, true})
	sb.FieldBuilder(0).(*array.Float64Builder).AppendValues([]float64{1, 2}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// footerField finds, in an IPC file, the position of the length of the children
// vector of the schema's field i.
func childrenLengthPos(t *testing.T, file []byte, i int) int {
	t.Helper()
	flen := int(binary.LittleEndian.Uint32(file[len(file)-10:]))
	start := len(file) - 10 - flen
	v := &verifier{buf: file[start : len(file)-10]}
	f, err := v.root()
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := v.ref(f, 1)
	s, err := v.tableAt(sp)
	if err != nil {
		t.Fatal(err)
	}
	fstart, n, err := v.vector(s, 1, 4)
	if err != nil || i >= n {
		t.Fatalf("fields: %d, %v", n, err)
	}
	off, _ := v.u32(fstart + 4*i)
	field, err := v.tableAt(fstart + 4*i + int(off))
	if err != nil {
		t.Fatal(err)
	}
	cp, err := v.ref(field, 5)
	if err != nil || cp < 0 {
		t.Fatalf("children: %d, %v", cp, err)
	}
	return start + cp
}

func TestFile(t *testing.T) {
	good := ipcFile(t)
	if err := File(bytes.NewReader(good), int64(len(good))); err != nil {
		t.Fatalf("a valid file: %v", err)
	}
	// A children vector claiming two billion fields: Arrow Go would allocate them.
	bad := bytes.Clone(good)
	binary.LittleEndian.PutUint32(bad[childrenLengthPos(t, bad, 2):], 0x7fffffff)
	if err := File(bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("huge children vector: %v", err)
	}
	// Every truncation and every single-byte change either verifies or is
	// rejected with ErrCorrupt; none panics.
	for n := 0; n < len(good); n += 7 {
		if err := File(bytes.NewReader(good[:n]), int64(n)); err == nil {
			t.Fatalf("%d of %d bytes verified", n, len(good))
		}
	}
	for p := range good {
		for _, b := range []byte{0, 0x7f, 0xff} {
			mut := bytes.Clone(good)
			mut[p] = b
			if err := File(bytes.NewReader(mut), int64(len(mut))); err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d = %#x: %v", p, b, err)
			}
		}
	}
}

func TestSchemaMessage(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.ListOf(arrow.BinaryTypes.String)}}, nil)
	msg := ipcSchemaMessage(schema)
	if err := SchemaMessage(msg); err != nil {
		t.Fatalf("a valid schema: %v", err)
	}
	for p := range msg {
		mut := bytes.Clone(msg)
		mut[p] ^= 0xff
		if err := SchemaMessage(mut); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d flipped: %v", p, err)
		}
	}
	if err := SchemaMessage([]byte{1, 2}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("short: %v", err)
	}
}

// ipcSchemaMessage is schema as an encapsulated IPC message, as Parquet stores it.
func ipcSchemaMessage(schema *arrow.Schema) []byte {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	w.Close()
	return buf.Bytes()
}
