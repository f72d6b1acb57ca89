package codec_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/internal/codec"
)

type point struct{ X, Y int }

func TestGobValuesRoundTrip(t *testing.T) {
	for _, v := range []any{
		nil, 3, int64(-7), 2.5, "text", true, []string{"a", "b"}, []float64{1, 2},
		map[string]any{"a": 1.0, "b": []any{"x", 2.0}}, []any{1, "two"},
		time.Date(2026, 11, 22, 1, 2, 3, 4, time.UTC), 3 * time.Second,
	} {
		enc, err := codec.Encode(v)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		got, err := codec.Decode(enc)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if !reflect.DeepEqual(got, v) {
			t.Fatalf("%#v came back as %#v", v, got)
		}
	}
}

func TestUnregisteredTypeSaysHowToRegister(t *testing.T) {
	_, err := codec.Encode(point{1, 2})
	if err == nil || !strings.Contains(err.Error(), "codec_test.point") || !strings.Contains(err.Error(), "gask.RegisterType") {
		t.Fatalf("got %v", err)
	}
	if _, err := codec.Decode(codec.Value{Codec: "nope", Data: []byte{1}}); err == nil || !strings.Contains(err.Error(), `unknown codec "nope"`) {
		t.Fatalf("got %v", err)
	}
}

func TestRecordBatchRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{1, 2, 3}, []bool{true, false, true})
	ints := ib.NewArray()
	ib.Release()
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	db.AppendString("x")
	db.AppendNull()
	db.AppendString("y")
	dict := db.NewArray()
	db.Release()
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: dict.DataType(), Nullable: true},
	}, nil)
	rec := array.NewRecordBatch(sch, []arrow.Array{ints, dict}, 3)
	ints.Release()
	dict.Release()
	defer rec.Release()

	enc, err := codec.Encode(rec)
	if err != nil || enc.Codec != codec.Arrow {
		t.Fatalf("%v %q", err, enc.Codec)
	}
	v, err := codec.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	got := v.(arrow.RecordBatch)
	defer got.Release()
	if !array.RecordEqual(rec, got) {
		t.Fatalf("got %v, want %v", got, rec)
	}
}

func FuzzDecode(f *testing.F) {
	rec := func() arrow.RecordBatch {
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues([]float64{1, 2}, nil)
		a := b.NewArray()
		defer a.Release()
		return array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "f", Type: arrow.PrimitiveTypes.Float64}}, nil), []arrow.Array{a}, 2)
	}()
	defer rec.Release()
	for _, v := range []any{rec, map[string]any{"k": 1.0}, []string{"a"}} {
		enc, _ := codec.Encode(v)
		f.Add(enc.Codec, enc.Data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		v, err := codec.Decode(codec.Value{Codec: name, Data: data})
		if err == nil {
			if r, ok := v.(interface{ Release() }); ok {
				r.Release()
			}
		}
	})
}
