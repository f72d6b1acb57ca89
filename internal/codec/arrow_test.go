package codec

import (
	"testing"

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
