package codec

import (
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Records of flat, nested and dictionary columns come back equal.
func TestArrowRoundTrip(t *testing.T) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String},
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		{Name: "d", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range 1000 {
		if i%7 == 0 {
			b.Field(0).(*array.Int64Builder).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
		}
		b.Field(1).(*array.StringBuilder).Append(string(rune('a' + i%26)))
		lb := b.Field(2).(*array.ListBuilder)
		lb.Append(true)
		for j := range i % 3 {
			lb.ValueBuilder().(*array.Float64Builder).Append(float64(j))
		}
		if err := b.Field(3).(*array.BinaryDictionaryBuilder).AppendString([]string{"x", "y", "z"}[i%3]); err != nil {
			t.Fatal(err)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	for _, r := range []arrow.RecordBatch{rec, rec.NewSlice(10, 20)} {
		enc, err := Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		if enc.Codec != Arrow {
			t.Fatalf("codec %q", enc.Codec)
		}
		v, err := Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		got := v.(arrow.RecordBatch)
		if !array.RecordEqual(got, r) {
			t.Errorf("record came back different:\n%v\nwant\n%v", got, r)
		}
		got.Release()
	}
}

// Decoding reads the batches' buffers in place, and a stream cut anywhere is an error
// (or, cut between messages, fewer batches), never a panic.
func TestArrowDecodeInPlace(t *testing.T) {
	mem := memory.NewGoAllocator()
	b := array.NewInt64Builder(mem)
	defer b.Release()
	for i := range 4096 {
		b.Append(int64(i))
	}
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer rec.Release()
	enc, err := EncodeRecords(schema, []arrow.RecordBatch{rec, rec})
	if err != nil {
		t.Fatal(err)
	}
	_, recs, err := DecodeRecords(enc)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d batches, %v", len(recs), err)
	}
	vals := recs[1].Column(0).(*array.Int64).Int64Values()
	start := uintptr(unsafe.Pointer(unsafe.SliceData(enc)))
	if p := uintptr(unsafe.Pointer(&vals[0])); p < start || p >= start+uintptr(len(enc)) {
		t.Errorf("decoded values at %#x, not in the encoded bytes [%#x, %#x)", p, start, start+uintptr(len(enc)))
	}
	if !array.RecordEqual(recs[1], rec) {
		t.Error("second batch differs")
	}
	for _, r := range recs {
		r.Release()
	}
	for cut := range len(enc) - 8 { // the last 8 bytes are the end-of-stream marker
		_, recs, err := DecodeRecords(enc[:cut])
		for _, r := range recs {
			r.Release()
		}
		if err == nil && len(recs) == 2 {
			t.Fatalf("cut at %d of %d: both batches decoded", cut, len(enc))
		}
	}
}
